# The publication log's content type moves from app label "evidence" to "takedown": renamed in
# place, so that its permissions keep their ids (and every role holding them) and become
# takedown.view_publicationrecord etc.

from django.db import migrations

MODELS = ("publicationrecord",)


def _move(apps, schema_editor, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        if not types.filter(app_label=old, model=model).exists():
            continue  # a new database: post_migrate makes the content type afterwards
        # A migrate stopped half-way may have let post_migrate make the new one already; it
        # holds nothing worth keeping (the roles are synchronised after every migrate).
        types.filter(app_label=new, model=model).delete()
        types.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    _move(apps, schema_editor, "evidence", "takedown")


def backwards(apps, schema_editor):
    _move(apps, schema_editor, "takedown", "evidence")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("takedown", "0005_publication_log_from_evidence"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
