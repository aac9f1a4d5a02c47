"""Writing to the audit log. Every entry goes through ``append``, inside the caller's
transaction and without waiting on any other writer; ``seal_pending`` (run after each commit,
and by a periodic task for anything left) gives entries their places in the chain, one sealer
at a time; ``anchor_head`` writes the chain's head to the witnesses outside the database."""

import hashlib
import hmac
import json
import logging
import secrets

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from drachma.audit import purpose as task_purpose
from drachma.audit.anchors import Anchor, witnesses
from drachma.audit.chain import GENESIS_HASH
from drachma.audit.context import client_ip, current
from drachma.audit.keys import keyring
from drachma.audit.models import AuditAction, AuditEntry, AuditPending, AuditSeal
from drachma.audit.verification import ChainProblem, seal_problem, verify, verify_chain

__all__ = [
    "GENESIS_HASH",
    "ChainProblem",
    "anchor_head",
    "append",
    "requeue_unsealed",
    "seal_pending",
    "verify",
    "verify_chain",
]

logger = logging.getLogger(__name__)

# One sealer at a time on PostgreSQL: a transaction-scoped advisory lock under this number.
# (SQLite's IMMEDIATE transactions already let one writer in at a time.)
SEALER_LOCK = int.from_bytes(
    hashlib.sha256(b"drachma.audit.sealer").digest()[:8], "big", signed=True
)
SEAL_BATCH = 500


class SealingRefused(Exception):
    """The chain's last seal does not hold: sealing more onto it would hide the damage."""


def jsonable(value):
    """Values as plain JSON types, so the stored entry hashes the same after a round trip."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, default=str))


def _actor_and_request():
    ctx = current()
    request = ctx.request
    actor = ctx.actor
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    return ctx, request, actor


def append(
    action: str,
    *,
    model: str,
    object_id: str = "",
    object_repr: str = "",
    changes: dict | None = None,
    actor=None,
    purpose: str | None = None,
    recipient: str | None = None,
) -> AuditEntry:
    """Write one entry in the caller's transaction. It holds no lock that another writer waits
    on: its place in the chain is given after commit (``seal_pending``). ``purpose`` and
    ``recipient``, when given, name the entry's own (a rights request's work, a response pack
    disclosed to its requester) instead of the task's (``audit.purpose``)."""
    ctx, request, context_actor = _actor_and_request()
    actor = actor or context_actor
    ip = client_ip(request) if request is not None else None
    if ip and ":" in ip:
        ip = clean_ipv6_address(ip)
    key = keyring().current
    task, to = task_purpose.for_log(request)
    purpose = (task if purpose is None else purpose)[: task_purpose.MAX_CHARS]
    recipient = (to if recipient is None else recipient)[: task_purpose.MAX_CHARS]
    entry = AuditEntry(
        at=timezone.now(),
        actor_id=getattr(actor, "pk", None),
        actor_username=getattr(actor, "username", "") or ctx.actor_label or "system",
        action=action,
        model=model,
        object_id=str(object_id)[:64],
        object_repr=str(object_repr)[:200],
        changes=jsonable(changes or {}),
        request_id=ctx.request_id,
        ip_address=ip,
        method=getattr(request, "method", "") or "",
        path=(getattr(request, "get_full_path", lambda: "")() or "")[:500],
        nonce=secrets.token_hex(16),
        purpose=purpose,
        recipient=recipient,
        key_id=key.id,
    )
    entry.entry_hash = entry.compute_hash(key)
    with transaction.atomic():
        entry.save()
        AuditPending.objects.create(entry=entry)
        _seal_after_commit()
    return entry


def _seal_after_commit() -> None:
    """Once per transaction, however many entries it writes: seal them after it commits."""
    connection = transaction.get_connection()
    if any(hook[1] is seal_after_commit for hook in connection.run_on_commit):
        return
    transaction.on_commit(seal_after_commit, robust=True)


def seal_after_commit() -> None:
    # Sealing after the response's commit must never fail the request that was saved: a
    # failure is logged (robust on_commit) and the periodic task seals what was left.
    seal_pending()


