"""Entries are written without the chain-head lock and sealed into the chain afterwards.

- An entry's number (``seq``) becomes its key, given by the database when it is written.
- ``AuditSeal`` gives each entry its place in the chain (``position``); ``AuditPending`` is the
  sealer's queue. The chain-head row goes: the head is the last seal.
- Entries written before the chain was keyed keep their SHA-256 hash and link: each gets a seal
  at its old sequence number marked ``unkeyed`` (docs/audit.md, "Entries from before the key").
- Neither entries nor seals can be updated (nor, on PostgreSQL, deleted) by the database.

Nothing is updated in place (the append-only trigger forbids it): the old hash stays in the
entry's ``entry_hash``, its link moves to the seal by INSERT ... SELECT.
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRES_TRIGGERS = """
CREATE TRIGGER audit_seal_append_only
    BEFORE UPDATE OR DELETE ON audit_auditseal
    FOR EACH ROW EXECUTE FUNCTION drachma_audit_append_only();
"""
POSTGRES_TRIGGERS_DOWN = "DROP TRIGGER IF EXISTS audit_seal_append_only ON audit_auditseal;"
# SQLite rebuilds a table to change its key, which drops its triggers: both are made afresh.
# (SQLite's flush for tests deletes rows, so only UPDATE is refused there.)
SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS audit_entry_append_only BEFORE UPDATE ON audit_auditentry
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_seal_append_only BEFORE UPDATE ON audit_auditseal
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
]
SQLITE_TRIGGERS_DOWN = [
    "DROP TRIGGER IF EXISTS audit_seal_append_only;",
    "DROP TRIGGER IF EXISTS audit_entry_append_only;",
]


def continue_numbering(apps, schema_editor):
    """PostgreSQL's new identity starts at 1: new entries must be numbered after the old."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "SELECT setval(pg_get_serial_sequence('audit_auditentry', 'seq'), "
            "COALESCE(MAX(seq), 1), MAX(seq) IS NOT NULL) FROM audit_auditentry"
        )


def seal_unkeyed_entries(apps, schema_editor):
    schema_editor.execute(
        "INSERT INTO audit_auditseal (position, entry_seq, prev_hash, chain_hash, key_id, "
        "sealed_at) SELECT seq, seq, prev_hash, entry_hash, 'unkeyed', at FROM audit_auditentry"
    )


def triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_TRIGGERS)
    elif vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql)


def triggers_down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_TRIGGERS_DOWN)
    elif vendor == "sqlite":
        for sql in SQLITE_TRIGGERS_DOWN:
            schema_editor.execute(sql)


def restrict_app_role(apps, schema_editor):
    """Run as the owner (DATABASE_OWNER_URL): the tables made here get the application
    role's limits at once, not only when the whole migrate run ends."""
    from drachma.audit.dbroles import app_role_to_restrict, restrict_audit_tables

    app_role = app_role_to_restrict(schema_editor.connection)
    if app_role is not None:
        with schema_editor.connection.cursor() as cursor:
            restrict_audit_tables(cursor, app_role)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        # The entry's number becomes its key.
        migrations.RemoveField(model_name="auditentry", name="id"),
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.BigAutoField(primary_key=True, serialize=False),
        ),
        migrations.RunPython(continue_numbering, migrations.RunPython.noop),
        migrations.AddField(
            model_name="auditentry",
            name="nonce",
            field=models.CharField(blank=True, max_length=32, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="key_id",
            field=models.CharField(
                default="unkeyed",
                help_text="The key that hashed it, or 'unkeyed'",
                max_length=16,
            ),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                ("position", models.PositiveBigIntegerField(primary_key=True, serialize=False)),
                (
                    "entry",
                    models.OneToOneField(
                        db_column="entry_seq",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="seal",
                        to="audit.auditentry",
                    ),
                ),
                ("prev_hash", models.CharField(max_length=64)),
                ("chain_hash", models.CharField(max_length=64, unique=True)),
                ("key_id", models.CharField(max_length=16)),
                ("sealed_at", models.DateTimeField()),
            ],
            options={"ordering": ["position"]},
        ),
        migrations.CreateModel(
            name="AuditPending",
            fields=[
                (
                    "entry",
                    models.OneToOneField(
                        db_column="entry_seq",
                        on_delete=django.db.models.deletion.PROTECT,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="audit.auditentry",
                    ),
                ),
            ],
        ),
        migrations.RunPython(seal_unkeyed_entries),
        migrations.RemoveField(model_name="auditentry", name="prev_hash"),
        migrations.DeleteModel(name="AuditChainHead"),
        migrations.RunPython(triggers, triggers_down),
        migrations.RunPython(restrict_app_role, migrations.RunPython.noop),
    ]
