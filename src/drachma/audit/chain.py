"""What the audit log's hashes are computed over. An entry's own hash is an HMAC of its content;
a seal's hash is an HMAC of the chain position, the entry's number and hash, and the seal
before it. Entries from before the chain was keyed keep their plain SHA-256 (``legacy_hash``).
"""

import hashlib
import json
from datetime import datetime

GENESIS_HASH = "0" * 64

# An entry's content: everything it says, the nonce that makes two identical records distinct
# (so that a copied row is refused by the unique hash), and the key that hashed it.
ENTRY_FIELDS = (
    "at",
    "actor_id",
    "actor_username",
    "action",
    "model",
    "object_id",
    "object_repr",
    "changes",
    "request_id",
    "ip_address",
    "method",
    "path",
    "nonce",
    "key_id",
)

# What the first, unkeyed chain hashed (its entries carried their own position and link).
LEGACY_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_username",
    "action",
    "model",
    "object_id",
    "object_repr",
    "changes",
    "request_id",
    "ip_address",
    "method",
    "path",
    "prev_hash",
)


def canonical(content: dict) -> bytes:
    """One byte string per content: sorted keys, no spaces, times to the microsecond."""
    plain = {
        k: v.isoformat(timespec="microseconds") if isinstance(v, datetime) else v
        for k, v in content.items()
    }
    return json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


# Joined the content later (DPA 2018 s.62): hashed only when given, so an entry without them
# hashes exactly as every entry written before they existed, and an entry with them is bound
# to them (removing or adding either breaks the entry's hash).
OPTIONAL_FIELDS = ("purpose", "recipient")


def entry_content(entry) -> bytes:
    content = {name: getattr(entry, name) for name in ENTRY_FIELDS}
    for name in OPTIONAL_FIELDS:
        value = getattr(entry, name, "")
        if value:
            content[name] = value
    return canonical(content)


def seal_content(seal, *, entry_hash: str) -> bytes:
    """A seal binds the entry's number and its hash (as the entry holds it) to its position."""
    return canonical(
        {
            "position": seal.position,
            "entry": seal.entry_id,
            "entry_hash": entry_hash,
            "prev_hash": seal.prev_hash,
            "sealed_at": seal.sealed_at,
            "key_id": seal.key_id,
        }
    )


def legacy_hash(entry, *, position: int, prev_hash: str) -> str:
    content = {name: getattr(entry, name) for name in LEGACY_FIELDS[1:-1]}
    content.update(seq=position, prev_hash=prev_hash)
    return hashlib.sha256(canonical(content)).hexdigest()
