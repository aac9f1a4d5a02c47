"""Every write to evidence: receiving files, custody events, parsed chat exports and
disclosure entries."""

import datetime
import hashlib

import filetype
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from drachma.core.models import ReferenceCounter
from drachma.evidence import conf
from drachma.evidence.chats import ChatParseError, parse_chat_bytes, quality_report
from drachma.evidence.models import (
    CustodyEvent,
    CustodyEventKind,
    DisclosureEntry,
    DisclosureStatus,
    EvidenceItem,
    EvidenceKind,
    ParsedConversation,
    StoredFile,
)
from drachma.evidence.store import EvidenceEmpty, EvidenceTooLarge, get_store
from drachma.evidence.workflow import CUSTODY, CustodyState, receiver, refusal
from drachma.evidence.workflow import STORE_HOLDER as STORE_HOLDER
from drachma.evidence.workflow import person_name as person_name

EXHIBIT_PREFIX = "EX"


def store_file(source, *, max_bytes: int | None = None) -> StoredFile:
    """Put bytes in the store and return their StoredFile row (one per distinct content)."""
    store = get_store()
    try:
        blob = store.put(source, max_bytes=max_bytes)
    except (EvidenceTooLarge, EvidenceEmpty) as exc:
        raise ValidationError({"file": str(exc)}) from None
    stored, _ = StoredFile.objects.get_or_create(sha256=blob.sha256, defaults={"size": blob.size})
    if stored.removed_at is not None:
        # The same bytes arrive again after a disposal removed them: they are stored again.
        stored.removed_at = None
        StoredFile.objects.filter(pk=stored.pk).update(removed_at=None)
    if not stored.media_type:
        with store.open(blob.sha256) as f:
            kind = filetype.guess(f.read(8192))
        stored.media_type = kind.mime if kind else ""
        if stored.media_type:
            StoredFile.objects.filter(pk=stored.pk).update(media_type=stored.media_type)
    return stored


@transaction.atomic
def receive_file(
    source,
    *,
    original_filename: str,
    received_from_type: str,
    via: str,
    received_from: str = "",
    user=None,
    incident=None,
    kind: str = "other",
    description: str = "",
    received_at=None,
    by_description: str = "",
    location: str = "",
    max_bytes: int | None = None,
) -> EvidenceItem:
    """Take a file into evidence: store it, make an exhibit, record its receipt.

    The receipt's custody event carries the hash computed as the bytes arrived. A file
    already in the store (the same bytes) is not stored again; the new exhibit points at it.
    """
    stored = store_file(source, max_bytes=max_bytes)
    item = EvidenceItem(
        stored_file=stored,
        original_filename=(original_filename or "unnamed")[:255],
        kind=kind,
        description=description,
        incident=incident,
        received_from_type=received_from_type,
        received_from=received_from,
        received_at=received_at or timezone.now(),
        received_via=via,
        created_by=user,
    )
    item.full_clean(exclude=["exhibit_ref", "review_date"])
    item.exhibit_ref = ReferenceCounter.next_reference(
        EXHIBIT_PREFIX, timezone.localtime(item.received_at).year
    )
    item.custody_state = CustodyState.RECEIVED
    item.custody_holder = receiver("", user)
    item.save()
    # The receipt is the chain's first event, with the hash computed as the bytes arrived.
    CUSTODY.start(
        item,
        user=user,
        transition=CustodyEventKind.RECEIVED,
        at=item.received_at,
        by_description=by_description,
        note=f"Received through {via}.",
        from_party=received_from or item.get_received_from_type_display(),
        location=location,
        sha256_verified=stored.sha256,
    )
    return item


# --- Chain of custody -------------------------------------------------------------------


def custody_state(item: EvidenceItem) -> tuple[str, str]:
    """(custody state, current holder) of ``item``, as its chain of custody left them."""
    return item.custody_state, item.custody_holder


@transaction.atomic
def record_custody_event(
    item: EvidenceItem,
    *,
    kind: str,
    user=None,
    at=None,
    by_description: str = "",
    from_party: str = "",
    to_party: str = "",
    location: str = "",
    note: str = "",
    verify_hash: bool = False,
) -> CustodyEvent:
    """Append one step to an exhibit's chain of custody, refusing any step out of order.

    The order and the checks at each step (time order, the holder, the parties, the hash
    when ``verify_hash``) are the ``CUSTODY`` machine's; a step out of order is refused here
    first in words naming the exhibit, read under the exhibit's lock.
    """
    kind = str(kind or "")
    if kind not in CustodyEventKind.values:
        raise ValidationError(
            {
                "kind": f"Unknown custody event kind {kind!r}; one of: "
                f"{', '.join(CustodyEventKind.values)}."
            }
        )
    locked = EvidenceItem.objects.select_for_update().get(pk=item.pk)
    refused = refusal(locked, kind)
    if refused is not None:
        raise refused
    CUSTODY.apply(
        locked,
        kind,
        user=user,
        at=at,
        note=note,
        by_description=by_description,
        from_party=from_party,
        to_party=to_party,
        location=location,
        verify_hash=verify_hash,
    )
    if item is not locked:
        item.refresh_from_db()
    return locked.custody_events.order_by("-pk").first()


