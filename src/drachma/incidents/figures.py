"""Telling the apps that keep figures derived from incidents what changed.

Statistics keeps monthly counts of incidents (``statistics.rollup``) that must move with every
change to an incident. Statistics sits above incidents, so incidents cannot call it; instead
it offers a plug-in point (as the group register does with ``group_activity``): every
installed app whose ``rollup`` module defines ``incident_changed(before, after)`` is called,
through ``drachma.core.registry``, by each of incidents' services that changes a counted fact
(``models.COUNTED_FIELDS`` and the groups), inside the service's transaction, with the
incident's facts before and after the change (``None`` before its creation or after its
deletion). A change that fails rolls the figures back with it.

Only the services keep the figures in step: a bulk ``update()`` of a counted field, or a
queryset ``delete()``, is refused (``models.IncidentQuerySet``); a bulk load (bench/) is
followed by ``manage.py rebuild_statistics``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from drachma.core.registry import app_hooks
from drachma.incidents.models import COUNTED_FIELDS, Incident


@dataclass(frozen=True)
class Facts:
    """What derived figures may count about one incident: ``values`` maps each counted
    field's column name (``occurred_at``, ``borough_id``, ``status``, ...) to its value."""

    incident_id: int
    values: dict[str, Any]
    groups: tuple[int, ...]


def _columns() -> list[str]:
    return [Incident._meta.get_field(name).attname for name in COUNTED_FIELDS]


def facts(incident_id: int) -> Facts | None:
    """The incident's counted facts as stored now (None if there is no such incident)."""
    return facts_of([incident_id]).get(incident_id)


def facts_of(incident_ids: Iterable[int]) -> dict[int, Facts]:
    ids = list(incident_ids)
    rows = Incident._base_manager.filter(pk__in=ids).values("pk", *_columns())
    groups: dict[int, list[int]] = {}
    links = Incident.groups.through.objects.filter(incident_id__in=ids).order_by("group_id")
    for incident_id, group_id in links.values_list("incident_id", "group_id"):
        groups.setdefault(incident_id, []).append(group_id)
    return {
        row["pk"]: Facts(
            row["pk"],
            {k: v for k, v in row.items() if k != "pk"},
            tuple(groups.get(row["pk"], ())),
        )
        for row in rows
    }


def changed(before: Facts | None, after: Facts | None) -> None:
    """Tell every app that keeps figures of incidents that one incident changed."""
    if before == after:
        return
    for incident_changed in app_hooks("rollup", "incident_changed"):
        incident_changed(before, after)
