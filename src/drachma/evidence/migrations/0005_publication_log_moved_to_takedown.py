# The publication log (PublicationRecord) now belongs to the takedown app (takedown 0005), with
# the same table. The evidence app lets go of the model in Django's state; the database is not
# touched.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0004_exhibit_chat_parse_problem"),
        ("takedown", "0005_publication_log_from_evidence"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PublicationRecord")],
            database_operations=[],
        ),
    ]
