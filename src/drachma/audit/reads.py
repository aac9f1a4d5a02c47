"""Recording that someone saw personal data. Selectors call these for their viewer (see
``core.personal``); pages and the API never call them directly, so every door records the
same thing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from drachma.audit.models import AuditAction, AuditEntry
from drachma.audit.services import append, label_of


def viewed(
    viewer: Any, obj: models.Model, *, fields: Iterable[str] | None = None, via: str = ""
) -> AuditEntry:
    """``viewer`` saw ``obj``; ``fields`` names the restricted fields shown, ``via`` the
    record through which it was seen (a person seen on an incident's page)."""
    changes: dict[str, Any] = {}
    if fields:
        changes["fields"] = sorted(fields)
    if via:
        changes["via"] = via
    return append(
        AuditAction.VIEW,
        model=label_of(obj),
        object_id=str(obj.pk),
        object_repr=str(obj),
        changes=changes,
        actor=viewer if getattr(viewer, "is_authenticated", False) else None,
    )


def viewed_list(
    viewer: Any, model: type[models.Model], rows: Iterable[models.Model], *, query: str = ""
) -> AuditEntry | None:
    """``viewer`` saw a list showing ``rows``; an empty list shows nothing and records nothing."""
    ids = [str(row.pk) for row in rows]
    if not ids:
        return None
    return append(
        AuditAction.VIEW,
        model=label_of(model),
        object_repr=f"list of {len(ids)}",
        changes={"ids": ids, "query": query},
        actor=viewer if getattr(viewer, "is_authenticated", False) else None,
    )
