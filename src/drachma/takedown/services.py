"""Every write to takedown: content items, captures and their hashes, matches, requests, and
the publication log.

A captured file is hashed before anything is written: a corrupt, truncated, unhashable or
oversize file is refused with a ValidationError on ``file`` and leaves nothing behind (no
content item, no exhibit, nothing in the evidence store).
"""

from __future__ import annotations

import datetime
import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from drachma.audit.services import record_decision
from drachma.core.models import ReferenceCounter
from drachma.evidence.models import EvidenceItem
from drachma.evidence.services import receive_file
from drachma.takedown import conf
from drachma.takedown.models import (
    MD5_TYPES,
    BankSignal,
    BankSignalHash,
    Capture,
    ContentItem,
    ContentMatch,
    HashKind,
    HashListImport,
    MatchBank,
    MatchReview,
    MediaHash,
    MediaKind,
    PublicationRecord,
    SignalMatch,
    StillOnline,
    TakedownRequest,
    TakedownState,
)
from drachma.takedown.workflow import TAKEDOWN, deadline

if TYPE_CHECKING:
    from drachma.takedown.index import HashedMedia, Match

logger = logging.getLogger(__name__)

ITEM_PREFIX = "FT"
REQUEST_PREFIX = "TR"
CHUNK = 1024 * 1024


def default_bank() -> MatchBank:
    bank = MatchBank.objects.filter(is_default=True).first()
    if bank is None:
        bank, _ = MatchBank.objects.get_or_create(
            name=conf.default_bank_name(), defaults={"is_default": True}
        )
    return bank


# --- files -----------------------------------------------------------------------------------


@contextmanager
def hashed_upload(
    source, *, filename: str = "", max_bytes: int | None = None
) -> Iterator[HashedMedia]:
    """Spool an upload (or a path) to a temporary file, refusing it past the size limit before
    it is all read, and hash it. The temporary file is gone when the block ends."""
    # The hashers (and faiss) load on first use, not when Django starts.
    from drachma.takedown.index import hash_media

    limit = max_bytes if max_bytes is not None else conf.max_capture_bytes()
    if isinstance(source, str | Path):
        yield hash_media(source, max_bytes=limit)
        return
    declared = getattr(source, "size", None)
    if declared is not None and declared > limit:
        raise ValidationError(
            {"file": f"The file is {declared:,} bytes; the limit is {limit:,} bytes."}
        )
    suffix = Path(filename or getattr(source, "name", "") or "").suffix[:10]
    with tempfile.NamedTemporaryFile(suffix=suffix) as spool:
        size = 0
        chunks = (
            source.chunks(CHUNK)
            if hasattr(source, "chunks")
            else iter(lambda: source.read(CHUNK), b"")
        )
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise ValidationError(
                    {"file": f"The file is larger than the limit of {limit:,} bytes."}
                )
            spool.write(chunk)
        spool.flush()
        yield hash_media(spool.name, max_bytes=limit)


# --- content items ----------------------------------------------------------------------------


@dataclass
class CaptureResult:
    capture: Capture
    matches: list[ContentMatch] = field(default_factory=list)
    draft: TakedownRequest | None = None
    # Signals of imported hash lists the capture matches.
    signal_matches: list[SignalMatch] = field(default_factory=list)

    @property
    def matchable(self) -> bool:
        return self.capture.hashes.filter(quality__gte=50, false_match=False).exists()


def create_content_item(
    *,
    user,
    url: str,
    platform: str,
    account: str = "",
    group=None,
    incident=None,
    first_seen_at: datetime.datetime | None = None,
    views_when_seen: int | None = None,
    notes: str = "",
    bank: MatchBank | None = None,
    file=None,
    filename: str = "",
    max_bytes: int | None = None,
) -> ContentItem:
    """Record a piece of footage, with its captured copy when ``file`` is given (both or
    neither)."""
    item = ContentItem(
        url=(url or "").strip(),
        platform=platform,
        account=(account or "").strip(),
        group=group,
        incident=incident,
        first_seen_at=first_seen_at or timezone.now(),
        views_when_seen=views_when_seen,
        notes=notes or "",
        bank=bank or default_bank(),
        created_by=user,
    )
    item.full_clean(exclude=["reference", "review_date"])
    if file is None:
        return _save_item(item)
    with hashed_upload(file, filename=filename, max_bytes=max_bytes) as media, transaction.atomic():
        _save_item(item)
        _store_capture(
            item, media, user=user, filename=filename or getattr(file, "name", "") or "capture"
        )
    return item


