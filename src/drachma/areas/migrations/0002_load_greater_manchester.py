from django.db import migrations


def load(apps, schema_editor):
    from drachma.areas.loading import load_greater_manchester

    load_greater_manchester(
        apps.get_model("areas", "Borough"), apps.get_model("areas", "Ward"), apps.get_model("areas", "District")
    )


class Migration(migrations.Migration):
    dependencies = [("areas", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
