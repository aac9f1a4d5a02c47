"""One scheduler at a time, on any number of machines.

On PostgreSQL a session-level advisory lock, held on a connection of its own (so that the
scheduler's ordinary queries, reconnections included, never release it by accident): the
first scheduler takes it, any other waits, trying again every few seconds, and takes over
when the holder stops or its connection dies (PostgreSQL releases a session's locks then).
On SQLite (one machine by definition) an exclusive lock on a file beside the database.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger("drachma.scheduler")

# pg_advisory_lock's key: "drachma" as a 64-bit number; any fixed number shared by all.
SCHEDULER_LOCK_KEY = int.from_bytes(b"drachma", "big")


class PostgresLock:
    def __init__(self, key: int, alias: str = "default") -> None:
        self.key = key
        self.alias = alias
        self.connection: BaseDatabaseWrapper | None = None
        self.locked = False

    def acquire(self) -> bool:
        """Take the lock if free; False when another session holds it."""
        if self.connection is None:
            self.connection = connections.create_connection(self.alias)
        connection = self.connection
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [self.key])
            self.locked = bool(cursor.fetchone()[0])
        return self.locked

    def held(self) -> bool:
        """Still ours: a session keeps its advisory locks while its connection lives, so the
        lock is held while our connection answers (a lost connection has lost the lock)."""
        if self.connection is None or not self.locked:
            return False
        try:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except Exception as exc:  # noqa: BLE001 - any failure: the lock cannot be vouched for
            logger.warning("Scheduler: the lock's connection was lost (%s)", exc)
            self.release()
            return False
        return True

    def release(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()  # ends the session, and with it the lock
            except Exception:  # noqa: BLE001 - closing a dead connection
                logger.debug("closing the lock's connection failed", exc_info=True)
            self.connection = None
        self.locked = False


class FileLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None
        self.locked = False

    def acquire(self) -> bool:
        if self.fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        self.locked = True
        return True

    def held(self) -> bool:
        return self.locked

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor drops the lock
            self.fd = None
        self.locked = False


def scheduler_lock() -> PostgresLock | FileLock:
    if connections["default"].vendor == "postgresql":
        return PostgresLock(SCHEDULER_LOCK_KEY)
    name = Path(str(settings.DATABASES["default"]["NAME"])).name
    return FileLock(Path(settings.VAR_DIR) / f"scheduler-{name}.lock")