def _save_item(item: ContentItem) -> ContentItem:
    with transaction.atomic():
        item.reference = ReferenceCounter.next_reference(
            ITEM_PREFIX, timezone.localtime(item.first_seen_at).year
        )
        item.save()
    return item


@transaction.atomic
def update_content_item(item: ContentItem, *, user, **fields) -> ContentItem:
    allowed = {
        "url",
        "platform",
        "account",
        "group",
        "incident",
        "first_seen_at",
        "views_when_seen",
        "notes",
        "bank",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({"__all__": f"Cannot change {', '.join(sorted(unknown))}."})
    for name, value in fields.items():
        setattr(
            item,
            name,
            value.strip() if isinstance(value, str) and name in ("url", "account") else value,
        )
    item.full_clean(exclude=["reference", "review_date"])
    item.save()
    return item


def capture(
    item: ContentItem,
    *,
    user,
    file,
    filename: str = "",
    captured_at=None,
    max_bytes: int | None = None,
) -> CaptureResult:
    """Keep a copy of ``item``'s footage as evidence, hash it and match it against the bank."""
    with hashed_upload(file, filename=filename, max_bytes=max_bytes) as media:
        return _store_capture(
            item,
            media,
            user=user,
            filename=filename or getattr(file, "name", "") or "capture",
            captured_at=captured_at,
        )


@transaction.atomic
def _store_capture(
    item: ContentItem, media: HashedMedia, *, user, filename: str, captured_at=None
) -> CaptureResult:
    from drachma.takedown.index import index_capture, match_media, search_signals

    # Matched before this capture's own hashes exist, so it never matches itself.
    found = match_media(media, exclude_item_id=item.pk)
    with open(media.path, "rb") as f:
        exhibit = receive_file(
            f,
            original_filename=Path(filename).name or "capture",
            received_from_type="officer",
            received_from=user.get_full_name() or user.get_username() if user else "",
            via="takedown capture",
            user=user,
            incident=item.incident,
            kind=media.kind,
            description=f"Captured copy of {item.reference}: {item.url}"[:5000],
            max_bytes=media.size,
        )
    cap = Capture.objects.create(
        content_item=item,
        evidence=exhibit,
        sha256=media.sha256,
        media_kind=media.kind,
        captured_at=captured_at or timezone.now(),
        captured_by=user,
    )
    if media.kind == MediaKind.IMAGE:
        original = media.original
        reference = media.reference or original
        rows = [
            MediaHash(
                capture=cap,
                kind=HashKind.PDQ,
                hash=original.pdq,
                quality=original.quality,
                reference_hash=reference.pdq,
                orientation=media.orientation,
            )
        ]
    else:
        rows = [
            MediaHash(
                capture=cap,
                kind=HashKind.VPDQ_FRAME,
                hash=f.pdq,
                quality=f.quality,
                frame_index=f.frame,
                timestamp=f.timestamp,
            )
            for f in media.frames
        ]
    for row in rows[:1]:
        row.full_clean(exclude=["capture"])
    MediaHash.objects.bulk_create(rows)
    index_capture(cap.pk)  # matchable everywhere once this transaction commits

    result = CaptureResult(capture=cap)
    for m in found:
        result.matches.append(_link(cap, item, m))
    for hit in search_signals(media):
        result.signal_matches.append(
            SignalMatch.objects.create(
                capture=cap,
                signal_id=hit.signal_id,
                kind=hit.kind,
                distance=hit.distance,
                frame_share=hit.frame_share,
                transform=hit.transform,
            )
        )
    if (
        result.matches
        and not item.requests.exclude(
            state__in=[TakedownState.CLOSED, TakedownState.DISCARDED]
        ).exists()
    ):
        best = result.matches[0]
        result.draft = open_request(
            item,
            user=user,
            draft=True,
            match=best,
            note=f"Opened for review: looks like {best.matched_item.reference} ({best.measure}).",
        )
    return result


def match(media: HashedMedia) -> list[Match]:
    """Known footage a hashed file matches, without keeping the file."""
    from drachma.takedown.index import match_media

    return match_media(media)


def _link(cap: Capture, item: ContentItem, m: Match) -> ContentMatch:
    return ContentMatch.objects.create(
        capture=cap,
        content_item=item,
        matched_item_id=m.content_item_id,
        matched_capture_id=m.capture_id,
        kind=m.kind,
        distance=m.distance,
        frame_share=m.frame_share,
        transform=m.transform,
    )


@transaction.atomic
def review_match(match: ContentMatch, *, user, review: str, note: str = "") -> ContentMatch:
    if review not in (MatchReview.CONFIRMED, MatchReview.NOT_A_COPY):
        raise ValidationError(
            {"review": "Say whether the match is a copy (confirmed) or not (not_a_copy)."}
        )
    match.review, match.reviewed_by, match.reviewed_at = review, user, timezone.now()
    match.review_note = (note or "").strip()[:500]
    match.full_clean()
    match.save()
    return match


@transaction.atomic
def mark_false_match(
    *, user, reason: str, capture: Capture | None = None, media_hash: MediaHash | None = None
) -> list[int]:
    """Stop a hash (or all of a capture's) matching anything: a black frame, a logo, a meme."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why this is a false match."})
    if media_hash is not None and capture is None:
        target, rows = media_hash.capture, MediaHash.objects.filter(pk=media_hash.pk)
    elif capture is not None and media_hash is None:
        target, rows = capture, MediaHash.objects.filter(capture=capture)
    else:
        raise ValidationError({"__all__": "Mark one hash or one capture."})
    ids = list(rows.filter(false_match=False).values_list("pk", flat=True))
    if not ids:
        raise ValidationError({"__all__": "Already marked as a false match."})
    MediaHash.objects.filter(pk__in=ids).update(
        false_match=True,
        false_match_reason=reason[:500],
        false_match_by=user,
        false_match_at=timezone.now(),
    )
    record_decision(target, "false_match", hashes=len(ids), reason=reason[:500])
    from drachma.takedown.index import unindex_hashes

    unindex_hashes(ids)  # no longer matches anywhere once this transaction commits
    return ids


@transaction.atomic
def create_bank(
    *,
    user,
    name: str,
    match_distance: int = 31,
    video_match_share: float = 0.8,
    description: str = "",
) -> MatchBank:
    """A new bank of footage with its own rule (say, a stricter one for a much-copied logo)."""
    bank = MatchBank(
        name=(name or "").strip(),
        match_distance=match_distance,
        video_match_share=video_match_share,
        description=description or "",
    )
    bank.full_clean()
    bank.save()
    record_decision(
        bank, "create", match_distance=bank.match_distance, video_match_share=bank.video_match_share
    )
    return bank


@transaction.atomic
def configure_bank(
    bank: MatchBank,
    *,
    user,
    match_distance: int | None = None,
    video_match_share: float | None = None,
    description: str | None = None,
) -> MatchBank:
    before = {"match_distance": bank.match_distance, "video_match_share": bank.video_match_share}
    if match_distance is not None:
        bank.match_distance = match_distance
    if video_match_share is not None:
        bank.video_match_share = video_match_share
    if description is not None:
        bank.description = description
    bank.full_clean()
    bank.save()
    record_decision(
        bank,
        "configure",
        before=before,
        after={"match_distance": bank.match_distance, "video_match_share": bank.video_match_share},
    )
    return bank


# --- hash lists -------------------------------------------------------------------------------

# Larger than any real list (HMA banks of millions of PDQ hashes are ~100 MB as CSV).
MAX_HASH_LIST_BYTES = 512 * 1024 * 1024


@transaction.atomic
def import_hash_list(
    data: bytes,
    *,
    user,
    file_name: str,
    source: str,
    bank_name: str,
    format: str = "auto",
    match_distance: int | None = None,
    video_match_share: float | None = None,
) -> HashListImport:
    """Take a hash list into a bank of its own (made on first import), keeping its source.

    Every row is checked before anything is written: a file in a wrong or mixed format is
    refused with a ValidationError on ``file`` naming each bad row, and nothing is imported.
    The list's signals then match new captures as the force's own bank does
    (``index.search_signals``), within the bank's rule (HMA's by default).
    """
    import hashlib

    from drachma.takedown import hashlists
    from drachma.takedown.index import index_signals

    source = (source or "").strip()
    if not source:
        raise ValidationError({"source": "Say who the hash list came from."})
    if len(data) > MAX_HASH_LIST_BYTES:
        raise ValidationError(
            {"file": f"The file is {len(data):,} bytes; the limit is {MAX_HASH_LIST_BYTES:,}."}
        )
    try:
        format, listed = hashlists.read(data, format=format)
    except hashlists.HashListError as exc:
        raise ValidationError(
            {"file": [exc.summary, *exc.problems[: hashlists.MAX_PROBLEMS]]}
        ) from None
    name = (bank_name or "").strip()
    if not name:
        raise ValidationError({"bank_name": "Name the bank the list goes into."})
    bank = MatchBank.objects.filter(name=name).first()
    if bank is None:
        bank = MatchBank(name=name, source=source[:200])
        if match_distance is not None:
            bank.match_distance = match_distance
        if video_match_share is not None:
            bank.video_match_share = video_match_share
        bank.full_clean()
        bank.save()
        record_decision(bank, "create", source=bank.source, match_distance=bank.match_distance)
    elif not bank.source:
        raise ValidationError(
            {"bank_name": f"{bank.name} holds the force's own footage; import into another bank."}
        )
    record = HashListImport(
        bank=bank,
        source=source[:200],
        format=format,
        file_name=Path(file_name or "hash list").name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        signal_count=len(listed),
        imported_by=user,
    )
    record.full_clean()
    record.save()
    signals = BankSignal.objects.bulk_create(
        [
            BankSignal(
                bank=bank,
                source_import=record,
                signal_type=entry.signal_type,
                value=entry.value,
                digest=entry.value if entry.signal_type in MD5_TYPES else "",
                content_id=entry.content_id,
                label=entry.label,
            )
            for entry in listed
        ],
        batch_size=1000,
    )
    hashes = []
    for signal, entry in zip(signals, listed, strict=True):
        if entry.signal_type == "pdq":
            hashes.append(BankSignalHash(signal=signal, kind=HashKind.PDQ, hash=entry.value))
        elif entry.signal_type == "vpdq":
            hashes.extend(
                BankSignalHash(
                    signal=signal,
                    kind=HashKind.VPDQ_FRAME,
                    hash=f.pdq,
                    quality=f.quality,
                    timestamp=f.timestamp,
                )
                for f in entry.frames
            )
    BankSignalHash.objects.bulk_create(hashes, batch_size=1000)
    index_signals([s.pk for s in signals])
    record_decision(
        record, "import", bank=bank.name, format=format, signals=len(listed), source=record.source
    )
    return record


def export_hash_list(bank: MatchBank, *, user, format: str = "hma") -> bytes:
    """The bank as a hash list in ``format`` (``hashlists.FORMATS``), recorded in the audit log:
    what left the force, and in what form. OSError when a stored capture cannot be read."""
    from drachma.takedown import hashlists, selectors

    if format not in hashlists.FORMATS:
        raise ValidationError({"format": f"One of {', '.join(hashlists.FORMATS)}."})
    signals = selectors.bank_signals(bank)
    data = hashlists.write(signals, format=format, bank_name=bank.name)
    record_decision(bank, "export", format=format, signals=len(signals))
    return data


# --- takedown requests ------------------------------------------------------------------------


@transaction.atomic
def open_request(
    item: ContentItem,
    *,
    user,
    note: str = "",
    draft: bool = False,
    match: ContentMatch | None = None,
    at: datetime.datetime | None = None,
) -> TakedownRequest:
    """Open a takedown request for ``item``: identified, or a draft for review after a match."""
    live = item.requests.exclude(state__in=[TakedownState.CLOSED, TakedownState.DISCARDED]).first()
    if live is not None:
        raise ValidationError(
            {
                "content_item": f"{item.reference} already has an open takedown request, "
                f"{live.reference} ({live.get_state_display().lower()})."
            }
        )
    now = at or timezone.now()
    state = TakedownState.DRAFT if draft else TakedownState.IDENTIFIED
    request = TakedownRequest(
        content_item=item,
        state=state,
        deadline=deadline(state, now),
        opened_from_match=match,
        identified_at=None if draft else now,
        created_at=now,
        created_by=user,
        reference=ReferenceCounter.next_reference(REQUEST_PREFIX, timezone.localtime(now).year),
    )
    request.full_clean()
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        raise ValidationError(
            {"content_item": f"{item.reference} already has an open takedown request."}
        ) from None
    TAKEDOWN.start(
        request,
        user=user,
        transition="open",
        at=now,
        by_description="" if user else "matching",
        note=note,
    )
    return request


def transition_request(
    request: TakedownRequest,
    action: str,
    *,
    user,
    note: str = "",
    platform_reference: str = "",
    at: datetime.datetime | None = None,
    by_description: str = "",
) -> TakedownRequest:
    """Take one step of the takedown workflow (see ``workflow.TAKEDOWN``); ValidationError if
    not allowed. ``platform_reference``, when given, is kept on the request at any step."""
    return TAKEDOWN.apply(
        request,
        action,
        user=user,
        note=note,
        at=at,
        by_description=by_description,
        platform_reference=platform_reference,
    )


@transaction.atomic
def raise_to_urgent(
    request: TakedownRequest,
    *,
    user,
    reason: str,
    at: datetime.datetime | None = None,
) -> TakedownRequest:
    """Make an open request's next step due now: it goes to the top of the queue, overdue.

    For footage that must come down at once (published while criminal proceedings are
    active). The state does not change, so this is not a workflow step; the reason is kept
    in the audit log as a decision on the request."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the takedown is urgent."})
    now = at or timezone.now()
    request = TakedownRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise ValidationError(
            {"request": f"{request.reference} is {request.get_state_display().lower()}."}
        )
    before = request.deadline
    if before is None or before > now:
        request.deadline = now
        request.save(update_fields=["deadline"])
    record_decision(
        request,
        "urgent",
        reason=reason[:2000],
        deadline_before=before.isoformat() if before else None,
        by=user.get_username() if user else "",
    )
    return request


