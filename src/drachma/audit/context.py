"""Who is acting, and through which request, for the audit entries written meanwhile."""

import contextlib
import uuid
from contextvars import ContextVar
from dataclasses import dataclass


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
    token = _current.set(
        AuditContext(request=request, actor=actor, actor_label=label, request_id=str(uuid.uuid4()))
    )
    try:
        yield
    finally:
        _current.reset(token)


def client_ip(request) -> str | None:
    # Behind a trusted proxy, deployments set REMOTE_ADDR correctly (e.g. via the WSGI server).
    return request.META.get("REMOTE_ADDR") or None