def _take_sealer_lock() -> bool:
    """One sealer at a time. PostgreSQL: a transaction-scoped advisory lock, tried and never
    waited for. SQLite: the IMMEDIATE transaction already holds the one write lock."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEALER_LOCK])
        return cursor.fetchone()[0]


def seal_pending(*, batch_size: int = SEAL_BATCH) -> int:
    """Give every committed, unsealed entry its place in the chain, in the order they are found
    (by entry number within a batch). Returns how many entries this call sealed.

    A caller that finds another sealer at work leaves at once instead of queueing behind it:
    the one at work looks for waiting entries again after it lets go of the lock, which is
    after this caller's commit, so nothing committed is left behind. (A batch of 500 seals in
    a few milliseconds, far faster than requests write, so the looking again ends.)"""
    sealed, idle = 0, 0
    while True:
        with transaction.atomic():
            if not _take_sealer_lock():
                return sealed
            count, taken = _seal_batch(batch_size)
        sealed += count
        # Looked at after the lock is let go, always: see above.
        if taken < batch_size and not AuditPending.objects.exists():
            return sealed
        # Queue rows whose entries cannot be read (only a tampered database has them) would
        # keep this loop going: after two passes that took nothing, they are left to verify.
        idle = idle + 1 if taken == 0 else 0
        if idle == 2:
            return sealed


def _seal_batch(batch_size: int) -> tuple[int, int]:
    """Seal up to ``batch_size`` queued entries; returns (sealed, taken off the queue)."""
    waiting = AuditPending.objects.order_by("entry_id").values("entry_id")[:batch_size]
    entries = list(AuditEntry.objects.filter(seq__in=waiting).order_by("seq"))
    if not entries:
        return 0, 0
    keys = keyring()
    key = keys.current
    last = AuditSeal.objects.select_related("entry").order_by("-position").first()
    if last is None:
        position, prev_hash = 0, GENESIS_HASH
    else:
        # Only the last seal's own hashes are checked here (verify_audit walks the rest).
        reason = seal_problem(
            last, last.entry, prev_hash=last.prev_hash, keyed_before=False, keys=keys
        )
        if reason is not None:
            raise SealingRefused(
                f"the chain's last seal, #{last.position}, does not hold: {reason}"
            )
        position, prev_hash = last.position, last.chain_hash
    now = timezone.now()
    seals, refused = [], []
    for entry in entries:
        entry_key = keys.get(entry.key_id)
        if entry_key is None or not hmac.compare_digest(
            entry.compute_hash(entry_key), entry.entry_hash
        ):
            refused.append(entry.seq)
            continue
        position += 1
        seal = AuditSeal(
            position=position, entry=entry, prev_hash=prev_hash, key_id=key.id, sealed_at=now
        )
        seal.chain_hash = seal.compute_hash(key, entry_hash=entry.entry_hash)
        prev_hash = seal.chain_hash
        seals.append(seal)
    AuditSeal.objects.bulk_create(seals)
    AuditPending.objects.filter(entry_id__in=[entry.seq for entry in entries]).delete()
    if refused:
        # Left out of the chain (and reported by verify_audit as not genuine) rather than
        # sealed: a sealed forgery would break the chain for good and hide what came after.
        logger.error(
            "Audit entries %s do not match their keyed hash; they were not sealed.",
            ", ".join(f"#{seq}" for seq in refused),
        )
    return len(seals), len(entries)


def requeue_unsealed() -> int:
    """Entries neither sealed nor queued for sealing (their queue rows removed by someone with
    the application's database credentials): queued again, so that the next sealer seals them.
    Reads the whole log, so it runs hourly rather than after every commit."""
    lost = list(
        AuditEntry.objects.filter(seal__isnull=True)
        .exclude(seq__in=AuditPending.objects.values("entry_id"))
        .values_list("seq", flat=True)
    )
    if lost:
        AuditPending.objects.bulk_create(
            [AuditPending(entry_id=seq) for seq in lost], ignore_conflicts=True
        )
        logger.warning(
            "Audit entries %s were neither sealed nor queued for sealing; queued again.",
            ", ".join(f"#{seq}" for seq in lost),
        )
    return len(lost)


def anchor_head(*, only_if_moved: bool = True) -> Anchor | None:
    """Write the chain's head to every witness (skipping a witness whose last anchor is
    already this head, when ``only_if_moved``). Returns the anchor, or None if the chain is
    empty. Refuses to anchor a head whose seal does not hold."""
    keys = keyring()
    last = AuditSeal.objects.order_by("-position").first()
    if last is None:
        return None
    entry = AuditEntry.objects.filter(seq=last.entry_id).first()
    reason = seal_problem(last, entry, prev_hash=last.prev_hash, keyed_before=False, keys=keys)
    if reason is not None:
        raise SealingRefused(f"the chain's last seal, #{last.position}, does not hold: {reason}")
    anchor = Anchor.of_head(position=last.position, chain_hash=last.chain_hash, keys=keys)
    for witness in witnesses():
        latest = getattr(witness, "latest", lambda: None)() if only_if_moved else None
        if latest is not None and (latest.position, latest.chain_hash) == (
            anchor.position,
            anchor.chain_hash,
        ):
            continue
        witness.record(anchor)
    return anchor


def label_of(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def record_view(request, obj: models.Model, *, fields: list[str] | None = None) -> AuditEntry:
    """Record that the request's user saw ``obj`` (a person's record, say)."""
    return append(
        AuditAction.VIEW,
        model=label_of(obj),
        object_id=str(obj.pk),
        object_repr=str(obj),
        changes={"fields": fields} if fields else {},
        actor=request.user if request.user.is_authenticated else None,
    )


def record_list_view(
    request, model: type[models.Model], ids: list, *, query: str = ""
) -> AuditEntry:
    """Record that a list showing personal data was seen, with the records it showed."""
    return append(
        AuditAction.VIEW,
        model=label_of(model),
        object_repr=f"list of {len(ids)}",
        changes={"ids": [str(i) for i in ids], "query": query},
        actor=request.user if request.user.is_authenticated else None,
    )


def record_log_read(request, entries: list) -> AuditEntry | None:
    """Record that a page of the audit log was read: its entries hold the old and new values
    of personal data, so reading them is a view of personal data too. The entries are named by
    sequence number (what the auditor sees); an empty page shows nothing and records nothing."""
    seqs = [entry.seq for entry in entries]
    if not seqs:
        return None
    return record_list_view(request, AuditEntry, seqs, query=request.GET.urlencode())


def record_log_export(request, entries: models.QuerySet) -> AuditEntry:
    """Record that the log was exported: the filters, how many entries and which (by their
    first and last numbers; the filters say which lie between)."""
    numbers = entries.aggregate(
        count=models.Count("seq"), first=models.Min("seq"), last=models.Max("seq")
    )
    return append(
        AuditAction.EXPORT,
        model=label_of(AuditEntry),
        object_repr=f"export of {numbers['count']}",
        changes={"query": request.GET.urlencode(), **numbers},
        actor=request.user if request.user.is_authenticated else None,
    )


def record_log_entry_read(request, entry: AuditEntry) -> AuditEntry:
    """Record that one audit entry was read, named by its sequence number."""
    return append(
        AuditAction.VIEW,
        model=label_of(AuditEntry),
        object_id=str(entry.seq),
        object_repr=str(entry),
        actor=request.user if request.user.is_authenticated else None,
    )


def record_decision(obj: models.Model, decision: str, **details) -> AuditEntry:
    """Record a decision taken on a record (triage, closure, retention at review)."""
    return append(
        AuditAction.DECISION,
        model=label_of(obj),
        object_id=str(obj.pk),
        object_repr=str(obj),
        changes={"decision": decision, **details},
    )


def set_purpose(request, *, kind: str, detail: str, recipient: str = "") -> task_purpose.Purpose:
    """Set the purpose of the request's user's task (DPA 2018 s.62): kept in their session and
    written on every audit entry until changed or cleared. Recorded itself, under the new
    purpose. ValidationError naming the field for a kind not offered, no detail, a disclosure
    without its recipient, or text too long."""
    chosen = task_purpose.make(kind, detail, recipient)
    previous = task_purpose.current(request)
    task_purpose.remember(request, chosen)
    append(
        AuditAction.DECISION,
        model="audit.purpose",
        object_repr=chosen.text,
        changes={
            "decision": "purpose set",
            "kind": chosen.kind,
            "previous": previous.text if previous else "",
        },
        actor=request.user if request.user.is_authenticated else None,
    )
    return chosen


def clear_purpose(request) -> None:
    """The task is over: nothing more is recorded under its purpose."""
    previous = task_purpose.current(request)
    if previous is None:
        return
    task_purpose.forget(request)
    append(
        AuditAction.DECISION,
        model="audit.purpose",
        object_repr=previous.text,
        changes={"decision": "purpose cleared", "previous": previous.text},
        actor=request.user if request.user.is_authenticated else None,
    )
