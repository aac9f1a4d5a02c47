"""Reads of footage and takedowns shared by the pages, the API, the panels and the figures."""

import datetime
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from drachma.audit import reads
from drachma.core.access import get_or_404
from drachma.core.personal import Listing
from drachma.incidents.models import Incident
from drachma.takedown.models import (
    FINISHED,
    Capture,
    ContentItem,
    ContentMatch,
    HashKind,
    MatchBank,
    MediaHash,
    MediaKind,
    Platform,
    PublicationRecord,
    TakedownRequest,
    TakedownState,
)

NO_GROUP = "No group recorded"


def item_queryset() -> QuerySet[ContentItem]:
    live = TakedownRequest.objects.exclude(state__in=FINISHED)
    return (
        ContentItem.objects.select_related("group", "incident", "bank")
        .prefetch_related(Prefetch("requests", live, to_attr="live_requests"))
        .annotate(
            capture_count=Count("captures", distinct=True),
            match_count=Count("matches", distinct=True),
        )
        .order_by("-first_seen_at", "-pk")
    )


def search(queryset: QuerySet[ContentItem], text: str) -> QuerySet[ContentItem]:
    text = (text or "").strip()
    if not text:
        return queryset
    return queryset.filter(
        Q(reference__iexact=text)
        | Q(url__icontains=text)
        | Q(account__icontains=text)
        | Q(requests__reference__iexact=text)
        | Q(captures__sha256__iexact=text.lower())
    ).distinct()


def item_detail(reference: str) -> ContentItem:
    matches = ContentMatch.objects.select_related(
        "matched_item", "matched_item__group", "capture", "matched_capture", "reviewed_by"
    )
    matched_by = ContentMatch.objects.select_related("content_item", "capture")
    return (
        ContentItem.objects.select_related("group", "incident", "bank", "created_by")
        .prefetch_related(
            Prefetch(
                "captures",
                Capture.objects.select_related("evidence", "captured_by").prefetch_related(
                    Prefetch("hashes", MediaHash.objects.order_by("frame_index", "pk"))
                ),
            ),
            Prefetch("matches", matches),
            Prefetch("matched_by", matched_by),
            Prefetch(
                "requests",
                TakedownRequest.objects.prefetch_related("events__by").order_by("-created_at"),
            ),
        )
        .get(reference=reference)
    )


def earlier_history(item: ContentItem) -> list[dict]:
    """For each earlier item this one matches, its takedown requests and their steps: what
    was asked of whom before, and what came of it."""
    seen, history = set(), []
    for match in item.matches.all():
        other = match.matched_item
        if other.pk in seen:
            continue
        seen.add(other.pk)
        requests = list(other.requests.prefetch_related("events__by").order_by("created_at"))
        history.append({"item": other, "match": match, "requests": requests})
    return history


def request_queryset() -> QuerySet[TakedownRequest]:
    return TakedownRequest.objects.select_related("content_item", "content_item__group").order_by(
        "deadline", "pk"
    )


def request_detail(reference: str) -> TakedownRequest:
    return (
        TakedownRequest.objects.select_related(
            "content_item",
            "content_item__group",
            "opened_from_match",
            "opened_from_match__matched_item",
            "created_by",
        )
        .prefetch_related("events__by")
        .get(reference=reference)
    )


def overdue_requests(now: datetime.datetime | None = None) -> QuerySet[TakedownRequest]:
    """The work queue: open requests whose next step is past its deadline."""
    now = now or timezone.now()
    return request_queryset().exclude(state__in=FINISHED).filter(deadline__lt=now)


def drafts_to_review() -> QuerySet[TakedownRequest]:
    return request_queryset().filter(state=TakedownState.DRAFT)


def queue_counts(now: datetime.datetime | None = None) -> dict:
    now = now or timezone.now()
    return TakedownRequest.objects.exclude(state__in=FINISHED).aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(deadline__lt=now)),
        drafts=Count("pk", filter=Q(state=TakedownState.DRAFT)),
        asked=Count("pk", filter=Q(state=TakedownState.REMOVAL_ASKED)),
        with_platform=Count(
            "pk",
            filter=Q(
                state__in=[
                    TakedownState.REPORTED_TO_PLATFORM,
                    TakedownState.PENDING,
                    TakedownState.ESCALATED,
                ]
            ),
        ),
    )


