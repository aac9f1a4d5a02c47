"""What must answer before a process takes requests (``/readyz``): the database, the cache,
the task queue, the evidence store and the footage matcher. Each check returns nothing when
ready and raises when not; ``not_ready()`` names every one that failed, with the reason.

The load balancer sends users only to web nodes whose /readyz answers 200; /healthz (alive,
no dependency) tells the process supervisor whether to restart the process itself.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger("drachma.readiness")


def check_database() -> None:
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    cache.set("drachma:readyz", "1", 30)
    if cache.get("drachma:readyz") != "1":
        raise RuntimeError("a value written to the cache did not come back")


def check_task_queue() -> None:
    from drachma.core import taskqueue

    kind = taskqueue.backend_kind()
    if kind == "database":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.ready().exists()
    elif kind == "rq":
        import django_rq

        django_rq.get_connection("default").ping()
    # The dummy and immediate backends (tests, development) have nothing to reach.


def check_object_store() -> None:
    from drachma.evidence.store import get_store

    storage: Any = get_store().storage  # S3 or the file system, by settings
    if getattr(settings, "DRACHMA_EVIDENCE_STORAGE", "local") == "s3":
        # HEAD of the bucket: fails when it is missing or the credentials may not use it
        # (HEAD of a missing object would answer "not there" in both cases).
        storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
        return
    root = storage.location
    if not os.path.isdir(root) or not os.access(root, os.W_OK):
        raise RuntimeError(f"the evidence directory {root} is missing or not writable")


def check_matcher() -> None:
    # The hashing library loads, and the database's chunk index answers a search.
    import pdqhash  # noqa: F401

    from drachma.takedown import chunkindex
    from drachma.takedown.models import HashKind

    chunkindex.search(["0" * 64], kind=HashKind.PDQ, max_distance=0)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "task queue": check_task_queue,
    "object store": check_object_store,
    "matcher": check_matcher,
}


def not_ready() -> dict[str, str]:
    """Each dependency that is not ready, with why; empty when all are."""
    problems: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure means not ready, named below
            problems[name] = f"{type(exc).__name__}: {exc}".strip()[:300]
            logger.warning("Not ready: %s: %s", name, problems[name])
    if "database" in problems:
        # A failed connection must not be reused by the next request.
        with contextlib.suppress(Exception):  # already broken; the next request reconnects
            connection.close()
    return problems