SWEEP = "the no-answer sweep"


def record_no_answers(now: datetime.datetime | None = None) -> int:
    """Move each request whose group has not answered by its deadline to 'no answer', once:
    a request already moved (by an earlier run, by a concurrent one, or by hand) is no longer
    waiting, and the machine, reading it under its lock, refuses to move it again. Each
    request is its own step, so one refused leaves the others moved."""
    now = now or timezone.now()
    moved = 0
    waiting = TakedownRequest.objects.filter(state=TakedownState.REMOVAL_ASKED, deadline__lte=now)
    for request in waiting.order_by("deadline", "pk"):
        try:
            TAKEDOWN.apply(request, "no_answer", user=None, at=now, by_description=SWEEP)
        except ValidationError as exc:
            # Moved (or given a later deadline) since the list was read; said in the log in
            # case it is anything else.
            logger.info("no-answer sweep left %s: %s", request.reference, "; ".join(exc.messages))
            continue
        moved += 1
    return moved


# --- Publication log ------------------------------------------------------------------------

PUBLICATION_FIELDS = (
    "url",
    "platform",
    "description",
    "found_at",
    "found_by_description",
    "still_online",
    "checked_at",
    "takedown_reference",
    "item",
)


@transaction.atomic
def record_publication(
    *,
    incident,
    user,
    url: str,
    platform: str,
    found_at=None,
    description: str = "",
    found_by_description: str = "",
    still_online: str = StillOnline.UNKNOWN,
    checked_at=None,
    takedown_reference: str = "",
    item: EvidenceItem | None = None,
) -> PublicationRecord:
    """Log that material about the incident was found published online."""
    record = PublicationRecord(
        incident=incident,
        item=item,
        url=(url or "").strip(),
        platform=platform,
        description=description.strip(),
        found_at=found_at or timezone.now(),
        found_by=user,
        found_by_description=found_by_description.strip(),
        still_online=still_online,
        checked_at=checked_at,
        takedown_reference=takedown_reference.strip(),
    )
    _link_takedown(record)
    record.full_clean()
    record.save()
    return record


