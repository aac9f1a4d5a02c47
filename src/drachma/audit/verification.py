"""Checking the audit log: every seal in chain order (its link, its entry's keyed hash, its own
keyed hash), every anchor the witnesses hold, and the entries still waiting to be sealed."""

import hmac
from collections import defaultdict
from dataclasses import dataclass, field

from drachma.audit import chain
from drachma.audit.anchors import Anchor, DamagedAnchor, witnesses
from drachma.audit.keys import UNKEYED, Keyring, keyring
from drachma.audit.models import AuditEntry, AuditPending, AuditSeal

CHUNK = 2000


@dataclass
class ChainProblem:
    seq: int | None  # the entry's number, when there is an entry to name
    entry_id: int | None  # the same (the entry's key), kept for the API's callers
    reason: str
    position: int | None = None  # the place in the chain, when the problem has one

    def __str__(self) -> str:
        if self.seq is not None and self.position is not None:
            where = f"entry #{self.seq} at chain position #{self.position}"
        elif self.seq is not None:
            where = f"entry #{self.seq} (not sealed)"
        elif self.position is not None:
            where = f"chain position #{self.position}"
        else:
            where = "the anchors"
        return f"{where}: {self.reason}"


@dataclass
class VerifyReport:
    checked: int = 0  # entries that held, in chain order then the unsealed ones
    problem: ChainProblem | None = None  # the first found
    sealed: int = 0
    unkeyed: int = 0  # sealed before the chain was keyed (their own SHA-256 chain)
    unsealed: list[int] = field(default_factory=list)  # entry numbers waiting to be sealed
    unqueued: list[int] = field(default_factory=list)  # of those, missing from the queue
    anchors: int = 0
    last_anchor: Anchor | None = None
    head: AuditSeal | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def seal_problem(
    seal: AuditSeal, entry: AuditEntry | None, *, prev_hash: str, keyed_before: bool, keys: Keyring
) -> str | None:
    """Why this seal (with its entry) does not hold after the seal hashed ``prev_hash``; None if
    it holds. ``keyed_before``: a keyed seal came earlier, so an unkeyed one now is forged."""
    if not _same(seal.prev_hash, prev_hash):
        return "its previous-hash does not match the entry before it"
    if entry is None:
        return f"its entry #{seal.entry_id} is gone"
    if seal.key_id == UNKEYED:
        if keyed_before or entry.key_id != UNKEYED:
            return "an unkeyed seal after the chain was keyed (not written by Drachma)"
        expected = chain.legacy_hash(entry, position=seal.position, prev_hash=seal.prev_hash)
        if not (_same(expected, seal.chain_hash) and _same(expected, entry.entry_hash)):
            return "its content no longer matches its hash (edited)"
        return None
    seal_key, entry_key = keys.get(seal.key_id), keys.get(entry.key_id)
    if seal_key is None or entry_key is None:
        missing = seal.key_id if seal_key is None else entry.key_id
        return f"hashed with a key this installation does not hold ({missing})"
    if not _same(entry.compute_hash(entry_key), entry.entry_hash):
        return "its content no longer matches its hash (edited)"
    if not _same(seal.compute_hash(seal_key, entry_hash=entry.entry_hash), seal.chain_hash):
        return "its seal does not match its entry and place (re-hashed or forged)"
    return None


def entry_problem(entry: AuditEntry, keys: Keyring) -> str | None:
    """Why an entry not yet sealed is not genuine; None if its keyed hash holds."""
    key = keys.get(entry.key_id)
    if entry.key_id == UNKEYED or key is None:
        return "it is not sealed and not hashed with this installation's key (not genuine)"
    if not _same(entry.compute_hash(key), entry.entry_hash):
        return "its content no longer matches its hash (edited)"
    return None


def _seals_in_order():
    """Seals with their entries, by position, a chunk at a time (the log can be long)."""
    after = 0
    while True:
        seals = list(AuditSeal.objects.filter(position__gt=after).order_by("position")[:CHUNK])
        if not seals:
            return
        entries = AuditEntry.objects.in_bulk([s.entry_id for s in seals])
        for seal in seals:
            yield seal, entries.get(seal.entry_id)
        after = seals[-1].position


def _read_anchors(keys: Keyring, report: VerifyReport):
    by_position: dict[int, list[Anchor]] = defaultdict(list)
    problem = None
    for witness in witnesses():
        try:
            kept = list(witness.anchors())
        except OSError as exc:
            problem = problem or ChainProblem(
                None, None, f"the anchors of {witness.name} cannot be read: {exc}"
            )
            continue
        for anchor in kept:
            if isinstance(anchor, DamagedAnchor):
                problem = problem or ChainProblem(
                    None, None, f"line {anchor.number} of {witness.name}: {anchor.reason}"
                )
                continue
            if not anchor.is_genuine(keys):
                problem = problem or ChainProblem(
                    None,
                    None,
                    f"the anchor of #{anchor.position} in {witness.name} does not carry this "
                    "installation's key (not written by Drachma)",
                )
                continue
            by_position[anchor.position].append(anchor)
            report.anchors += 1
            if report.last_anchor is None or anchor.position >= report.last_anchor.position:
                report.last_anchor = anchor
    return by_position, problem


def verify() -> VerifyReport:
    """Walk the whole log. Stops at the first problem and names it."""
    keys = keyring()
    report = VerifyReport()
    anchored, anchor_problem = _read_anchors(keys, report)
    prev_hash, expected, keyed = chain.GENESIS_HASH, 1, False
    for seal, entry in _seals_in_order():
        if seal.position != expected:
            report.problem = ChainProblem(
                None, None, f"missing: the next seal present is #{seal.position}", expected
            )
            return report
        reason = seal_problem(seal, entry, prev_hash=prev_hash, keyed_before=keyed, keys=keys)
        for anchor in anchored.pop(seal.position, []):
            if reason is None and not _same(anchor.chain_hash, seal.chain_hash):
                reason = (
                    f"it differs from the anchor written {anchor.at:%Y-%m-%d %H:%M:%S} UTC "
                    "(the chain was rewritten from here or before)"
                )
        if reason is not None:
            report.problem = ChainProblem(seal.entry_id, seal.entry_id, reason, seal.position)
            return report
        keyed = keyed or seal.key_id != UNKEYED
        report.unkeyed += seal.key_id == UNKEYED
        prev_hash, expected, report.head = seal.chain_hash, expected + 1, seal
        report.sealed += 1
        report.checked += 1
    if anchored:
        last = max(anchored)
        report.problem = ChainProblem(
            None,
            None,
            f"the chain ends at #{expected - 1} but #{last} was anchored "
            f"{anchored[last][0].at:%Y-%m-%d %H:%M:%S} UTC: entries were cut from the end",
            expected,
        )
        return report
    unsealed = AuditEntry.objects.filter(seal__isnull=True).order_by("seq")
    for entry in unsealed.iterator(chunk_size=CHUNK):
        reason = entry_problem(entry, keys)
        if reason is not None:
            report.problem = ChainProblem(entry.seq, entry.seq, reason)
            return report
        report.unsealed.append(entry.seq)
        report.checked += 1
    if report.unsealed:
        queued = set(AuditPending.objects.values_list("entry_id", flat=True))
        report.unqueued = [seq for seq in report.unsealed if seq not in queued]
    report.problem = anchor_problem
    return report


def verify_chain() -> tuple[int, ChainProblem | None]:
    """How many entries held, and the first problem (None when the log is intact)."""
    report = verify()
    return report.checked, report.problem