@transaction.atomic
def attach_to_incident(item: EvidenceItem, *, incident, user=None) -> bool:
    """Put an exhibit on an incident. False when it is already on one (it is left there)."""
    if item.incident_id is not None:
        return False
    item.incident = incident
    item.save(update_fields=["incident", "updated_at"])
    return True


# --- Uploads and chat exports ------------------------------------------------------------


def _read_all(source) -> bytes:
    _rewind(source)
    data = b"".join(source.chunks()) if hasattr(source, "chunks") else source.read()
    _rewind(source)
    return data


def _rewind(source) -> None:
    if hasattr(source, "seek"):
        source.seek(0)


def _check_arrival(source, expected_size: int | None, expected_sha256: str) -> None:
    """Refuse an upload whose size or hash differs from what the sender stated (read in chunks)."""
    digest, size = hashlib.sha256(), 0
    _rewind(source)
    chunks = (
        source.chunks()
        if hasattr(source, "chunks")
        else iter(lambda: source.read(1024 * 1024), b"")
    )
    for chunk in chunks:
        size += len(chunk)
        digest.update(chunk)
    _rewind(source)
    problems = []
    if expected_size is not None and size != expected_size:
        problems.append(
            f"{size:,} bytes arrived but the file has {expected_size:,}: "
            "the upload was cut short or altered. Nothing was stored."
        )
    if expected_sha256 and digest.hexdigest() != expected_sha256.strip().lower():
        problems.append(
            f"The file that arrived hashes to {digest.hexdigest()}, not {expected_sha256}: "
            "the upload was cut short or altered. Nothing was stored."
        )
    if problems:
        raise ValidationError({"file": problems})


def _parse(data: bytes, *, name: str, timezone_name: str | None, date_order: str):
    try:
        return parse_chat_bytes(
            data, name=name, timezone=timezone_name, max_bytes=None, date_order=date_order
        )
    except ChatParseError as exc:
        raise ValidationError({"file": str(exc)}) from None
    except ValueError as exc:  # an unknown zone
        raise ValidationError({"timezone": str(exc)}) from None


def supplied_files(item: EvidenceItem) -> list[str]:
    """The names of the files supplied alongside a chat export: the incident's other exhibits.
    An attachment the chat names that is none of them was supplied by nobody (the quality
    report counts it); a chat on no incident came with nothing."""
    if item.incident_id is None:
        return []
    return list(
        EvidenceItem.objects.filter(incident_id=item.incident_id)
        .exclude(pk=item.pk)
        .values_list("original_filename", flat=True)
    )


def _conversation_row(
    item: EvidenceItem, conversation, *, date_order: str, gap_hours: float
) -> ParsedConversation:
    report = quality_report(
        conversation,
        gap_threshold=datetime.timedelta(hours=gap_hours),
        supplied_files=supplied_files(item),
    )
    row = ParsedConversation(
        item=item,
        format=conversation.format,
        locale=conversation.locale or "",
        zone_name=conversation.zone_name,
        zone_source=conversation.zone_source,
        zone_assumed=conversation.zone_assumed,
        date_order=date_order,
        participants=list(conversation.participants),
        message_count=len(conversation.messages),
        gap_threshold_hours=gap_hours,
        quality=_jsonable(report.to_dict()),
        artefact_counts=conversation.artefact_counts(),
        text_as_written=True,
    )
    row.full_clean(exclude=["item"])
    row.save()
    return row


def _jsonable(value):
    import json

    return json.loads(json.dumps(value, default=str))


@transaction.atomic
def upload_evidence(
    source,
    *,
    original_filename: str,
    received_from_type: str,
    user,
    received_from: str = "",
    incident=None,
    kind: str = EvidenceKind.OTHER,
    description: str = "",
    received_at=None,
    location: str = "",
    expected_size: int | None = None,
    expected_sha256: str = "",
    timezone_name: str | None = None,
    date_order: str = "auto",
    gap_hours: float = 24.0,
) -> EvidenceItem:
    """Take an uploaded file into evidence; a chat export is parsed and its report kept.

    ``expected_size``/``expected_sha256``, when the sender states them, catch an upload that
    arrived cut short or altered. Everything is checked before anything is stored: a chat
    export that does not parse is refused with the parser's message, and nothing is kept.
    """
    if date_order not in ("auto", "day-first", "month-first"):
        raise ValidationError({"date_order": "One of auto, day-first, month-first."})
    if gap_hours <= 0:
        raise ValidationError({"gap_hours": "The gap threshold must be more than 0 hours."})
    size = getattr(source, "size", None)
    limit = conf.max_bytes()
    if size is not None and size > limit:
        raise ValidationError({"file": str(EvidenceTooLarge(size, limit))})
    conversation = None
    if expected_size is not None or expected_sha256:
        _check_arrival(source, expected_size, expected_sha256)
    if kind == EvidenceKind.CHAT_EXPORT:
        conversation = _parse(
            _read_all(source),
            name=original_filename,
            timezone_name=timezone_name,
            date_order=date_order,
        )
    item = receive_file(
        source,
        original_filename=original_filename,
        received_from_type=received_from_type,
        via="upload",
        received_from=received_from,
        user=user,
        incident=incident,
        kind=kind,
        description=description,
        received_at=received_at,
        location=location,
        max_bytes=limit,
    )
    if conversation is not None:
        _conversation_row(item, conversation, date_order=date_order, gap_hours=gap_hours)
    return item