def _link_takedown(record: PublicationRecord) -> None:
    """Link the record to the footage: by the reference given (of the footage or of one of its
    takedown requests), else by the same address. An unknown reference is refused rather than
    kept, so that the prosecutor never reads a reference that leads nowhere."""
    reference = record.takedown_reference.strip()
    if reference:
        item = ContentItem.objects.filter(reference__iexact=reference).first() or getattr(
            TakedownRequest.objects.filter(reference__iexact=reference)
            .select_related("content_item")
            .first(),
            "content_item",
            None,
        )
        if item is None:
            raise ValidationError(
                {
                    "takedown_reference": (
                        f"No footage or takedown request has the reference {reference}."
                    )
                }
            )
        record.content_item = item
    elif record.url:
        record.content_item = (
            ContentItem.objects.filter(url=record.url).order_by("first_seen_at", "pk").first()
        )
        if record.content_item is not None:
            record.takedown_reference = record.content_item.reference


@transaction.atomic
def update_publication(record: PublicationRecord, *, user, **changes) -> PublicationRecord:
    unknown = set(changes) - set(PUBLICATION_FIELDS)
    if unknown:
        raise ValidationError(
            {sorted(unknown)[0]: "This cannot be changed on a publication record."}
        )
    for name, value in changes.items():
        # A PATCH may send null; a field the record cannot leave empty is named, not crashed on.
        field = PublicationRecord._meta.get_field(name)
        if value is None and not getattr(field, "null", False):
            raise ValidationError({name: "This field cannot be null."})
    record = PublicationRecord.objects.select_for_update().get(pk=record.pk)
    for name, value in changes.items():
        setattr(record, name, value.strip() if isinstance(value, str) else value)
    if "takedown_reference" in changes or "url" in changes:
        _link_takedown(record)
    record.full_clean()
    record.save()
    return record
