"""Who is acting, and through which request, for the audit entries written meanwhile."""

import contextlib
import ipaddress
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings


@dataclass
class AuditContext:
    request: object | None = None
    actor: object | None = None
    actor_label: str = ""
    request_id: str = ""


_current: ContextVar[AuditContext | None] = ContextVar("drachma_audit_context", default=None)


def current() -> AuditContext:
    return _current.get() or AuditContext()


@contextlib.contextmanager
def acting_as(actor=None, label: str = "", request=None):
    """Attribute audit entries written inside the block to ``actor`` (or a system label)."""
    # The request's own id (drachma.core.observability, also in the logs and the response's
    # X-Request-ID) when it fits the audit entry's column, so that each finds the other.
    request_id = getattr(request, "request_id", "")
    if not request_id or len(request_id) > 36:
        request_id = str(uuid.uuid4())
    token = _current.set(
        AuditContext(request=request, actor=actor, actor_label=label, request_id=request_id)
    )
    try:
        yield
    finally:
        _current.reset(token)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind the force's load balancer the header it
    sets (settings.DRACHMA_CLIENT_IP_HEADER). Unconfigured, a client's own X-Forwarded-For is
    ignored: anyone can send one, and the reporting page's rate limits would trust it."""
    header = getattr(settings, "DRACHMA_CLIENT_IP_HEADER", "")
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        # Each proxy appends the address it saw: the trusted ones are the last N entries, and
        # the address the outermost trusted proxy saw is the Nth from the right.
        hops = [h.strip() for h in value.split(",") if h.strip()]
        proxies = max(1, int(getattr(settings, "DRACHMA_CLIENT_IP_PROXIES", 1)))
        if len(hops) >= proxies:
            candidate = hops[-proxies]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass  # not an address: fall back to the connection's own
    return request.META.get("REMOTE_ADDR") or None
