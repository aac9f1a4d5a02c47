"""Reads of evidence used by pages, the API, statements, schedules and the bundle."""

from functools import lru_cache

from django.db.models import QuerySet

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
