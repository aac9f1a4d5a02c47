"""Trigram index on identifiers for the fuzzy part of "already known?" (PostgreSQL only).

On PostgreSQL this enables pg_trgm and adds a GIN trigram index on the normalised value, so
``normalized__trigram_similar`` is answered from the index. On SQLite it does nothing: the
check falls back there to a prefix filter on the ordinary index (``intake.known``).
"""

from django.db import migrations

INDEX = "people_personidentifier_normalized_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON people_personidentifier "
        "USING gin (normalized gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("people", "0002_identifiers_and_merges")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