def items_for_incident(incident) -> QuerySet[ContentItem]:
    return item_queryset().filter(incident=incident)


# --- figures: the transparency table ------------------------------------------------------------

FIGURE_DIMENSIONS = {"platform": "Platform", "group": "Group", "month": "Month"}


@dataclass
class FigureRow:
    key: str
    label: str
    requests: int
    removed: int
    removed_by_group: int
    removed_by_platform: int
    median_days: float | None

    @property
    def removal_rate(self) -> float | None:
        """Share of the requests whose footage was removed, as a percentage."""
        return round(self.removed * 100 / self.requests, 1) if self.requests else None

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "requests": self.requests,
            "removed": self.removed,
            "removal_rate": self.removal_rate,
            "removed_by_group": self.removed_by_group,
            "removed_by_platform": self.removed_by_platform,
            "median_days_to_removal": self.median_days,
        }


def _bounds(start: datetime.date | None, end: datetime.date | None):
    tz = timezone.get_current_timezone()
    lo = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz) if start else None
    hi = (
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        if end
        else None
    )
    return lo, hi


def figures(
    by: str, *, start: datetime.date | None = None, end: datetime.date | None = None
) -> tuple[list[FigureRow], FigureRow]:
    """Removal rate and median days to removal by platform, group or month, for the requests
    identified in the period (drafts never confirmed and discarded ones are not requests).

    A request counts as removed if its footage was taken down by the group or the platform,
    whatever happened after; time to removal runs from identification to removal."""
    if by not in FIGURE_DIMENSIONS:
        from django.core.exceptions import ValidationError

        raise ValidationError({"by": f"Figures are by {', '.join(FIGURE_DIMENSIONS)}."})
    lo, hi = _bounds(start, end)
    rows = TakedownRequest.objects.filter(identified_at__isnull=False)
    if lo:
        rows = rows.filter(identified_at__gte=lo)
    if hi:
        rows = rows.filter(identified_at__lt=hi)
    values = rows.values_list(
        "identified_at",
        "removed_at",
        "removed_by",
        "content_item__platform",
        "content_item__group__name",
    )
    platform_labels = dict(Platform.choices)
    buckets: dict[str, list] = defaultdict(list)
    labels: dict[str, str] = {}
    for identified, removed, removed_by, platform, group in values:
        if by == "platform":
            key, label = platform, platform_labels.get(platform, platform)
        elif by == "group":
            key = label = group or NO_GROUP
        else:
            month = timezone.localtime(identified).date().replace(day=1)
            key, label = month.isoformat()[:7], f"{month:%B %Y}"
        labels[key] = label
        buckets[key].append((identified, removed, removed_by))

    def row(key: str, label: str, entries: list) -> FigureRow:
        removed = [(i, r, b) for i, r, b in entries if r is not None]
        days = [(r - i).total_seconds() / 86400 for i, r, _ in removed]
        return FigureRow(
            key=key,
            label=label,
            requests=len(entries),
            removed=len(removed),
            removed_by_group=sum(1 for *_, b in removed if b == "group"),
            removed_by_platform=sum(1 for *_, b in removed if b == "platform"),
            median_days=round(statistics.median(days), 1) if days else None,
        )

    if by == "platform":
        order = [k for k in platform_labels if k in buckets]
    elif by == "group":
        order = sorted((k for k in buckets if k != NO_GROUP), key=str.lower) + (
            [NO_GROUP] if NO_GROUP in buckets else []
        )
    else:
        order = sorted(buckets)
    table = [row(k, labels[k], buckets[k]) for k in order]
    everything = [e for k in order for e in buckets[k]]
    return table, row("total", "All", everything)


def publications(incident) -> QuerySet[PublicationRecord]:
    return (
        PublicationRecord.objects.filter(incident=incident)
        .select_related("item", "found_by", "content_item")
        .order_by("found_at", "pk")
    )


# --- reads for a viewer ---------------------------------------------------------------------
# Footage is about people (who filmed or is filmed, the account that posted it, the group), so
# the pages and the API read it through these: each records the view itself, so every door
# records the same thing (``core.personal``).


