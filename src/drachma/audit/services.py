"""Writing to and checking the audit log. Every write goes through ``append``."""

import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from drachma.audit.context import client_ip, current
from drachma.audit.models import AuditAction, AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64


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
) -> AuditEntry:
    """Append one entry to the chain. Runs inside the caller's transaction."""
    ctx, request, context_actor = _actor_and_request()
    actor = actor or context_actor
    ip = client_ip(request) if request is not None else None
    if ip and ":" in ip:
        ip = clean_ipv6_address(ip)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            seq=head.seq + 1,
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
            prev_hash=head.last_hash,
        )
        entry.entry_hash = entry.compute_hash()
        entry.save()
        head.seq = entry.seq
        head.last_hash = entry.entry_hash
        head.save(update_fields=["seq", "last_hash"])
    return entry


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


@dataclass
class ChainProblem:
    seq: int
    entry_id: int | None
    reason: str

    def __str__(self) -> str:
        return f"entry #{self.seq} (id {self.entry_id}): {self.reason}"


def verify_chain() -> tuple[int, ChainProblem | None]:
    """Walk the chain from the start. Returns how many entries held, and the first problem."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return checked, ChainProblem(
                expected_seq, None, f"missing: the next entry present is #{entry.seq}"
            )
        if entry.prev_hash != expected_prev:
            return checked, ChainProblem(
                entry.seq, entry.pk, "its previous-hash does not match the entry before it"
            )
        if entry.compute_hash() != entry.entry_hash:
            return checked, ChainProblem(
                entry.seq, entry.pk, "its content no longer matches its hash (edited)"
            )
        expected_prev = entry.entry_hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.last_hash != expected_prev):
        return checked, ChainProblem(
            checked + 1,
            None,
            f"the chain head records #{head.seq}; entries after #{checked} are missing",
        )
    return checked, None
