"""Test helpers for workflows."""

from django.db import models


def put_in_state(record: models.Model, **fields) -> models.Model:
    """Place ``record`` in a state for a test's set-up, as data already stored would be.

    Services can only move a workflow through its machine; a test that needs a record in
    a given state writes it with a plain queryset, outside the machine and the audit log."""
    models.QuerySet(type(record)).filter(pk=record.pk).update(**fields)
    record.refresh_from_db()
    return record