def items_for(viewer: Any, rows: QuerySet[ContentItem], *, query: str = "") -> Listing:
    """``rows`` (``item_queryset()`` narrowed by a door's filters) as ``viewer`` is shown them:
    the rows a door shows are recorded as one list view, with the filters in ``query``."""

    def show(shown: Sequence[ContentItem]) -> list[ContentItem]:
        reads.viewed_list(viewer, ContentItem, shown, query=query)
        return list(shown)

    return Listing(queryset=rows, show=show)


def item_for(viewer: Any, reference: str) -> ContentItem:
    """The footage with its captures, matches and requests, the view recorded; 404 if none."""
    try:
        item = item_detail(reference)
    except ContentItem.DoesNotExist:
        raise Http404("No such footage.") from None
    reads.viewed(viewer, item)
    return item


def requests_for(viewer: Any, rows: QuerySet[TakedownRequest], *, query: str = "") -> Listing:
    """Takedown requests (each names the footage, its account and group) as ``viewer`` is shown
    them: the rows shown are recorded as one list view."""

    def show(shown: Sequence[TakedownRequest]) -> list[TakedownRequest]:
        reads.viewed_list(viewer, TakedownRequest, shown, query=query)
        return list(shown)

    return Listing(queryset=rows, show=show)


def request_for(viewer: Any, reference: str) -> TakedownRequest:
    """One takedown request, the view recorded; 404 if none."""
    try:
        takedown = request_detail(reference)
    except TakedownRequest.DoesNotExist:
        raise Http404("No such takedown request.") from None
    reads.viewed(viewer, takedown)
    return takedown


def queue_for(viewer: Any, now: datetime.datetime | None = None) -> dict[str, list]:
    """The work queue as ``viewer`` sees it: the overdue requests and the drafts to review,
    each list recorded as a list view of what it shows."""
    overdue, drafts = list(overdue_requests(now)), list(drafts_to_review())
    reads.viewed_list(viewer, TakedownRequest, overdue, query="overdue")
    reads.viewed_list(viewer, TakedownRequest, drafts, query="drafts to review")
    return {"overdue": overdue, "drafts": drafts}


def publication_for(viewer: Any, publication_id: Any) -> PublicationRecord:
    """One entry of a publication log (where footage appeared, who found it), the view
    recorded; 404 if there is none."""
    record = get_or_404(
        PublicationRecord.objects.select_related("incident", "item"),
        what="publication",
        pk=publication_id,
    )
    reads.viewed(viewer, record)
    return record


def publications_for(viewer: Any, reference: str) -> tuple[Incident, list[PublicationRecord]]:
    """An incident's publication log (where footage of it appeared, who found it), the view
    recorded against the incident; 404 if there is no such incident."""
    incident = get_or_404(Incident, what="incident", reference=reference)
    reads.viewed(viewer, incident, fields=["publications"])
    return incident, list(publications(incident))


# --- match review: the capture beside the footage it matches ---------------------------------

# A thumbnail's longest side, and how hard a preview is blurred (reviewers see the least that
# lets them judge; the full image only on a deliberate request).
THUMBNAIL_SIZE = 480
PREVIEW_BLUR = 12


def match_for(viewer: Any, match_id: Any, *, full: bool = False) -> ContentMatch:
    """A match with both captures, for review, the view recorded; ``full`` when the reviewer
    asked to see the images in full (recorded as such). 404 if there is none."""
    match = get_or_404(
        ContentMatch.objects.select_related(
            "content_item",
            "matched_item",
            "capture__evidence",
            "matched_capture__evidence",
            "reviewed_by",
        ),
        what="match",
        pk=match_id,
    )
    reads.viewed(viewer, match, fields=["images in full" if full else "blurred previews"])
    match.frames_compared = match.capture.hashes.count() if match.kind == "video" else None
    return match


