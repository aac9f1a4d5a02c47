"""Reads of intelligence entries, for the pages and the API alike.

An entry's text is what was learned about people: every read a user makes takes the
``viewer`` and records the view in the audit log itself (``core.personal``), so the page and
the API record the same thing. Every role that may read intelligence reads it whole (the
sanitised text is for sharing outside the force), so nothing is masked.
"""

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from drachma.audit import reads
from drachma.core.access import get_or_404
from drachma.core.personal import Listing
from drachma.intelligence.models import (
    IntelligenceEntry,
    IntelligenceEvent,
    IntelligenceStatus,
    SanitisedDisclosure,
)

# The entries an assessor has to act on.
AWAITING_ASSESSMENT = IntelligenceStatus.REQUIRES_ASSESSMENT


def entry_queryset() -> QuerySet[IntelligenceEntry]:
    """Entries with what their pages and the API show."""
    return IntelligenceEntry.objects.select_related("group", "created_by").prefetch_related(
        "incidents", Prefetch("events", queryset=IntelligenceEvent.objects.select_related("by"))
    )


def shown_entry(viewer: Any, entry: IntelligenceEntry) -> IntelligenceEntry:
    """``entry`` (already read, for instance just saved) shown to ``viewer``: the view
    recorded."""
    reads.viewed(viewer, entry)
    return entry


def entry_for(viewer: Any, entry_id: Any) -> IntelligenceEntry:
    """The entry for ``viewer``, the view recorded; 404 if there is none."""
    entry = get_or_404(entry_queryset(), pk=entry_id, what="intelligence entry")
    return shown_entry(viewer, entry)


def entries_for(
    viewer: Any, queryset: QuerySet[IntelligenceEntry] | None = None, *, query: str = ""
) -> Listing[IntelligenceEntry]:
    """Entries (``queryset``, narrowed by the filters; all by default) for ``viewer``: the
    rows a door shows are recorded as one list view, with the filters (``query``)."""

    def show(rows: Sequence[IntelligenceEntry]) -> list[IntelligenceEntry]:
        reads.viewed_list(viewer, IntelligenceEntry, rows, query=query)
        return list(rows)

    return Listing(queryset=entry_queryset() if queryset is None else queryset, show=show)


def counts() -> dict[str, int]:
    """How many entries await each kind of work (for the analyst's dashboard): no personal
    data, so no view is recorded."""
    return IntelligenceEntry.objects.aggregate(
        awaiting_assessment=Count("pk", filter=Q(status=AWAITING_ASSESSMENT)),
        returned=Count("pk", filter=Q(status=IntelligenceStatus.RETURNED)),
        awaiting_linking=Count("pk", filter=Q(status=IntelligenceStatus.ASSESSED)),
    )


def awaiting_assessment_count() -> int:
    """The number of entries that require assessment; the intelligence list filtered by
    ``?status=requires_assessment`` is the list behind it."""
    return IntelligenceEntry.objects.filter(status=AWAITING_ASSESSMENT).count()


def disclosures_for(viewer: Any, entry: IntelligenceEntry) -> list[SanitisedDisclosure]:
    """To whom ``entry``'s sanitised copy was disclosed, newest first, for ``viewer``: the
    recipients are personal data, so the rows shown are recorded as one list view."""
    rows = list(entry.disclosures.select_related("by"))
    reads.viewed_list(viewer, SanitisedDisclosure, rows, query=f"entry={entry.pk}")
    return rows


def disclosure_listing(
    viewer: Any, entry: IntelligenceEntry | None = None, *, query: str = ""
) -> Listing[SanitisedDisclosure]:
    """Disclosures (of ``entry``, or of every entry), newest first, for ``viewer``: the rows a
    door shows are recorded as one list view."""

    def show(rows: Sequence[SanitisedDisclosure]) -> list[SanitisedDisclosure]:
        reads.viewed_list(viewer, SanitisedDisclosure, rows, query=query)
        return list(rows)

    queryset = SanitisedDisclosure.objects.select_related("by", "entry")
    if entry is not None:
        queryset = queryset.filter(entry=entry)
    return Listing(queryset=queryset, show=show)
