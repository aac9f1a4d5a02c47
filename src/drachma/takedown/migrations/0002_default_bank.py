from django.db import migrations


def create_default_bank(apps, schema_editor):
    MatchBank = apps.get_model("takedown", "MatchBank")
    if not MatchBank.objects.filter(is_default=True).exists():
        MatchBank.objects.update_or_create(
            name="Footage", defaults={"is_default": True, "match_distance": 31, "video_match_share": 0.8,
                                      "description": "All footage of confrontations (HMA's rule: 31 bits, 80% of frames)."})


class Migration(migrations.Migration):
    dependencies = [("takedown", "0001_initial")]
    operations = [migrations.RunPython(create_default_bank, migrations.RunPython.noop)]
