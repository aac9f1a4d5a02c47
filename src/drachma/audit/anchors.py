"""Anchors: the chain's head (position, hash, time), written now and then to witnesses outside
the database, each line carrying an HMAC under the audit key. ``verify_audit`` checks the chain
against every anchor: an anchored position must still hold the anchored hash, and the chain must
not end before the last anchor. So entries cut from the end, or a chain rewritten and re-hashed,
are found even by someone who could do it with the database owner's rights.

A witness is anything with ``record(anchor)`` and ``anchors()``; ``FileWitness`` (an append-only
file, on storage the database's host cannot write) ships here. Settings:
``DRACHMA_AUDIT_WITNESSES`` (dotted paths of witness classes, made without arguments) and
``DRACHMA_AUDIT_ANCHOR_PATH`` (the file witness's file).
"""

import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from drachma.audit import chain
from drachma.audit.keys import Keyring, keyring

DEFAULT_WITNESSES = ["drachma.audit.anchors.FileWitness"]


@dataclass(frozen=True)
class Anchor:
    position: int
    chain_hash: str
    at: datetime
    key_id: str
    mac: str = ""

    def content(self) -> bytes:
        return chain.canonical(
            {
                "position": self.position,
                "chain_hash": self.chain_hash,
                "at": self.at,
                "key_id": self.key_id,
            }
        )

    def is_genuine(self, keys: Keyring) -> bool:
        key = keys.get(self.key_id)
        return key is not None and hmac.compare_digest(key.mac(self.content()), self.mac)

    def line(self) -> str:
        return json.dumps(
            {
                "position": self.position,
                "chain_hash": self.chain_hash,
                "at": self.at.isoformat(timespec="microseconds"),
                "key_id": self.key_id,
                "mac": self.mac,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    @classmethod
    def parse(cls, line: str) -> "Anchor":
        """One line of a witness; ValueError names what is wrong with it."""
        try:
            data = json.loads(line)
            anchor = cls(
                position=data["position"],
                chain_hash=data["chain_hash"],
                at=datetime.fromisoformat(data["at"]),
                key_id=data["key_id"],
                mac=data["mac"],
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"not an anchor line ({exc.__class__.__name__}: {exc})") from exc
        if not isinstance(anchor.position, int) or anchor.position < 1:
            raise ValueError("its position is not a positive whole number")
        if not (isinstance(anchor.chain_hash, str) and isinstance(anchor.mac, str)):
            raise ValueError("its hashes are not text")
        return anchor

    @classmethod
    def of_head(cls, *, position: int, chain_hash: str, keys: Keyring | None = None) -> "Anchor":
        key = (keys or keyring()).current
        unsigned = cls(
            position=position, chain_hash=chain_hash, at=timezone.now(), key_id=key.id, mac=""
        )
        return replace(unsigned, mac=key.mac(unsigned.content()))


@dataclass(frozen=True)
class DamagedAnchor:
    """A witness line that is not an anchor (torn, edited or not ours)."""

    number: int
    reason: str


@runtime_checkable
class Witness(Protocol):
    """Somewhere outside the database that keeps every anchor it is given, in order, and lets
    none be removed or changed (an append-only file, a remote timestamping or logging service)."""

    name: str

    def record(self, anchor: Anchor) -> None:
        """Keep the anchor durably before returning; raise OSError if it could not."""

    def anchors(self) -> Iterator[Anchor | DamagedAnchor]:
        """Every anchor kept, oldest first."""


class FileWitness:
    """Anchors as lines of a file opened for appending only and flushed to disk each time. Put
    the file on storage that outlives the database host and resists rewriting (another host, a
    write-once bucket mounted as a file, or ``chattr +a``)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path or settings.DRACHMA_AUDIT_ANCHOR_PATH)
        self.name = f"file {self.path}"

    def record(self, anchor: Anchor) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        created = not self.path.exists()
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            size = os.fstat(fd).st_size
            # A line torn by a crash is ended first, so the new anchor stays a line of its own.
            torn = size > 0 and os.pread(fd, 1, size - 1) != b"\n"
            data = ("\n" if torn else "") + anchor.line() + "\n"
            os.write(fd, data.encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:  # the new file's name must survive a crash too
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)

    def anchors(self) -> Iterator[Anchor | DamagedAnchor]:
        try:
            file = self.path.open(encoding="ascii", errors="replace")
        except FileNotFoundError:
            return
        with file:
            for number, line in enumerate(file, start=1):
                if not line.strip():
                    continue
                try:
                    yield Anchor.parse(line)
                except ValueError as exc:
                    yield DamagedAnchor(number=number, reason=str(exc))

    def latest(self) -> Anchor | None:
        """The last anchor, read from the end of the file (the file only grows)."""
        try:
            with self.path.open("rb") as file:
                file.seek(0, os.SEEK_END)
                size = file.tell()
                file.seek(max(0, size - 4096))
                tail = file.read().decode("ascii", errors="replace").strip().splitlines()
        except FileNotFoundError:
            return None
        try:
            return Anchor.parse(tail[-1]) if tail else None
        except ValueError:
            return None


def witnesses() -> list[Witness]:
    paths = getattr(settings, "DRACHMA_AUDIT_WITNESSES", None) or DEFAULT_WITNESSES
    return [import_string(path)() for path in paths]
