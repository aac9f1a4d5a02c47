"""The purpose of the task an entry was written in, and a disclosure's recipient (DPA 2018
s.62). Both are hashed with the entry only when given (``chain.entry_content``), so every
entry already written still verifies. Adding the columns updates no row (PostgreSQL adds a
column with a constant default without rewriting it, so the append-only trigger is not
touched); SQLite rebuilds the table, which drops its trigger: it is made afresh."""

from django.db import migrations, models

SQLITE_TRIGGER = """CREATE TRIGGER IF NOT EXISTS audit_entry_append_only
BEFORE UPDATE ON audit_auditentry
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"""


def trigger_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_keyed_chain_and_seals")]

    operations = [
        migrations.AlterModelOptions(
            name="auditentry",
            options={
                "ordering": ["-seq"],
                "permissions": [
                    ("view_audit_log", "Can read the audit log"),
                    (
                        "set_purpose",
                        "Can set the purpose of their task (recorded with what they read)",
                    ),
                ],
                "verbose_name_plural": "audit entries",
            },
        ),
        migrations.AddField(
            model_name="auditentry",
            name="purpose",
            field=models.CharField(blank=True, db_index=True, max_length=200),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="recipient",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(trigger_again, migrations.RunPython.noop),
    ]
