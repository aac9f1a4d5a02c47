"""Reads of cases shared by the pages, the API and the figures.

A case names its defendants, their arrests, bail and charges: personal data. The reads a user
makes take the ``viewer`` and record the view in the audit log themselves
(``core.personal``), so that the pages and the API record the same thing. The figures read no
one's name and go through the small-number rule.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from drachma.audit import reads
from drachma.cases.models import (
    Case,
    Charge,
    ChargeResult,
    CollapseReason,
    Defendant,
    Exposure,
    Hearing,
    IncidentOutcome,
    ProsecutorNotice,
    Result,
    Stage,
)
from drachma.core.access import get_or_404
from drachma.core.personal import Listing


def case_queryset() -> QuerySet[Case]:
    return (
        Case.objects.select_related("officer_in_case", "disclosure_officer")
        .prefetch_related(
            Prefetch(
                "defendants",
                queryset=Defendant.objects.select_related("person").prefetch_related(
                    "charges__result"
                ),
            )
        )
        .annotate(defendant_count=Count("defendants", distinct=True))
    )


def search(queryset: QuerySet[Case], text: str) -> QuerySet[Case]:
    for term in text.split():
        queryset = queryset.filter(urn__icontains=term) | queryset.filter(
            defendants__person__family_name__icontains=term
        )
    return queryset.distinct()


def cases_for(viewer: Any, queryset: QuerySet[Case] | None = None, *, query: str = "") -> Listing:
    """A list of cases for ``viewer``; the rows a door shows are recorded as one list view."""
    rows = case_queryset() if queryset is None else queryset

    def show(page: Sequence[Case]) -> list[Case]:
        reads.viewed_list(viewer, Case, page, query=query)
        return list(page)

    return Listing(queryset=rows, show=show)


def _case_details() -> QuerySet[Case]:
    return case_queryset().prefetch_related(
        "incidents",
        "exhibits",
        "intelligence",
        Prefetch("hearings", queryset=Hearing.objects.select_related("defendant__person")),
        Prefetch(
            "exposures",
            queryset=Exposure.objects.select_related("defendant__person", "notice"),
        ),
        Prefetch(
            "prosecutor_notices",
            queryset=ProsecutorNotice.objects.select_related("owner", "done_by", "exposure"),
        ),
    )


def case_detail(urn: str) -> Case:
    """A case with everything its page shows (for a service's answer; a user's read is
    ``case_for``)."""
    return _case_details().get(urn=urn)


def case_for(viewer: Any, urn: Any) -> Case:
    """The case with its defendants, charges, hearings and results, the view recorded; 404
    if there is none."""
    case = get_or_404(_case_details(), what="case", urn=str(urn).upper())
    reads.viewed(viewer, case)
    return case


def defendant_for(viewer: Any, defendant_id: Any) -> Defendant:
    defendant = get_or_404(
        Defendant.objects.select_related("case", "person"), what="defendant", pk=defendant_id
    )
    reads.viewed(viewer, defendant)
    return defendant


def notice_for(viewer: Any, notice_id: Any) -> ProsecutorNotice:
    notice = get_or_404(
        ProsecutorNotice.objects.select_related("case", "exposure", "owner"),
        what="action",
        pk=notice_id,
    )
    reads.viewed(viewer, notice)
    return notice


def open_notices_for(user: Any) -> QuerySet[ProsecutorNotice]:
    return ProsecutorNotice.objects.filter(owner=user, done_at__isnull=True).select_related("case")


def incident_outcome(incident: Any) -> IncidentOutcome | None:
    return IncidentOutcome.objects.filter(incident=incident).first()


def figures() -> dict[str, Any]:
    """Counts of cases by stage, results by kind, collapses by reason, and publications found
    during active proceedings: no names, for the analyst (the small-number rule is applied by
    the page and the API when they publish them)."""
    stages: Counter[str] = Counter(c.stage for c in case_queryset())
    results = Counter(ChargeResult.objects.values_list("result", flat=True))
    reasons = Counter(
        ChargeResult.objects.exclude(collapse_reason="").values_list("collapse_reason", flat=True)
    )
    outcomes = Counter(IncidentOutcome.objects.values_list("outcome", flat=True))
    return {
        "stages": {s.value: stages.get(s.value, 0) for s in Stage},
        "results": dict(results),
        "collapse_reasons": {r.value: reasons.get(r.value, 0) for r in CollapseReason},
        "incident_outcomes": dict(outcomes),
        "publications_during_proceedings": Exposure.objects.filter(
            during_active_proceedings=True
        ).count(),
    }


def period_figures(start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """The case figures of a period (inclusive days, UK time), no names: cases and defendants
    charged (first charge in the period), results and collapse reasons decided in it,
    publications found during active proceedings in it, and the days from a case's first
    incident to each defendant's first charge and to each result decided in it (the lists,
    for medians; the small-number rule is applied where they are published)."""
    if end < start:
        raise ValidationError({"end": "The period ends before it starts."})
    first_incident: dict[int, datetime.date] = {}
    for case_id, occurred in Case.incidents.through.objects.values_list(
        "case_id", "incident__occurred_at"
    ):
        day = timezone.localdate(occurred)
        if case_id not in first_incident or day < first_incident[case_id]:
            first_incident[case_id] = day

    first_charge: dict[int, tuple[int, datetime.date]] = {}  # defendant -> (case, charged_on)
    for defendant_id, case_id, charged_on in Charge.objects.values_list(
        "defendant_id", "defendant__case_id", "charged_on"
    ):
        if defendant_id not in first_charge or charged_on < first_charge[defendant_id][1]:
            first_charge[defendant_id] = (case_id, charged_on)
    charged = [(c, d) for c, d in first_charge.values() if start <= d <= end]

    decided = list(
        ChargeResult.objects.filter(decided_on__gte=start, decided_on__lte=end).values_list(
            "result", "collapse_reason", "decided_on", "charge__defendant__case_id"
        )
    )
    results = Counter(r for r, _, _, _ in decided)
    reasons = Counter(reason for _, reason, _, _ in decided if reason)
    low, high = (
        timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        for day in (start, end + datetime.timedelta(days=1))
    )
    return {
        "cases_charged": len({c for c, _ in charged}),
        "defendants_charged": len(charged),
        "results": {r.value: results.get(r.value, 0) for r in Result},
        "collapse_reasons": {r.value: reasons.get(r.value, 0) for r in CollapseReason},
        "publications_during_proceedings": Exposure.objects.filter(
            during_active_proceedings=True, found_at__gte=low, found_at__lt=high
        ).count(),
        "days_to_charge": sorted(
            (d - first_incident[c]).days for c, d in charged if c in first_incident
        ),
        "days_to_result": sorted(
            (d - first_incident[c]).days for _, _, d, c in decided if c in first_incident
        ),
    }
