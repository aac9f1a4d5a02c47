"""Reads of incidents shared by the pages, the API and other apps."""

import datetime

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from drachma.incidents.models import Incident, IncidentEvent, IncidentPerson, IncidentStatus


def incident_queryset() -> QuerySet[Incident]:
    return Incident.objects.select_related("borough", "ward", "ward__borough").prefetch_related(
        "groups"
    )


def with_history(queryset: QuerySet[Incident]) -> QuerySet[Incident]:
    """Incidents with the history of their status (``events``, oldest first) and who acted."""
    return queryset.prefetch_related(
        Prefetch("events", IncidentEvent.objects.select_related("by").order_by("at", "pk"))
    )


def incident_detail(reference: str) -> Incident:
    return (
        with_history(incident_queryset())
        .prefetch_related(
            Prefetch("involvements", IncidentPerson.objects.select_related("person")),
            "linked_cases__suspect__person",
            "linked_cases__group_member__person",
            "ward__districts",
        )
        .get(reference=reference)
    )


def search(queryset: QuerySet[Incident], text: str) -> QuerySet[Incident]:
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(
        Q(reference__iexact=text)
        | Q(summary__icontains=text)
        | Q(place__icontains=text)
        | Q(groups__name__icontains=text)
        | Q(groups__aliases__name__icontains=text)
    ).distinct()


def month_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The start of ``day``'s month and of the next, as aware Europe/London times."""
    start = day.replace(day=1)
    nxt = (start + datetime.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time(), tzinfo=tz),
        datetime.datetime.combine(nxt, datetime.time(), tzinfo=tz),
    )


def dashboard_figures(today: datetime.date | None = None) -> dict:
    """Open incidents, this month against last, and this month's incidents by borough."""
    today = today or timezone.localdate()
    this_start, this_end = month_bounds(today)
    last_start, _ = month_bounds(this_start.date() - datetime.timedelta(days=1))
    counts = Incident.objects.aggregate(
        open=Count("pk", filter=~Q(status=IncidentStatus.CLOSED)),
        this_month=Count("pk", filter=Q(occurred_at__gte=this_start, occurred_at__lt=this_end)),
        last_month=Count("pk", filter=Q(occurred_at__gte=last_start, occurred_at__lt=this_start)),
    )
    by_area = list(
        Incident.objects.filter(occurred_at__gte=last_start, occurred_at__lt=this_end)
        .values("borough__name")
        .annotate(
            this_month=Count("pk", filter=Q(occurred_at__gte=this_start)),
            last_month=Count("pk", filter=Q(occurred_at__lt=this_start)),
        )
        # Outside Greater Manchester (no borough) after the boroughs, on every database.
        .order_by("-this_month", F("borough__name").asc(nulls_last=True))
    )
    return {"month": this_start, **counts, "by_area": by_area}
