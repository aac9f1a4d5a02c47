"""Printed documents: one base template (``core/print_base.html``) for WeasyPrint PDFs and for
pages meant for the browser's print, carrying on every page the classification marking
(``settings.DRACHMA_CLASSIFICATION`` unless the document sets its own), who printed it and
when, and the page number.

``render_pdf("evidence/schedule_pdf.html", context, user=request.user)`` renders a template
that extends ``core/print_base.html`` to PDF bytes; ``print_context(user)`` is what such a
template needs when it is rendered some other way (``for_pdf=False`` for the browser).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone


def printed_by(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "Drachma"
    return user.get_full_name() or user.get_username()


def print_context(
    user: Any, *, at: datetime.datetime | None = None, for_pdf: bool = False
) -> dict[str, Any]:
    """The marking, the printing user and the time, for ``core/print_base.html``."""
    return {
        "classification": settings.DRACHMA_CLASSIFICATION,
        "printed_by": printed_by(user),
        "printed_at": at or timezone.now(),
        "for_pdf": for_pdf,
    }


def render_pdf(
    template_name: str,
    context: dict[str, Any],
    *,
    user: Any,
    at: datetime.datetime | None = None,
) -> bytes:
    """A document template (extending ``core/print_base.html``) rendered to PDF by WeasyPrint."""
    from weasyprint import HTML

    html = render_to_string(template_name, {**print_context(user, at=at, for_pdf=True), **context})
    return HTML(string=html).write_pdf()
