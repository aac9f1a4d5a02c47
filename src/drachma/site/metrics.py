"""The figures /metrics gives Prometheus.

Counted as they happen (drachma.core.observability): request latency by route, task failures.
Computed at each scrape, from what every machine shares: tasks waiting on the queue, failed
task results kept, and safeguarding actions past their due time. Under gunicorn the workers'
own figures are merged from ``PROMETHEUS_MULTIPROC_DIR`` (gunicorn.conf.py sets it).
"""

from __future__ import annotations

import logging
import os

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

logger = logging.getLogger("drachma.metrics")


def queue_figures() -> tuple[dict[str, int], int]:
    """Tasks waiting by queue, and failed results kept, from the configured backend."""
    from drachma.core import taskqueue

    kind = taskqueue.backend_kind()
    if kind == "database":
        from django.db.models import Count
        from django_tasks_db.models import DBTaskResult

        waiting = dict(
            DBTaskResult.objects.ready()
            .values_list("queue_name")
            .annotate(n=Count("pk"))
            .values_list("queue_name", "n")
        )
        return waiting, DBTaskResult.objects.failed().count()
    if kind == "rq":
        import django_rq
        from rq.registry import FailedJobRegistry

        waiting, failed = {}, 0
        for name in taskqueue.backend().queues:
            queue = django_rq.get_queue(name)
            waiting[name] = len(queue)
            failed += len(FailedJobRegistry(queue=queue))
        return waiting, failed
    return {}, 0


class ScrapeCollector:
    """Gauges computed when Prometheus asks (one query each)."""

    def collect(self):
        try:
            waiting, failed = queue_figures()
        except Exception:
            logger.exception("Metrics: the task queue could not be read")
        else:
            queued = GaugeMetricFamily(
                "drachma_tasks_queued", "Background tasks waiting to run.", labels=["queue"]
            )
            for queue, n in sorted(waiting.items()):
                queued.add_metric([queue], n)
            yield queued
            yield GaugeMetricFamily(
                "drachma_tasks_failed", "Failed task results kept (until pruned).", value=failed
            )
        try:
            from drachma.safeguarding.selectors import queue_counts

            counts = queue_counts()
        except Exception:
            logger.exception("Metrics: the safeguarding queue could not be read")
        else:
            yield GaugeMetricFamily(
                "drachma_safeguarding_actions_overdue",
                "Open safeguarding actions past their due time.",
                value=counts["overdue"] or 0,
            )
            yield GaugeMetricFamily(
                "drachma_safeguarding_actions_open",
                "Open safeguarding actions.",
                value=counts["active"] or 0,
            )


class _ProcessCollector:
    """This process's own counters and histograms (without gunicorn's shared directory)."""

    def collect(self):
        yield from REGISTRY.collect()


def exposition() -> tuple[bytes, str]:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ProcessCollector())
    registry.register(ScrapeCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST
