"""Reads of evidence used by pages, the API, statements, schedules and the bundle."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from drachma.audit import reads
from drachma.core.access import get_or_404
from drachma.core.personal import Listing
from drachma.evidence.chats import Conversation, parse_chat_bytes
from drachma.evidence.models import (
    CustodyEvent,
    DisclosureEntry,
    DisclosureSchedule,
    DisclosureStatus,
    EvidenceItem,
    ParsedConversation,
)
from drachma.evidence.store import get_store
from drachma.incidents.models import Incident


def item_queryset() -> QuerySet[EvidenceItem]:
    return EvidenceItem.objects.select_related("stored_file", "incident", "created_by")


def item_detail(exhibit_ref: str) -> EvidenceItem:
    return item_queryset().get(exhibit_ref=exhibit_ref)


def items_for_incident(incident) -> QuerySet[EvidenceItem]:
    return item_queryset().filter(incident=incident).order_by("received_at", "pk")


def custody_events(item: EvidenceItem) -> list[CustodyEvent]:
    return list(item.custody_events.select_related("by").order_by("at", "pk"))


def parsed_conversation(item: EvidenceItem) -> ParsedConversation | None:
    return ParsedConversation.objects.filter(item=item).first()


@lru_cache(maxsize=8)
def _conversation(sha256: str, name: str, zone: str | None, date_order: str) -> Conversation:
    with get_store().open(sha256) as f:
        data = f.read()
    return parse_chat_bytes(data, name=name, timezone=zone, max_bytes=None, date_order=date_order)


def load_conversation(parsed: ParsedConversation) -> Conversation:
    """The messages, re-derived from the stored bytes with the options recorded at upload.

    Kept in a small per-process cache: paging through a long chat reads the file once.
    """
    zone = parsed.zone_name if parsed.zone_source == "caller" else None
    return _conversation(parsed.item.sha256, parsed.item.original_filename, zone, parsed.date_order)


def disclosure_entries(incident) -> QuerySet[DisclosureEntry]:
    return (
        DisclosureEntry.objects.filter(incident=incident)
        .select_related("item", "content_type", "decided_by")
        .order_by("number")
    )


def schedule_entries(incident, schedule: str) -> list[DisclosureEntry]:
    """The entries on one schedule: unused, not withdrawn, sensitive (MG6D) or not (MG6C)."""
    sensitive = schedule == DisclosureSchedule.MG6D
    return list(
        disclosure_entries(incident)
        .filter(used=False, sensitive=sensitive)
        .exclude(status=DisclosureStatus.WITHDRAWN)
    )


# --- reads for a viewer ---------------------------------------------------------------------
# Exhibits hold personal data (who handed them in, what a chat says about whom), so the pages,
# the API and the documents read them through these: each records the view itself (what was
# shown, in ``fields``), so every door records the same thing (``core.personal``).


def items_for(viewer: Any, *, incident: str = "", q: str = "", kind: str = "") -> Listing:
    """Exhibits, newest first, narrowed by incident reference, a search of the reference or
    file name, and kind; the rows a door shows are recorded as one list view."""
    queryset = item_queryset().order_by("-received_at", "-pk")
    if incident:
        queryset = queryset.filter(incident__reference=incident)
    if q:
        queryset = queryset.filter(Q(exhibit_ref__icontains=q) | Q(original_filename__icontains=q))
    if kind:
        queryset = queryset.filter(kind=kind)
    query = "&".join(f"{k}={v}" for k, v in (("incident", incident), ("q", q), ("kind", kind)) if v)

    def show(rows: Sequence[EvidenceItem]) -> list[EvidenceItem]:
        reads.viewed_list(viewer, EvidenceItem, rows, query=query)
        return list(rows)

    return Listing(queryset=queryset, show=show)


QUARANTINED = (
    "This file is quarantined: it may contain indecent images. It is never shown or served "
    "here; the digital forensics unit downloads it from the quarantine list."
)


def bytes_quarantined(item: EvidenceItem) -> bool:
    """Whether these bytes are quarantined: this exhibit, or any exhibit of the same stored
    file (the store keeps one copy of identical bytes, whatever exhibit they came with)."""
    return (
        item.quarantined
        or EvidenceItem.objects.filter(
            stored_file_id=item.stored_file_id, quarantined=True
        ).exists()
    )


def item_for(viewer: Any, exhibit_ref: str, *, fields: Sequence[str] | None = None) -> EvidenceItem:
    """The exhibit, its view recorded (``fields``: what of it is shown, "custody", "file"...);
    404 if there is none."""
    item = get_or_404(item_queryset(), what="exhibit", exhibit_ref=exhibit_ref)
    if fields and "file" in fields and bytes_quarantined(item):
        raise PermissionDenied(QUARANTINED)
    reads.viewed(viewer, item, fields=fields)
    return item


@dataclass
class ConversationRead:
    item: EvidenceItem
    parsed: ParsedConversation
    conversation: Conversation


def conversation_for(viewer: Any, exhibit_ref: str) -> ConversationRead:
    """The exhibit read as a chat export (its messages re-derived from the stored bytes), the
    view recorded; 404 when there is no such exhibit or it was never read as a chat."""
    item = get_or_404(item_queryset(), what="exhibit", exhibit_ref=exhibit_ref)
    if bytes_quarantined(item):
        raise PermissionDenied(QUARANTINED)
    parsed = parsed_conversation(item)
    if parsed is None:
        raise Http404("This exhibit has not been read as a chat export.")
    reads.viewed(viewer, item, fields=["conversation"])
    return ConversationRead(item, parsed, load_conversation(parsed))


def disclosure_for(viewer: Any, reference: str) -> tuple[Incident, list[DisclosureEntry]]:
    """An incident's disclosure entries (what each unused item says, about whom), the view
    recorded against the incident."""
    incident = get_or_404(Incident, what="incident", reference=reference)
    reads.viewed(viewer, incident, fields=["disclosure"])
    return incident, list(disclosure_entries(incident))


def schedule_for(viewer: Any, reference: str, schedule: str) -> Incident:
    """The incident whose MG6C or MG6D ``schedule`` a door is about to show, the view of that
    schedule recorded; 404 for another schedule."""
    schedule = schedule.upper()
    if schedule not in DisclosureSchedule.values:
        raise Http404("No such schedule.")
    incident = get_or_404(Incident, what="incident", reference=reference)
    reads.viewed(viewer, incident, fields=[f"disclosure {schedule}"])
    return incident


def bundle_shown(viewer: Any, incident: Incident) -> None:
    """Record that ``viewer`` was handed the incident's bundle (everything in it)."""
    reads.viewed(viewer, incident, fields=["bundle"])


