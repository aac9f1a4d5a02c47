"""Reads of reports and referrals shared by the pages, the API and the panels.

A report holds what someone told us about people, and who told us; a referral the handles,
phones and links of the people it is about. The reads a user makes take the ``viewer``: they
hide who reported from roles without ``intake.view_reporter_contact`` and record the view in
the audit log themselves (``core.personal``), so the pages and the API show and record the
same thing.
"""

from collections.abc import Sequence
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from drachma.audit import reads
from drachma.core.access import get_or_404
from drachma.core.personal import Listing, fields_hidden_from, mask
from drachma.intake.models import (
    CONTACT_FIELDS,
    UNTRIAGED,
    Referral,
    ReferralStatus,
    Report,
    ReportFile,
    ReportMatch,
)

OPEN_REFERRALS = (ReferralStatus.OPEN, ReferralStatus.ACCEPTED, ReferralStatus.INVESTIGATING)

# Who made a report and how to reach them: shown only to roles holding CONTACT_PERM.
CONTACT = CONTACT_FIELDS
CONTACT_PERM = "intake.view_reporter_contact"
_RULES = {CONTACT_PERM: CONTACT}


def _masked(viewer: Any, report: Report) -> Report:
    """``report`` with the contact details ``viewer`` may not see hidden. Only the details
    given are hidden, so that the page can still say that some were given."""
    return mask(report, [f for f in fields_hidden_from(viewer, _RULES) if getattr(report, f)])


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
    """The report with everything its page shows, unmasked and unrecorded: for the services
    that act on it. A user's read goes through ``report_for``."""
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


def shows_contact(viewer: Any) -> bool:
    return viewer.has_perm(CONTACT_PERM)


def shown_report(viewer: Any, report: Report) -> Report:
    """``report`` (already read) shown to ``viewer``: who reported hidden from a role that may
    not see it, and the view recorded, naming the contact details when it showed them."""
    seen = ["reporter_contact"] if shows_contact(viewer) and report.has_contact else None
    reads.viewed(viewer, report, fields=seen)
    return _masked(viewer, report)


def report_for(viewer: Any, reference: str) -> Report:
    """The report as ``viewer`` may see it, with its files, matches and history; the view
    recorded; 404 if there is none."""
    try:
        report = report_detail(reference)
    except Report.DoesNotExist:
        raise Http404("No such report.") from None
    return shown_report(viewer, report)


def reports_for(viewer: Any, queryset: QuerySet[Report], *, query: str = "") -> Listing[Report]:
    """Reports (``queryset``, narrowed by the queue's filters) for ``viewer``: the rows a door
    shows are masked and recorded as one list view, with the filters (``query``)."""

    def show(rows: Sequence[Report]) -> list[Report]:
        reads.viewed_list(viewer, Report, rows, query=query)
        return [_masked(viewer, r) for r in rows]

    return Listing(queryset=queryset, show=show)


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
    """The referral with its material and history, unrecorded: for the services that act on
    it. A user's read goes through ``referral_for``."""
    return referral_detail_queryset().get(reference=reference)


def referral_detail_queryset() -> QuerySet[Referral]:
    return Referral.objects.select_related(
        "report", "owner", "created_by", "report__incident"
    ).prefetch_related("material__stored_file", "events__by")


def referral_for(viewer: Any, reference: str) -> Referral:
    """The referral (the handles, phones and links of the people it is about) for ``viewer``;
    the view recorded; 404 if there is none."""
    referral = get_or_404(referral_detail_queryset(), reference=reference, what="referral")
    reads.viewed(viewer, referral)
    return referral


def referrals_for(
    viewer: Any, queryset: QuerySet[Referral], *, query: str = ""
) -> Listing[Referral]:
    """Referrals (``queryset``, narrowed by the filters) for ``viewer``: the rows a door shows
    are recorded as one list view, with the filters (``query``)."""

    def show(rows: Sequence[Referral]) -> list[Referral]:
        reads.viewed_list(viewer, Referral, rows, query=query)
        return list(rows)

    return Listing(queryset=queryset, show=show)


