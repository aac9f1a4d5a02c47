"""Reads of reports and referrals shared by the pages, the API and the panels."""

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from drachma.intake.models import (
    UNTRIAGED,
    Referral,
    ReferralStatus,
    Report,
    ReportFile,
    ReportMatch,
)

OPEN_REFERRALS = (ReferralStatus.OPEN, ReferralStatus.ACCEPTED, ReferralStatus.INVESTIGATING)


def report_queryset() -> QuerySet[Report]:
    """Reports with what the queue shows; urgent untriaged reports first, then oldest first."""
    return (
        Report.objects.select_related("assigned_to", "incident")
        .annotate(
            file_count=Count("files", distinct=True),
            match_count=Count("matches", distinct=True),
            urgent_open=Case(
                When(urgent=True, status__in=UNTRIAGED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("-urgent_open", "submitted_at", "pk")
    )


def search(queryset: QuerySet[Report], text: str) -> QuerySet[Report]:
    text = (text or "").strip()
    if not text:
        return queryset
    return queryset.filter(
        Q(reference__iexact=text)
        | Q(text__icontains=text)
        | Q(links__normalized__icontains=text)
        | Q(identifiers__normalized__icontains=text.lstrip("@").lower())
    ).distinct()


def report_detail(reference: str) -> Report:
    matches = ReportMatch.objects.select_related(
        "incident", "group", "account", "account__group", "person", "other_report"
    )
    return (
        Report.objects.select_related("assigned_to", "incident")
        .prefetch_related(
            Prefetch(
                "files",
                ReportFile.objects.select_related("item", "item__stored_file", "item__incident"),
            ),
            "links",
            "identifiers",
            Prefetch("matches", matches),
            "events__by",
            "linked_records__incident",
            "linked_records__group",
            "linked_records__person",
            "linked_records__linked_by",
            "matched_by__report",
        )
        .get(reference=reference)
    )


def urgent_untriaged(limit: int = 10) -> list[Report]:
    return list(
        Report.objects.filter(urgent=True, status__in=UNTRIAGED).order_by("submitted_at")[:limit]
    )


def queue_counts() -> dict:
    return Report.objects.aggregate(
        new=Count("pk", filter=Q(status="new")),
        assigned=Count("pk", filter=Q(status="assigned")),
        urgent=Count("pk", filter=Q(urgent=True, status__in=UNTRIAGED)),
    )


def reports_for_incident(incident) -> QuerySet[Report]:
    return Report.objects.filter(
        Q(incident=incident) | Q(linked_records__incident=incident)
    ).distinct()


def referral_queryset() -> QuerySet[Referral]:
    return (
        Referral.objects.select_related("report", "owner")
        .annotate(material_count=Count("material", distinct=True))
        .order_by("due_date", "pk")
    )


def referral_detail(reference: str) -> Referral:
    return (
        Referral.objects.select_related("report", "owner", "created_by", "report__incident")
        .prefetch_related("material__stored_file", "events__by")
        .get(reference=reference)
    )


def referral_counts() -> dict:
    today = timezone.localdate()
    return Referral.objects.aggregate(
        open=Count("pk", filter=Q(status=ReferralStatus.OPEN)),
        overdue=Count("pk", filter=Q(status=ReferralStatus.OPEN, due_date__lt=today)),
        active=Count("pk", filter=Q(status__in=OPEN_REFERRALS)),
    )
