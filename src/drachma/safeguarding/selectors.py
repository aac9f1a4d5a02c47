"""Reads of safeguarding work shared by the pages, the API, the panels and the board report.

Actions and assessments are about people (who is at risk, what was done for them): the reads a
user makes take the ``viewer`` and record the view themselves (``core.personal``), so that the
pages and the API record the same thing.
"""

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Min,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from drachma.audit import reads
from drachma.core.access import get_or_404
from drachma.core.personal import Listing
from drachma.safeguarding.models import (
    ACTIVE,
    ActionKind,
    ActionStatus,
    Escalation,
    ExposureEvent,
    Grade,
    SafeguardingAction,
    ThriveAssessment,
    TimeEntry,
)

OUTSIDE_GM = "Outside Greater Manchester"


def action_queryset(now: datetime.datetime | None = None) -> QuerySet[SafeguardingAction]:
    """Actions with what the queue shows: past due (and still active) first, then by due time."""
    now = now or timezone.now()
    return (
        SafeguardingAction.objects.select_related("incident", "owner", "person")
        .annotate(
            past_due=Case(
                When(status__in=ACTIVE, due_at__lt=now, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-past_due", "due_at", "pk")
    )


def team_of(user) -> list[int]:
    """The user's team: the user, those sharing the user's team name, the user's supervisees,
    and (for an officer) the supervisor and the supervisor's other supervisees."""
    account = getattr(user, "account", None)
    q = Q(pk=user.pk) | Q(account__supervisor=user)
    if account is not None:
        if account.team:
            q |= Q(account__team=account.team)
        if account.supervisor_id:
            q |= Q(pk=account.supervisor_id) | Q(account__supervisor_id=account.supervisor_id)
    return list(get_user_model().objects.filter(q).values_list("pk", flat=True).distinct())


def _action_details() -> QuerySet[SafeguardingAction]:
    return SafeguardingAction.objects.select_related(
        "incident", "owner", "person", "assessment", "created_by"
    ).prefetch_related("events__by", "time_entries__officer")


def action_detail(action_id: int) -> SafeguardingAction:
    """An action with its history (for a service's answer; a user's read is ``action_for``)."""
    return _action_details().get(pk=action_id)


def action_for(viewer: Any, action_id: Any) -> SafeguardingAction:
    """The action with its history and time, the view recorded; 404 if there is none."""
    action = get_or_404(_action_details(), what="action", pk=action_id)
    reads.viewed(viewer, action)
    return action


def actions_for(viewer: Any, queryset: QuerySet[SafeguardingAction], *, query: str = "") -> Listing:
    """A list of actions (already filtered) for ``viewer``: the rows a door shows are recorded
    as one list view with the filters (``query``)."""

    def show(rows: Sequence[SafeguardingAction]) -> list[SafeguardingAction]:
        reads.viewed_list(viewer, SafeguardingAction, rows, query=query)
        return list(rows)

    return Listing(queryset=queryset, show=show)


def _assessments() -> QuerySet[ThriveAssessment]:
    return ThriveAssessment.objects.select_related("incident", "assessed_by", "previous")


def assessment_for(viewer: Any, assessment_id: Any) -> ThriveAssessment:
    """The THRIVE assessment, the view recorded; 404 if there is none."""
    assessment = get_or_404(_assessments(), what="assessment", pk=assessment_id)
    reads.viewed(viewer, assessment)
    return assessment


def assessment_list_for(viewer: Any, incident_reference: str = "") -> Listing:
    """Assessments, newest first (of one incident when a reference is given); the rows a door
    shows are recorded as one list view."""
    queryset = _assessments().order_by("-assessed_at", "-pk")
    if incident_reference:
        queryset = queryset.filter(incident__reference=incident_reference)

    def show(rows: Sequence[ThriveAssessment]) -> list[ThriveAssessment]:
        reads.viewed_list(viewer, ThriveAssessment, rows, query=incident_reference)
        return list(rows)

    return Listing(queryset=queryset, show=show)


def assessments_for(incident) -> list[ThriveAssessment]:
    return list(
        ThriveAssessment.objects.filter(incident=incident)
        .select_related("assessed_by")
        .order_by("-assessed_at", "-pk")
    )


def plan_for(incident) -> list[SafeguardingAction]:
    return list(
        action_queryset().filter(incident=incident).annotate(minutes=Sum("time_entries__minutes"))
    )


def my_overdue(user, limit: int = 10) -> list[SafeguardingAction]:
    return list(
        action_queryset().filter(owner=user, status__in=ACTIVE, due_at__lt=timezone.now())[:limit]
    )


def queue_counts(user_ids: list[int] | None = None) -> dict:
    now = timezone.now()
    qs = SafeguardingAction.objects.filter(status__in=ACTIVE)
    if user_ids is not None:
        qs = qs.filter(owner_id__in=user_ids)
    return qs.aggregate(
        active=Count("pk"),
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        due_today=Count(
            "pk", filter=Q(due_at__gte=now, due_at__lt=now + datetime.timedelta(hours=24))
        ),
    )


# --- figures -------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100) of the values; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


@dataclass
class ResponseTimes:
    """Time from an incident being received to the first work on any of its actions."""

    incidents: int
    median_minutes: float | None
    p90_minutes: float | None

    @staticmethod
    def as_text(minutes: float | None) -> str:
        if minutes is None:
            return "—"
        minutes = round(minutes)
        if minutes < 120:
            return f"{minutes} min"
        hours = minutes / 60
        return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"

    @property
    def median_text(self) -> str:
        return self.as_text(self.median_minutes)

    @property
    def p90_text(self) -> str:
        return self.as_text(self.p90_minutes)


def response_times(
    start: datetime.datetime | None = None, end: datetime.datetime | None = None
) -> ResponseTimes:
    qs = SafeguardingAction.objects.filter(started_at__isnull=False)
    if start:
        qs = qs.filter(incident__received_at__gte=start)
    if end:
        qs = qs.filter(incident__received_at__lt=end)
    rows = qs.values("incident_id", "incident__received_at").annotate(first=Min("started_at"))
    minutes = [
        max(0.0, (r["first"] - r["incident__received_at"]).total_seconds() / 60) for r in rows
    ]
    return ResponseTimes(len(minutes), median(minutes), percentile(minutes, 90))


def _time_entries(start: datetime.date | None, end: datetime.date | None) -> QuerySet[TimeEntry]:
    qs = TimeEntry.objects.all()
    if start:
        qs = qs.filter(spent_on__gte=start)
    if end:
        qs = qs.filter(spent_on__lte=end)
    return qs


def hours_by_month(
    start: datetime.date | None = None, end: datetime.date | None = None
) -> list[dict]:
    rows = (
        _time_entries(start, end)
        .annotate(month=TruncMonth("spent_on"))
        .values("month")
        .annotate(minutes=Sum("minutes"))
        .order_by("month")
    )
    return [
        {"month": r["month"], "label": f"{r['month']:%b %Y}", "hours": round(r["minutes"] / 60, 1)}
        for r in rows
    ]


def hours_by_area(
    start: datetime.date | None = None, end: datetime.date | None = None
) -> list[dict]:
    """Officer hours by the borough of the incident (its ward's borough when only the ward is
    recorded); incidents outside Greater Manchester together."""
    rows = (
        _time_entries(start, end)
        .values("action__incident__borough__name", "action__incident__ward__borough__name")
        .annotate(minutes=Sum("minutes"))
    )
    totals: dict[str, int] = {}
    for r in rows:
        area = (
            r["action__incident__borough__name"]
            or r["action__incident__ward__borough__name"]
            or OUTSIDE_GM
        )
        totals[area] = totals.get(area, 0) + r["minutes"]
    ordered = sorted(totals.items(), key=lambda kv: (kv[0] == OUTSIDE_GM, kv[0]))
    return [{"area": area, "hours": round(m / 60, 1)} for area, m in ordered]


def total_hours(start: datetime.date | None = None, end: datetime.date | None = None) -> float:
    minutes = _time_entries(start, end).aggregate(m=Sum("minutes"))["m"] or 0
    return round(minutes / 60, 1)


def overdue_by_owner() -> list[dict]:
    now = timezone.now()
    rows = (
        SafeguardingAction.objects.filter(status__in=ACTIVE)
        .values("owner_id", "owner__username", "owner__first_name", "owner__last_name")
        .annotate(active=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
        .order_by("-overdue", "owner__last_name", "owner__username")
    )
    return [
        {
            "owner": f"{r['owner__first_name']} {r['owner__last_name']}".strip()
            or r["owner__username"],
            "username": r["owner__username"],
            "active": r["active"],
            "overdue": r["overdue"],
        }
        for r in rows
    ]


def counts() -> dict:
    """Figures without names: what analysts (and the API's counts) see."""
    now = timezone.now()
    active = SafeguardingAction.objects.filter(status__in=ACTIVE)
    by_grade = {g: {"active": 0, "overdue": 0} for g in Grade.values}
    for r in active.values("grade").annotate(
        n=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now))
    ):
        by_grade[r["grade"]] = {"active": r["n"], "overdue": r["late"]}
    by_kind = {k: {"active": 0, "overdue": 0} for k in ActionKind.values}
    for r in active.values("kind").annotate(
        n=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now))
    ):
        by_kind[r["kind"]] = {"active": r["n"], "overdue": r["late"]}
    by_status = {s: 0 for s in ActionStatus.values}
    for r in SafeguardingAction.objects.values("status").annotate(n=Count("pk")):
        by_status[r["status"]] = r["n"]
    response = response_times()
    return {
        "active": sum(v["active"] for v in by_grade.values()),
        "overdue": sum(v["overdue"] for v in by_grade.values()),
        "by_grade": by_grade,
        "by_kind": by_kind,
        "by_status": by_status,
        "assessments": ThriveAssessment.objects.count(),
        "response": response,
        "hours_by_month": hours_by_month(),
        "hours_by_area": hours_by_area(),
    }


def recent_escalations(days: int = 14, limit: int = 50) -> list[Escalation]:
    """The supervisor's view: the latest escalations (of the last ``days``), newest first,
    with their actions' state, names of who was told, and the incident. No person named."""
    since = timezone.now() - datetime.timedelta(days=days)
    return list(
        Escalation.objects.filter(escalated_at__gte=since)
        .select_related("action", "action__incident", "action__owner")
        .prefetch_related("recipients")
        .order_by("-escalated_at", "-pk")[:limit]
    )


def exposure_timeline(person) -> list[ExposureEvent]:
    """A person's exposure events, oldest first, each with the welfare actions it started
    (their owners and escalations), for the person's page."""
    return list(
        ExposureEvent.objects.filter(person=person)
        .select_related("incident", "recorded_by")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=SafeguardingAction.objects.select_related("owner")
                .prefetch_related("escalations")
                .order_by("due_at", "pk"),
            )
        )
        .order_by("occurred_at", "pk")
    )