def schedules_awaiting_review() -> QuerySet[Incident]:
    """Incidents whose disclosure schedules hold draft entries: material the disclosure
    officer has still to review and schedule. Each carries ``drafts``, the number of them."""
    draft = Q(disclosure_entries__status=DisclosureStatus.DRAFT)
    return (
        Incident.objects.filter(draft)
        .annotate(drafts=Count("disclosure_entries", filter=draft))
        .order_by("reference")
    )


def schedules_awaiting_review_count() -> int:
    """How many incidents' schedules await the disclosure officer's review (for a dashboard's
    count, which links to ``evidence:schedules_to_review``)."""
    return schedules_awaiting_review().count()


def disclosure_entry_for(viewer: Any, disclosure_id: Any) -> DisclosureEntry:
    """One disclosure entry (its description of the material), the view recorded; 404 if
    there is none."""
    entry = get_or_404(
        DisclosureEntry.objects.select_related("incident", "item"),
        what="disclosure entry",
        pk=disclosure_id,
    )
    reads.viewed(viewer, entry)
    return entry


def duplicates_of(item: EvidenceItem) -> list[EvidenceItem]:
    """Other exhibits of the very same file (same SHA-256: the store keeps it once), oldest
    first: the same file received twice is flagged on both exhibits."""
    return list(
        EvidenceItem.objects.filter(stored_file_id=item.stored_file_id)
        .exclude(pk=item.pk)
        .select_related("incident")
        .order_by("received_at", "pk")
    )
