"""What someone with the database owner's powers can do to the audit log, for the tests that
prove it is found: switch the append-only triggers off (inside the test's transaction, so they
come back afterwards) and change the tables at will, with or without the HMAC key."""

import hashlib

from django.db import connection

from drachma.audit import chain
from drachma.audit.keys import UNKEYED, AuditKey
from drachma.audit.models import AuditEntry, AuditSeal

TRIGGERS = {
    "audit_auditentry": "audit_entry_append_only",
    "audit_auditseal": "audit_seal_append_only",
}


def as_owner(sql: str, params: list | tuple = ()) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE waits for no deferred foreign-key checks: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, trigger in TRIGGERS.items():
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        cursor.execute(sql, params)


class PlainSha256:
    """The attacker's stand-in for the key: plain SHA-256, as the first chain used."""

    id = "unkeyed"

    def mac(self, message: bytes) -> str:
        return hashlib.sha256(message).hexdigest()


def rewrite_entry(entry: AuditEntry, key, **content) -> str:
    """Change an entry's content and give it a fresh hash under ``key`` (the real key, a key of
    the attacker's own, or ``PlainSha256()``). Returns the new hash."""
    for name, value in content.items():
        setattr(entry, name, value)
    new_hash = entry.compute_hash(key)
    sets = ", ".join(f"{name} = %s" for name in content)
    values = [
        v if not isinstance(v, dict) else chain.canonical(v).decode() for v in content.values()
    ]
    as_owner(
        f"UPDATE audit_auditentry SET {sets}, entry_hash = %s WHERE seq = %s",
        [*values, new_hash, entry.seq],
    )
    return new_hash


def rehash_from(position: int, key) -> None:
    """Re-seal the chain from ``position`` to its end under ``key`` (links and all), so that
    every link holds again for whoever checks with that key."""
    prev = AuditSeal.objects.filter(position=position - 1).values_list("chain_hash", flat=True)
    prev_hash = prev.first() or chain.GENESIS_HASH
    for seal in AuditSeal.objects.filter(position__gte=position).order_by("position"):
        entry = AuditEntry.objects.get(seq=seal.entry_id)
        seal.prev_hash = prev_hash
        seal.key_id = getattr(key, "id", UNKEYED)
        seal.chain_hash = seal.compute_hash(key, entry_hash=entry.entry_hash)
        as_owner(
            "UPDATE audit_auditseal SET prev_hash = %s, key_id = %s, chain_hash = %s "
            "WHERE position = %s",
            [seal.prev_hash, seal.key_id, seal.chain_hash, seal.position],
        )
        prev_hash = seal.chain_hash


def cut_from(position: int) -> None:
    """Delete the seals from ``position`` on, and their entries: the chain's new end is the
    seal before (there is no head row to reset: the head is the last seal)."""
    entries = list(
        AuditSeal.objects.filter(position__gte=position).values_list("entry_id", flat=True)
    )
    as_owner("DELETE FROM audit_auditseal WHERE position >= %s", [position])
    if entries:
        placeholders = ", ".join(["%s"] * len(entries))
        as_owner(f"DELETE FROM audit_auditentry WHERE seq IN ({placeholders})", entries)


def attacker_key() -> AuditKey:
    return AuditKey(id="0123456789abcdef", secret=b"not the installation's key at all, 32+")