def capture_image_for(viewer: Any, capture_id: Any, *, full: bool = False) -> tuple[bytes, str]:
    """A captured image as ``viewer`` may be shown it: by default a small greyscale, blurred
    JPEG; the original only when ``full`` (a deliberate request, recorded). 404 for a capture
    that is not an image."""
    from io import BytesIO

    from PIL import Image, ImageFilter, ImageOps

    from drachma.evidence.store import get_store

    capture = get_or_404(Capture.objects.select_related("evidence"), what="capture", pk=capture_id)
    if capture.media_kind != "image":
        raise Http404("Only an image capture has a picture to show.")
    from drachma.evidence.selectors import QUARANTINED, bytes_quarantined

    if bytes_quarantined(capture.evidence):
        raise PermissionDenied(QUARANTINED)
    reads.viewed(viewer, capture, fields=["image in full" if full else "blurred preview"])
    with get_store().open(capture.sha256) as f:
        data = f.read()
    if full:
        return data, capture.evidence.stored_file.media_type or "application/octet-stream"
    try:
        with Image.open(BytesIO(data)) as image:
            preview = ImageOps.grayscale(image)
            preview.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
            preview = preview.filter(ImageFilter.GaussianBlur(PREVIEW_BLUR))
            out = BytesIO()
            preview.save(out, "JPEG", quality=70)
    except (OSError, ValueError):
        raise Http404("This capture cannot be shown as a picture.") from None
    return out.getvalue(), "image/jpeg"


def bank_signals(bank: MatchBank) -> list:
    """The bank as signals for exchange (``hashlists.write``), in a stable order.

    An imported bank gives back its signals as they came. The force's own gives, for each
    capture of its footage (content id ``<item reference>/<capture>``): an image's PDQ hash as
    the reference implementations compute it (EXIF orientation not applied; worked out from
    the stored file for captures hashed before it was kept) and ``photo_md5``; a video's vPDQ
    frames and ``video_md5``. Hashes marked as false matches are left out; no web address or
    other detail of the footage leaves with it.
    """
    from drachma.evidence.store import get_store
    from drachma.takedown import hashing
    from drachma.takedown.hashlists import Frame, ListedSignal, vpdq_value

    if bank.source:
        return [
            ListedSignal(s.signal_type, s.value, s.content_id, s.label)
            for s in bank.signals.order_by("pk")
        ]
    store = get_store()
    out = []
    captures = (
        Capture.objects.filter(content_item__bank=bank)
        .select_related("content_item", "evidence__stored_file")
        .prefetch_related("hashes")
        .order_by("pk")
    )
    for capture in captures:
        content_id = f"{capture.content_item.reference}/{capture.pk}"
        hashes = [h for h in capture.hashes.all() if not h.false_match]
        sha256 = capture.evidence.stored_file.sha256
        with store.open(sha256) as fh:  # streamed: a video may be large
            _, md5 = hashing.digests(fh)
        if capture.media_kind == MediaKind.IMAGE:
            pdq = next((h for h in hashes if h.kind == HashKind.PDQ), None)
            if pdq is not None:
                reference = pdq.reference_hash
                if not reference:  # hashed before the reference hash was kept
                    with store.open(sha256) as fh:
                        reference = hashing.hash_image_reference(fh.read()).pdq
                out.append(ListedSignal("pdq", reference, content_id))
            out.append(ListedSignal("photo_md5", md5, content_id))
        else:
            frames = [
                Frame(h.hash, h.quality, h.timestamp or 0.0)
                for h in hashes
                if h.kind == HashKind.VPDQ_FRAME
            ]
            if frames:
                out.append(ListedSignal("vpdq", vpdq_value(frames), content_id))
            out.append(ListedSignal("video_md5", md5, content_id))
    return out


def signal_matches(item: ContentItem) -> list:
    """The signals of imported hash lists that the item's captures matched, nearest first."""
    from drachma.takedown.models import SignalMatch

    rows = SignalMatch.objects.filter(capture__content_item=item).select_related("signal__bank")
    return sorted(
        rows,
        key=lambda m: (m.kind != "exact", m.distance or 0, -(m.frame_share or 0), m.pk),
    )


@dataclass
class BankRow:
    """A bank on the banks page: an imported one with its signal count and last import."""

    bank: MatchBank
    signal_count: int = 0
    last_import: datetime.datetime | None = None


def banks_with_sources() -> list[BankRow]:
    """Every bank, an imported one with its signal count and when a list last came in."""
    from django.db.models import Max

    from drachma.takedown.models import BankSignal, HashListImport

    counts = dict(
        BankSignal.objects.values("bank").annotate(n=Count("pk")).values_list("bank", "n")
    )
    last = dict(
        HashListImport.objects.values("bank")
        .annotate(at=Max("imported_at"))
        .values_list("bank", "at")
    )
    return [
        BankRow(bank, counts.get(bank.pk, 0), last.get(bank.pk)) for bank in MatchBank.objects.all()
    ]
