"""The purpose of a user's task, recorded with everything they consult or disclose in it.

Part 3 of the Data Protection Act 2018 (s.62) asks the log of consultation and disclosure to
hold the justification, and for a disclosure its recipients. Asking on every click would be
ignored; so the purpose is chosen (a kind and the case, action or request it is for, typed
once) for a task, kept in the user's session, shown in the header of every page with a link
to change it, and written by ``services.append`` on every audit entry made while it is set
(``AuditEntry.purpose``, and ``recipient`` when the task discloses to someone). Signing out
ends the session and the task with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

SESSION_KEY = "drachma_purpose"
MAX_CHARS = 200
DETAIL_MAX_CHARS = 150
# Control characters other than line breaks and tabs (which fold into spaces): a purpose is
# one short line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class PurposeKind(models.TextChoices):
    CASE = "case", "Investigating a case or incident"
    SAFEGUARDING = "safeguarding", "A safeguarding action"
    REFERRAL = "referral", "A referral"
    DISCLOSURE = "disclosure", "Disclosure (prosecutor, court, partner agency)"
    FOI = "foi", "A freedom of information request"
    RIGHTS = "rights", "A data protection rights request (access, rectification, erasure)"
    REVIEW = "review", "Records review (MoPI)"
    TRIAGE = "triage", "Triage of public reports"
    AUDIT = "audit", "An audit or a professional standards enquiry"
    OTHER = "other", "Something else"


# How each kind reads at the start of the purpose ("case DR-2026-000019").
PREFIX: dict[str, str] = {
    PurposeKind.CASE: "case",
    PurposeKind.SAFEGUARDING: "safeguarding action",
    PurposeKind.REFERRAL: "referral",
    PurposeKind.DISCLOSURE: "disclosure",
    PurposeKind.FOI: "FOI request",
    PurposeKind.RIGHTS: "rights request",
    PurposeKind.REVIEW: "records review",
    PurposeKind.TRIAGE: "triage",
    PurposeKind.AUDIT: "audit",
    PurposeKind.OTHER: "",
}


@dataclass(frozen=True)
class Purpose:
    kind: str
    detail: str
    recipient: str = ""
    set_at: str = ""

    @property
    def text(self) -> str:
        """As the log holds it: "case DR-2026-000019"."""
        prefix = PREFIX.get(self.kind, "")
        return f"{prefix} {self.detail}".strip()[:MAX_CHARS]


def _clean(value: Any, field: str, label: str, *, required: bool, limit: int) -> str:
    text = " ".join(str(value or "").split())
    if _CONTROL.search(str(value or "").replace("\n", " ").replace("\t", " ")):
        raise ValidationError({field: f"The {label} cannot hold control characters."})
    if required and not text:
        raise ValidationError({field: f"Give the {label}."})
    if len(text) > limit:
        raise ValidationError(
            {field: f"Keep the {label} to {limit} characters (it has {len(text)})."}
        )
    return text


def make(kind: Any, detail: Any, recipient: Any = "") -> Purpose:
    """A purpose from what the user chose and typed; ValidationError naming the field."""
    if str(kind or "") not in PurposeKind.values:
        raise ValidationError(
            {"kind": f"Choose what the task is for (one of: {', '.join(PurposeKind.values)})."}
        )
    detail = _clean(
        detail,
        "detail",
        "case, action or request the task is for",
        required=True,
        limit=DETAIL_MAX_CHARS,
    )
    recipient = _clean(recipient, "recipient", "recipient", required=False, limit=MAX_CHARS)
    if kind == PurposeKind.DISCLOSURE and not recipient:
        raise ValidationError({"recipient": "A disclosure names who receives it."})
    return Purpose(
        kind=str(kind), detail=detail, recipient=recipient, set_at=timezone.now().isoformat()
    )


def current(request: Any) -> Purpose | None:
    """The purpose of the task ``request``'s user is doing, or None when none is set."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict) or data.get("kind") not in PurposeKind.values:
        return None
    try:
        return Purpose(
            kind=str(data["kind"]),
            detail=str(data["detail"])[:DETAIL_MAX_CHARS],
            recipient=str(data.get("recipient", ""))[:MAX_CHARS],
            set_at=str(data.get("set_at", "")),
        )
    except (KeyError, ValueError):
        return None


# An API client has no session: it gives the purpose with each request, in these headers.
HEADER = "HTTP_X_DRACHMA_PURPOSE"
RECIPIENT_HEADER = "HTTP_X_DRACHMA_RECIPIENT"


def from_headers(request: Any) -> Purpose | None:
    """The purpose an API client sent (``X-Drachma-Purpose``, and ``X-Drachma-Recipient`` for
    a disclosure), or None when it sent none; ValidationError naming the header for one that
    is empty, too long or holds control characters, or a recipient without a purpose."""
    meta = getattr(request, "META", {}) or {}
    text, recipient = meta.get(HEADER), meta.get(RECIPIENT_HEADER)
    if text is None and recipient is None:
        return None
    if text is None:
        raise ValidationError(
            {"X-Drachma-Purpose": "Send the purpose the disclosure serves with its recipient."}
        )
    detail = _clean(text, "X-Drachma-Purpose", "purpose", required=True, limit=MAX_CHARS)
    to = _clean(recipient, "X-Drachma-Recipient", "recipient", required=False, limit=MAX_CHARS)
    return Purpose(kind=PurposeKind.OTHER, detail=detail, recipient=to)


def for_log(request: Any) -> tuple[str, str]:
    """(purpose, recipient) for the audit entries ``request`` writes: the session's task, else
    what an API client sent; empty when neither is given."""
    if request is None:
        return "", ""
    try:
        purpose = current(request) or from_headers(request)
    except Exception:  # a broken session or header must never stop the log being written
        return "", ""
    if purpose is None:
        return "", ""
    return purpose.text, purpose.recipient


def remember(request: Any, purpose: Purpose) -> None:
    request.session[SESSION_KEY] = {
        "kind": purpose.kind,
        "detail": purpose.detail,
        "recipient": purpose.recipient,
        "set_at": purpose.set_at,
    }


def forget(request: Any) -> None:
    request.session.pop(SESSION_KEY, None)
