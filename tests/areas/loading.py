"""Boroughs, wards and districts come from a data migration, and a transactional test's flush
removes them for every later test in the same process: tests that need them call this."""

import importlib

from django.apps import apps


def ensure_areas() -> None:
    """Load Greater Manchester's boroughs, wards and districts unless they are present."""
    from drachma.areas.models import Borough

    if not Borough.objects.exists():
        migration = importlib.import_module("drachma.areas.migrations.0002_load_greater_manchester")
        migration.load(apps, None)
