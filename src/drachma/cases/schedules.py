"""What a disclosure schedule of a case says: its scope, its header and its rows.

A case's schedules cover all its defendants while no material names one defendant; once some
material concerns one defendant and not the others, each defendant has their own schedules
(the material shared by all, and their own). A draft's rows are read from the material as it
stands; a certified version's rows are the ones frozen when it was certified. A revision
marks each row against the version it replaces: new, changed, or removed.

Reads only: the writes are ``disclosure.py``'s and the state changes ``workflow.SCHEDULE``'s.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from drachma.cases.models import (
    CandidateState,
    Case,
    Defendant,
    Material,
    MaterialStatus,
    Mg6eCandidate,
    Schedule,
    ScheduleKind,
)
from drachma.evidence.models import ProsecutorDecision
from drachma.evidence.workflow import person_name

COLUMNS: dict[str, list[str]] = {
    ScheduleKind.MG6C: [
        "Item no.",
        "Description",
        "Location",
        "Prosecutor's comment (D / CND / I)",
    ],
    ScheduleKind.MG6D: [
        "Item no.",
        "Description",
        "Reason for sensitivity",
        "Prosecutor's comment",
    ],
    ScheduleKind.MG6E: [
        "Item no.",
        "Schedule",
        "Description",
        "Why it might undermine the prosecution case or assist the defence",
    ],
}
SHORT_DECISION: dict[str, str] = {
    ProsecutorDecision.DISCLOSE: "D",
    ProsecutorDecision.NOT_DISCLOSABLE: "CND",
    ProsecutorDecision.INSPECT: "I",
    ProsecutorDecision.AGREED_SENSITIVE: "Agreed: not to be disclosed",
    ProsecutorDecision.PII_APPLICATION: "Public-interest-immunity application",
}
CHANGE_LABELS = {"new": "New", "changed": "Changed", "removed": "Removed"}


def differs_per_defendant(case: Case) -> bool:
    """Whether some material concerns one defendant and not the others."""
    return case.material.filter(defendant__isnull=False).exists()


def scopes(case: Case) -> list[Defendant | None]:
    """Whose schedules the case has now: None (all defendants) or each defendant."""
    if differs_per_defendant(case):
        return list(case.defendants.select_related("person"))
    return [None]


def material_in_scope(case: Case, defendant: Defendant | None) -> QuerySet[Material]:
    rows = Material.objects.filter(case=case).select_related("third_party_request")
    if defendant is not None:
        rows = rows.filter(Q(defendant__isnull=True) | Q(defendant=defendant))
    return rows.order_by("number")


def _kind_filter(rows: QuerySet[Material], kind: str) -> QuerySet[Material]:
    rows = rows.filter(used=False)
    if kind == ScheduleKind.MG6C:
        return rows.filter(sensitive=False)
    if kind == ScheduleKind.MG6D:
        return rows.filter(sensitive=True)
    return rows


def current_rows(schedule: Schedule) -> list[dict[str, Any]]:
    """The rows the schedule has now, read from the material (a draft's rows)."""
    case = schedule.case
    defendant = schedule.defendant if schedule.defendant_id else None
    material = _kind_filter(material_in_scope(case, defendant), schedule.kind).exclude(
        status=MaterialStatus.WITHDRAWN
    )
    rows: list[dict[str, Any]] = []
    if schedule.kind == ScheduleKind.MG6E:
        numbers: dict[int, str] = {}
        for m in material_in_scope(case, defendant).filter(item__isnull=False):
            numbers.setdefault(m.item_id or 0, str(m.number))
        for m in material.filter(might_undermine_or_assist=True):
            rows.append(
                _row(f"M{m.number}", [str(m.number), m.schedule, m.description, m.mg6e_reason], m)
            )
        for c in Mg6eCandidate.objects.filter(
            case=case, state=CandidateState.ACCEPTED
        ).select_related("item"):
            rows.append(
                {
                    "key": f"Q{c.pk}",
                    "cells": [
                        numbers.get(c.item_id, "-"),
                        f"Quality report of exhibit {c.item.exhibit_ref}",
                        f"{c.get_kind_display()}: {c.finding}",
                        c.reason,
                    ],
                    "undecided": False,
                    "change": "",
                }
            )
        return rows
    for m in material:
        third = SHORT_DECISION.get(m.prosecutor_decision, "")
        middle = m.location if schedule.kind == ScheduleKind.MG6C else m.sensitivity_reason
        rows.append(_row(f"M{m.number}", [str(m.number), m.description, middle, third], m))
    return rows


def _row(key: str, cells: list[str], material: Material) -> dict[str, Any]:
    return {
        "key": key,
        "cells": cells,
        "undecided": material.status == MaterialStatus.UNDECIDED,
        "change": "",
    }


def undecided(schedule: Schedule) -> list[str]:
    """What must be decided before the schedule can be certified, in words."""
    case = schedule.case
    defendant = schedule.defendant if schedule.defendant_id else None
    open_material = _kind_filter(material_in_scope(case, defendant), schedule.kind).filter(
        status=MaterialStatus.UNDECIDED
    )
    found = [f"item {m.number} ({m.description[:60]})" for m in open_material]
    if schedule.kind == ScheduleKind.MG6E:
        found += [
            f"the MG6E candidate '{c.get_kind_display().lower()}' in {c.item.exhibit_ref}"
            for c in Mg6eCandidate.objects.filter(
                case=case, state=CandidateState.PENDING
            ).select_related("item")
        ]
    return found


def marked(rows: list[dict[str, Any]], previous: Schedule | None) -> list[dict[str, Any]]:
    """``rows`` with each marked against the version it replaces: new, changed, removed."""
    if previous is None:
        return [{**r, "change": ""} for r in rows]
    before = {r["key"]: r for r in previous.rows}
    out = []
    for r in rows:
        old = before.get(r["key"])
        change = "new" if old is None else ("changed" if old["cells"] != r["cells"] else "")
        out.append({**r, "change": change})
    keys = {r["key"] for r in rows}
    out += [
        {**r, "change": "removed", "undecided": False}
        for r in previous.rows
        if r["key"] not in keys
    ]
    return out


def rows_of(schedule: Schedule) -> list[dict[str, Any]]:
    """The rows as the schedule shows them: frozen once certified, else read now and marked
    against the version it replaces."""
    if not schedule.is_draft:
        return list(schedule.rows)
    previous = schedule.previous if schedule.previous_id else None
    return marked(current_rows(schedule), previous)


def has_changed(schedule: Schedule) -> bool:
    """Whether the material no longer says what the certified version says."""
    now = [(r["key"], r["cells"]) for r in current_rows(schedule)]
    then = [(r["key"], r["cells"]) for r in schedule.rows if r.get("change") != "removed"]
    return now != then


def header(schedule: Schedule) -> dict[str, str]:
    """The form's header: R v defendants, URN, force, officer in the case, disclosure officer."""
    case = schedule.case
    defendant = schedule.defendant if schedule.defendant_id else None
    title = f"R v {defendant.person.family_name}" if defendant is not None else case.title
    return {
        "title": title,
        "urn": case.urn,
        "force": settings.DRACHMA_FORCE_NAME,
        "officer_in_case": person_name(case.officer_in_case),
        "disclosure_officer": person_name(case.disclosure_officer),
    }


def latest(case: Case) -> list[Schedule]:
    """The newest version of each of the case's schedules."""
    found: dict[tuple[int | None, str], Schedule] = {}
    for s in (
        Schedule.objects.filter(case=case)
        .select_related("defendant__person", "certified_by")
        .order_by("kind", "defendant_id", "version")
    ):
        found[(s.defendant_id, s.kind)] = s
    return sorted(found.values(), key=lambda s: (s.defendant_id or 0, s.kind))
