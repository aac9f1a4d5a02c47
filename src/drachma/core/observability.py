"""Request ids in every log line, and request latency for Prometheus.

``RequestMiddleware`` gives each request an id: the one the load balancer sent in
``DRACHMA_REQUEST_ID_HEADER`` when that is configured (so a request can be followed from the
balancer's log to ours), otherwise a new one. A header of that name sent by anyone else is
ignored unless configured, and a configured one is used only when it looks like an id. The id is
echoed in the response's ``X-Request-ID``; ``RequestIdFilter`` adds it to every log record
written while the request runs (settings.LOGGING), and background work logs ``-``.

Latency is observed per route (the URL pattern's name, never the path, which would name
records) into ``drachma_request_seconds``. Under gunicorn the workers share their figures
through ``PROMETHEUS_MULTIPROC_DIR`` (gunicorn.conf.py), so any worker answers /metrics
for all of them.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import Counter, Histogram

RESPONSE_HEADER = "X-Request-ID"
_ID_SHAPE = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_request_id: ContextVar[str] = ContextVar("drachma_request_id", default="-")

REQUEST_SECONDS = Histogram(
    "drachma_request_seconds",
    "Time to answer a request, by route, method and status class.",
    ["route", "method", "status"],
    buckets=(0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0),
)
TASK_FAILURES = Counter(
    "drachma_task_failures_total", "Background tasks that ended in failure, by task.", ["task"]
)


def current_request_id() -> str:
    return _request_id.get()


def incoming_request_id(request: HttpRequest) -> str:
    """The balancer's id when configured and well formed, otherwise a new one."""
    header = getattr(settings, "DRACHMA_REQUEST_ID_HEADER", "")
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "").strip()
        if _ID_SHAPE.fullmatch(value):
            return value
    return str(uuid.uuid4())


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or "unnamed"


class RequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = incoming_request_id(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        REQUEST_SECONDS.labels(
            route=_route(request),
            method=request.method if request.method in _METHODS else "other",
            status=f"{response.status_code // 100}xx",
        ).observe(time.perf_counter() - started)
        response[RESPONSE_HEADER] = request_id
        return response


_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


def count_task_failure(sender, task_result, **kwargs) -> None:
    """django-tasks' ``task_finished`` receiver: failures counted by task, and logged."""
    from django_tasks import TaskResultStatus

    if task_result.status == TaskResultStatus.FAILED:
        name = getattr(getattr(task_result, "task", None), "module_path", "unknown")
        TASK_FAILURES.labels(task=name).inc()
        logging.getLogger("drachma.tasks").error(
            "Task failed: %s", name, extra={"task_result_id": str(task_result.id)}
        )