def referral_counts() -> dict:
    today = timezone.localdate()
    return Referral.objects.aggregate(
        open=Count("pk", filter=Q(status=ReferralStatus.OPEN)),
        overdue=Count("pk", filter=Q(status=ReferralStatus.OPEN, due_date__lt=today)),
        active=Count("pk", filter=Q(status__in=OPEN_REFERRALS)),
    )


# --- reports that led nowhere -------------------------------------------------------------


def closed_at() -> Any:
    """When each report was last closed (its latest closing event; a report closed before
    events were kept: its last change), as an expression to annotate reports with."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from drachma.intake.models import ReportEvent, ReportStatus

    last_closing = (
        ReportEvent.objects.filter(report=OuterRef("pk"), to_state=ReportStatus.CLOSED)
        .order_by("-at", "-pk")
        .values("at")[:1]
    )
    return Coalesce(Subquery(last_closing), "updated_at")


def stale_reports(now: Any, days: int) -> QuerySet[Report]:
    """Reports closed without an incident more than ``days`` days before ``now``, that nothing
    holds (no referral, no link to a record, no reason recorded to keep them): what the
    removal of stale reports removes."""
    import datetime

    from django.db.models import Exists, OuterRef

    from drachma.intake.models import LinkedRecord, ReportStatus

    cutoff = now - datetime.timedelta(days=days)
    return (
        Report.objects.filter(
            status=ReportStatus.CLOSED, incident__isnull=True, keep_reason="", referral__isnull=True
        )
        .exclude(Exists(LinkedRecord.objects.filter(report=OuterRef("pk"))))
        .annotate(closed_at=closed_at())
        .filter(closed_at__lt=cutoff)
        .order_by("closed_at", "pk")
    )


# --- quarantine and onward referrals (intake.official) -------------------------------------


def quarantine_queryset(*, awaiting: bool | None = None) -> QuerySet[ReportFile]:
    """Quarantined files, those awaiting the unit's grade first, oldest first."""
    queryset = ReportFile.objects.filter(quarantined=True).select_related(
        "report", "item__stored_file", "graded_by", "quarantined_by"
    )
    if awaiting is True:
        queryset = queryset.filter(grade="")
    elif awaiting is False:
        queryset = queryset.exclude(grade="")
    return queryset.annotate(
        graded=Case(When(grade="", then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("graded", "quarantined_at", "pk")


def quarantine_for(viewer: Any, queryset: QuerySet[ReportFile], *, query: str = "") -> Listing:
    """The quarantine list for the digital forensics unit: every listing is recorded."""

    def show(rows: Sequence[ReportFile]) -> list[ReportFile]:
        reads.viewed_list(viewer, ReportFile, rows, query=query)
        return list(rows)

    return Listing(queryset=queryset, show=show)


def quarantined_file(pk: Any) -> ReportFile:
    """One quarantined file, unrecorded (for the step that grades it); 404 otherwise."""
    return get_or_404(quarantine_queryset(), what="quarantined file", pk=pk)


def quarantined_file_for(viewer: Any, pk: Any, *, download: bool = False) -> ReportFile:
    """One quarantined file for the unit, the view recorded (``download``: its bytes)."""
    report_file = quarantined_file(pk)
    reads.viewed(viewer, report_file, fields=["file"] if download else None)
    return report_file


def onward_referrals(report: Report) -> QuerySet:
    from drachma.intake.models import OnwardReferral

    return OnwardReferral.objects.filter(report=report).select_related(
        "sent_by", "answer_recorded_by"
    )


def onward_for(viewer: Any, pk: Any):
    """One onward referral, its view recorded; 404 if there is none."""
    from drachma.intake.models import OnwardReferral

    onward = get_or_404(
        OnwardReferral.objects.select_related("report", "sent_by", "answer_recorded_by"),
        what="onward referral",
        pk=pk,
    )
    reads.viewed(viewer, onward)
    return onward
