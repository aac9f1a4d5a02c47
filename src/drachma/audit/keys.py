"""The audit log's HMAC keys. They live outside the database (the environment or a key file on
the application's host), so that whoever holds the database alone cannot write a genuine entry,
seal or anchor (docs/audit.md).

``DRACHMA_AUDIT_KEY`` is the current key. ``DRACHMA_AUDIT_KEY_FILE`` names a file of keys, one
a line: retired keys first, the current one last (unless ``DRACHMA_AUDIT_KEY`` is set); retired
keys only verify what they sealed. Each key is known by an id derived from it, recorded beside
every entry, seal and anchor, so that keys can be rotated without re-sealing the past.
"""

import functools
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MIN_KEY_CHARS = 32
# Entries and seals written before the chain was keyed carry this instead of a key id.
UNKEYED = "unkeyed"


@dataclass(frozen=True)
class AuditKey:
    id: str
    secret: bytes = b""

    def mac(self, message: bytes) -> str:
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def __repr__(self) -> str:  # never the secret, in a traceback or a log
        return f"AuditKey(id={self.id!r})"


@dataclass(frozen=True)
class Keyring:
    current: AuditKey
    keys: tuple[AuditKey, ...]

    def get(self, key_id: str) -> AuditKey | None:
        return next((k for k in self.keys if k.id == key_id), None)


def key_from(text: str, *, where: str) -> AuditKey:
    text = text.strip()
    if len(text) < MIN_KEY_CHARS:
        raise ImproperlyConfigured(
            f"The audit key in {where} is {len(text)} characters long; it needs at least "
            f"{MIN_KEY_CHARS} (e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)."
        )
    secret = text.encode("utf-8")
    # The id names the key without revealing it: an HMAC of a fixed label under the key.
    key_id = hmac.new(secret, b"drachma audit key id", hashlib.sha256).hexdigest()[:16]
    return AuditKey(id=key_id, secret=secret)


def _generate(path: Path) -> None:
    """A development key, written whole or not at all (several test workers may race here)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(secrets.token_hex(32) + "\n")
    try:
        os.link(partial, path)  # fails if another process made the key first: theirs is kept
    except FileExistsError:
        pass
    finally:
        partial.unlink()


@functools.lru_cache(maxsize=8)
def _load(env_key: str, key_file: str, generate: bool) -> Keyring:
    keys: list[AuditKey] = []
    if key_file:
        path = Path(key_file)
        if not path.exists() and generate:
            _generate(path)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"DRACHMA_AUDIT_KEY_FILE {path} cannot be read: {exc.strerror}."
            ) from exc
        for number, line in enumerate(lines, start=1):
            if line.strip() and not line.lstrip().startswith("#"):
                keys.append(key_from(line, where=f"line {number} of {path}"))
        if not keys and not env_key:
            raise ImproperlyConfigured(f"DRACHMA_AUDIT_KEY_FILE {path} holds no key.")
    if env_key:
        keys.append(key_from(env_key, where="DRACHMA_AUDIT_KEY"))
    if not keys:
        raise ImproperlyConfigured(
            "The audit log needs a key the database cannot read: set DRACHMA_AUDIT_KEY or "
            "DRACHMA_AUDIT_KEY_FILE (docs/audit.md, 'Key management')."
        )
    return Keyring(current=keys[-1], keys=tuple(keys))


def keyring() -> Keyring:
    """The keys from the settings (read once per process for given settings)."""
    return _load(
        str(getattr(settings, "DRACHMA_AUDIT_KEY", "") or ""),
        str(getattr(settings, "DRACHMA_AUDIT_KEY_FILE", "") or ""),
        bool(getattr(settings, "DRACHMA_AUDIT_GENERATE_KEY", False)),
    )
