# The group register's content types move from app label "intelligence" to "groups": renamed
# in place, so that their permissions keep their ids (and every role and user holding them)
# and become groups.view_group etc.

from django.db import migrations

MODELS = ("group", "groupalias", "platformaccount")


def _move(apps, schema_editor, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        if not types.filter(app_label=old, model=model).exists():
            continue  # a new database: post_migrate makes the content types afterwards
        # A migrate stopped half-way may have let post_migrate make the new one already; it
        # holds nothing worth keeping (the roles are synchronised after every migrate).
        types.filter(app_label=new, model=model).delete()
        types.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    _move(apps, schema_editor, "intelligence", "groups")


def backwards(apps, schema_editor):
    _move(apps, schema_editor, "groups", "intelligence")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("groups", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
