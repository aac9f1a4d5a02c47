"""Reads of incidents shared by the pages, the API and other apps.

The reads a user makes of one incident and of the people in it take the ``viewer`` and record
the view in the audit log themselves (``core.personal``): a person seen on an incident's page
or through the API is recorded against the person, with the fields shown and the incident
through which they were seen, so that the person's own history of views is complete.
"""

import datetime
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from drachma.audit import reads
from drachma.core.access import get_or_404
from drachma.incidents.models import (
    Incident,
    IncidentEvent,
    IncidentPerson,
    IncidentStatus,
    LinkedCase,
)

# Who was involved is shown only to roles holding this permission (never to analysts).
PEOPLE_PERM = "incidents.view_incidentperson"
# What an incident's list of people shows of each person, on the page and in the API alike.
INVOLVEMENT_FIELDS = ("full_name", "vulnerabilities", "role", "notes")
# What a linked case shows of each of its two people.
LINKED_CASE_FIELDS = ("full_name", "role")


def incident_queryset() -> QuerySet[Incident]:
    return Incident.objects.select_related("borough", "ward", "ward__borough").prefetch_related(
        "groups"
    )


def with_history(queryset: QuerySet[Incident]) -> QuerySet[Incident]:
    """Incidents with the history of their status (``events``, oldest first) and who acted."""
    return queryset.prefetch_related(
        Prefetch("events", IncidentEvent.objects.select_related("by").order_by("at", "pk"))
    )


def incident_for(viewer: Any, reference: str) -> Incident:
    """The incident with its history and areas, the view recorded; 404 if there is none."""
    incident = get_or_404(
        with_history(incident_queryset()).prefetch_related("ward__districts"),
        what="incident",
        reference=reference,
    )
    reads.viewed(viewer, incident)
    return incident


def shows_people(viewer: Any) -> bool:
    return viewer.has_perm(PEOPLE_PERM)


def involvements_for(viewer: Any, incident: Incident) -> list[IncidentPerson]:
    """The people involved in ``incident`` as ``viewer`` sees them: nothing for a role that may
    not see who was involved; otherwise each person's view recorded against the person, with
    the fields shown and the incident's reference."""
    if not shows_people(viewer):
        return []
    involvements = list(
        IncidentPerson.objects.filter(incident=incident).select_related("person").order_by("pk")
    )
    # The list itself, even when empty: who looked to see who was involved.
    reads.viewed(viewer, incident, fields=["involvements"])
    for involvement in involvements:
        reads.viewed(viewer, involvement.person, fields=INVOLVEMENT_FIELDS, via=incident.reference)
    return involvements


def linked_cases_for(viewer: Any, incident: Incident) -> list[LinkedCase]:
    """The linked cases of ``incident``; each person they name recorded as seen through it."""
    if not (shows_people(viewer) and viewer.has_perm("incidents.view_linkedcase")):
        return []
    links = list(
        LinkedCase.objects.filter(incident=incident)
        .select_related("suspect__person", "group_member__person")
        .order_by("created_at", "pk")
    )
    reads.viewed(viewer, incident, fields=["linked_cases"])
    for link in links:
        for involvement in (link.suspect, link.group_member):
            reads.viewed(
                viewer, involvement.person, fields=LINKED_CASE_FIELDS, via=incident.reference
            )
    return links


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
    return {
        "month": this_start,
        "last_month_start": last_start,
        "last_month_end": this_start - datetime.timedelta(days=1),
        **counts,
        "by_area": by_area,
    }
