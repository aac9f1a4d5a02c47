"""Disposing of an exhibit whose record is removed (a public report that led nowhere): the
custody chain's own "disposed" step, then the stored bytes, if nothing else needs them.

A record above evidence (intake's report) asks for it; what else holds the exhibit is read
from the exhibit's reverse relations, so evidence never names the apps above it. An exhibit
that anything else still holds (an incident, a referral, a takedown capture, a disclosure
entry, another record) is left as it is, in custody. The exhibit's row and its custody
chain are kept as the record of the disposal (the evidence review applies to them); the bytes
go when no exhibit still in custody shares them (the store keeps one copy per content).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from drachma.evidence.models import CustodyEventKind, CustodyState, EvidenceItem, StoredFile
from drachma.evidence.services import record_custody_event
from drachma.evidence.store import get_store

# Relations that belong to the exhibit itself, not records holding it.
OWN_RELATIONS = frozenset({"custody_events", "conversation"})


def other_holders(item: EvidenceItem, *, ignore: Iterable[str] = ()) -> list[str]:
    """What holds ``item`` besides the relations named in ``ignore`` (the caller's own):
    "incident DR-2026-000001", "referrals (1)", and so on; empty when nothing does."""
    skip = OWN_RELATIONS | set(ignore)
    holders = []
    if item.incident_id is not None:
        holders.append(f"incident {item.incident}")
    for rel in item._meta.related_objects:
        name = rel.get_accessor_name()
        if name is None or name in skip or rel.name in skip:
            continue
        model = rel.related_model
        if isinstance(model, str):  # only an unresolved lazy reference is a string
            continue
        if rel.many_to_many:
            count = model._base_manager.filter(**{rel.field.name: item}).count()
        else:
            count = model._base_manager.filter(**{rel.field.name: item.pk}).count()
        if count:
            holders.append(f"{model._meta.verbose_name_plural} ({count})")
    return holders


def _remove_bytes_if_unused(stored_file_pk: int) -> None:
    """After the disposal commits: the bytes go unless an exhibit still in custody (one that
    arrived meanwhile, say) points at them."""
    stored = StoredFile.objects.filter(pk=stored_file_pk).first()
    if stored is None:
        return
    in_use = (
        EvidenceItem.objects.filter(stored_file_id=stored_file_pk)
        .exclude(custody_state=CustodyState.DISPOSED)
        .exists()
    )
    if not in_use:
        get_store().remove(stored.sha256)
        StoredFile.objects.filter(pk=stored.pk).update(removed_at=timezone.now())


@transaction.atomic
def dispose_with_record(
    item: EvidenceItem,
    *,
    reason: str,
    by_description: str = "",
    user=None,
    ignore: Iterable[str] = (),
) -> bool:
    """Dispose of ``item`` because the record that brought it in is being removed: True when
    it was disposed of (now or by an earlier run), False when something else still holds it
    (it is left in custody, untouched). Safe to call twice: a disposed exhibit stays so."""
    locked = EvidenceItem.objects.select_for_update().get(pk=item.pk)
    if other_holders(locked, ignore=ignore):
        return False
    if locked.custody_state != CustodyState.DISPOSED:
        record_custody_event(
            locked,
            kind=CustodyEventKind.DISPOSED,
            user=user,
            by_description=by_description,
            note=reason,
        )
    stored_file_pk = locked.stored_file_id
    transaction.on_commit(lambda: _remove_bytes_if_unused(stored_file_pk))
    return True
