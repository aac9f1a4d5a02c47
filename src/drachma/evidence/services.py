"""Every write to evidence: receiving files, custody events."""

import filetype
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from drachma.core.models import ReferenceCounter
from drachma.evidence.models import CustodyEvent, CustodyEventKind, EvidenceItem, StoredFile
from drachma.evidence.store import EvidenceEmpty, EvidenceTooLarge, get_store

EXHIBIT_PREFIX = "EX"


def store_file(source, *, max_bytes: int | None = None) -> StoredFile:
    """Put bytes in the store and return their StoredFile row (one per distinct content)."""
    store = get_store()
    try:
        blob = store.put(source, max_bytes=max_bytes)
    except (EvidenceTooLarge, EvidenceEmpty) as exc:
        raise ValidationError({"file": str(exc)}) from None
    stored, _ = StoredFile.objects.get_or_create(sha256=blob.sha256, defaults={"size": blob.size})
    if not stored.media_type:
        with store.open(blob.sha256) as f:
            kind = filetype.guess(f.read(8192))
        stored.media_type = kind.mime if kind else ""
        if stored.media_type:
            StoredFile.objects.filter(pk=stored.pk).update(media_type=stored.media_type)
    return stored


@transaction.atomic
def receive_file(source, *, original_filename: str, received_from_type: str, via: str,
                 received_from: str = "", user=None, incident=None, kind: str = "other",
                 description: str = "", received_at=None, by_description: str = "",
                 location: str = "", max_bytes: int | None = None) -> EvidenceItem:
    """Take a file into evidence: store it, make an exhibit, record its receipt.

    The receipt's custody event carries the hash computed as the bytes arrived. A file
    already in the store (the same bytes) is not stored again; the new exhibit points at it.
    """
    stored = store_file(source, max_bytes=max_bytes)
    item = EvidenceItem(
        stored_file=stored, original_filename=(original_filename or "unnamed")[:255], kind=kind,
        description=description, incident=incident, received_from_type=received_from_type,
        received_from=received_from, received_at=received_at or timezone.now(), received_via=via,
        created_by=user,
    )
    item.full_clean(exclude=["exhibit_ref", "review_date"])
    item.exhibit_ref = ReferenceCounter.next_reference(EXHIBIT_PREFIX, timezone.localtime(item.received_at).year)
    item.save()
    CustodyEvent.objects.create(
        item=item, kind=CustodyEventKind.RECEIVED, at=item.received_at, by=user,
        by_description=by_description, from_party=received_from or item.get_received_from_type_display(),
        location=location, sha256_verified=stored.sha256, note=f"Received through {via}.",
    )
    return item
