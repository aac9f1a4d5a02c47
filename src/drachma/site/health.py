"""``/healthz``, ``/readyz`` and ``/metrics``: for the load balancer, the process supervisor
and Prometheus, open without a login (docs/deploy.md).

None of them runs inside a database transaction (ATOMIC_REQUESTS would open one, and fail,
before a view could answer that the database is down). /readyz names what is not ready and
logs why; the reasons (host names, errors) stay out of the answer, which anyone may read.
/metrics answers a bearer token or an allowed address only.
"""

import hmac
import ipaddress
import logging

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from drachma.core.access import public
from drachma.site import metrics, readiness

logger = logging.getLogger("drachma.health")


@never_cache
@transaction.non_atomic_requests
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is alive and answers; nothing else is asked."""
    return JsonResponse({"status": "alive"})


@never_cache
@transaction.non_atomic_requests
def readyz(request: HttpRequest) -> HttpResponse:
    problems = readiness.not_ready()
    if problems:
        return JsonResponse(
            {"status": "not ready", "not_ready": sorted(problems)},
            status=503,
            headers={"Retry-After": "5"},
        )
    return JsonResponse({"status": "ready", "checked": list(readiness.CHECKS)})


def metrics_allowed(request: HttpRequest) -> bool:
    token = getattr(settings, "DRACHMA_METRICS_TOKEN", "")
    given = request.META.get("HTTP_AUTHORIZATION", "")
    if token and given.startswith("Bearer "):
        return hmac.compare_digest(given[len("Bearer ") :].encode(), token.encode())
    # Addresses are those of the connection itself (Prometheus inside the network), never a
    # forwarded header.
    allowed = getattr(settings, "DRACHMA_METRICS_ALLOWED_IPS", [])
    remote = request.META.get("REMOTE_ADDR", "")
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in allowed)


@never_cache
@transaction.non_atomic_requests
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        logger.warning("Metrics refused to %s", request.META.get("REMOTE_ADDR", "?"))
        return HttpResponse(
            "Metrics need the bearer token or an allowed address.\n",
            status=403,
            content_type="text/plain",
        )
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)


healthz = public(healthz, methods=("GET",))
readyz = public(readyz, methods=("GET",))
metrics_view = public(metrics_view, methods=("GET",))