@transaction.atomic
def parse_conversation(
    item: EvidenceItem,
    *,
    timezone_name: str | None = None,
    date_order: str = "auto",
    gap_hours: float = 24.0,
) -> ParsedConversation:
    """Read an exhibit already in the store as a chat export (e.g. one from the reporting page)."""
    if ParsedConversation.objects.filter(item=item).exists():
        raise ValidationError(
            {"item": f"{item.exhibit_ref} has already been read as a chat export."}
        )
    with get_store().open(item.sha256) as f:
        data = f.read()
    conversation = _parse(
        data, name=item.original_filename, timezone_name=timezone_name, date_order=date_order
    )
    if item.kind != EvidenceKind.CHAT_EXPORT:
        item.kind = EvidenceKind.CHAT_EXPORT
        item.save(update_fields=["kind", "updated_at"])
    return _conversation_row(item, conversation, date_order=date_order, gap_hours=gap_hours)


def parse_on_arrival(item_pk: int) -> ParsedConversation | None:
    """Read a chat-export exhibit without an officer asking (e.g. one from the reporting page).

    Runs again safely: an exhibit already read is left alone. A file that does not parse is
    not an error here: the parser's message is kept on the exhibit, so an officer sees why
    and can try other options on the exhibit page; nothing else about the exhibit changes.
    """
    with transaction.atomic():
        item = EvidenceItem.objects.select_for_update().filter(pk=item_pk).first()
        if item is None or ParsedConversation.objects.filter(item=item).exists():
            return None
        try:
            with transaction.atomic():
                row = parse_conversation(item)
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        except OSError as exc:  # the stored file could not be read
            problem = f"The stored file could not be read: {exc}"
        else:
            if item.chat_parse_problem:
                item.chat_parse_problem = ""
                item.save(update_fields=["chat_parse_problem", "updated_at"])
            return row
        # Saved (not .update()) so the audit log records it like any other change.
        item.chat_parse_problem = problem[:2000]
        item.save(update_fields=["chat_parse_problem", "updated_at"])
        return None


# --- Disclosure ---------------------------------------------------------------------------

DISCLOSURE_FIELDS = (
    "description",
    "location",
    "used",
    "sensitive",
    "sensitivity_reason",
    "status",
    "might_undermine_or_assist",
    "mg6e_reason",
    "prosecutor_decision",
)


@transaction.atomic
def create_disclosure_entry(
    *,
    incident,
    user,
    description: str,
    item: EvidenceItem | None = None,
    record=None,
    location: str = "",
    used: bool = False,
    sensitive: bool = False,
    sensitivity_reason: str = "",
    status: str = DisclosureStatus.DRAFT,
    might_undermine_or_assist: bool = False,
    mg6e_reason: str = "",
    prosecutor_decision: str = "",
) -> DisclosureEntry:
    """Schedule a piece of material on an incident: an exhibit, any other record, or neither."""
    from django.contrib.contenttypes.models import ContentType

    from drachma.incidents.models import Incident

    Incident.objects.select_for_update().filter(pk=incident.pk).first()
    entry = DisclosureEntry(
        incident=incident,
        item=item,
        description=(description or "").strip(),
        location=location.strip(),
        used=used,
        sensitive=sensitive,
        sensitivity_reason=sensitivity_reason.strip(),
        status=status,
        might_undermine_or_assist=might_undermine_or_assist,
        mg6e_reason=mg6e_reason.strip(),
        prosecutor_decision=prosecutor_decision,
    )
    if record is not None:
        entry.content_type = ContentType.objects.get_for_model(record)
        entry.object_id = str(record.pk)
    if item is not None and not entry.location:
        entry.location = f"Drachma evidence store, exhibit {item.exhibit_ref}"
    last = DisclosureEntry.objects.filter(incident=incident).aggregate(m=Max("number"))["m"] or 0
    entry.number = last + 1
    if status != DisclosureStatus.DRAFT:
        entry.decided_by, entry.decided_at = user, timezone.now()
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def update_disclosure_entry(entry: DisclosureEntry, *, user, **changes) -> DisclosureEntry:
    """Change what the disclosure officer decided; a change of status records who and when."""
    unknown = set(changes) - set(DISCLOSURE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This cannot be changed on a disclosure entry."})
    entry = DisclosureEntry.objects.select_for_update().get(pk=entry.pk)
    old_status = entry.status
    for name, value in changes.items():
        setattr(
            entry, name, value.strip() if isinstance(value, str) and name != "status" else value
        )
    if entry.status != old_status:
        entry.decided_by, entry.decided_at = user, timezone.now()
    entry.full_clean()
    entry.save()
    return entry
