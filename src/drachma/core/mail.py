"""Mail that is never lost in silence: sent once after the change commits; a failure is
logged and handed to the worker, which tries again with growing pauses up to
``DRACHMA_MAIL_ATTEMPTS`` times; the last failure is logged as an error (and counted in the
task failures Prometheus sees)."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

logger = logging.getLogger("drachma.mail")

# Pauses before the 2nd, 3rd, ... attempt: 1, 5, 15, 60 minutes, then hourly.
RETRY_MINUTES = (1, 5, 15, 60)


class MailNotSent(Exception):
    """The last attempt failed: the task fails, and the failure is kept and counted."""


def max_attempts() -> int:
    return max(1, int(getattr(settings, "DRACHMA_MAIL_ATTEMPTS", 5)))


def retry_delay(attempt: int) -> datetime.timedelta:
    """The pause after failed attempt number ``attempt`` (1-based)."""
    return datetime.timedelta(minutes=RETRY_MINUTES[min(attempt, len(RETRY_MINUTES)) - 1])


def deliver(subject: str, body: str, recipients: list[str], attempt: int = 1) -> bool:
    """Send now; on failure log it and queue the next attempt. True when sent."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - any failure of the mail server is retried
        return _failed(subject, body, recipients, attempt, exc)
    if attempt > 1:
        logger.info("Mail sent at attempt %d: %r to %s", attempt, subject, recipients)
    return True


def _failed(subject: str, body: str, recipients: list[str], attempt: int, exc: Exception) -> bool:
    from drachma.core.tasks import retry_mail

    reason = f"{type(exc).__name__}: {exc}"
    if attempt >= max_attempts():
        logger.error(
            "Mail not sent after %d attempts, given up: %r to %s (%s)",
            attempt,
            subject,
            recipients,
            reason,
        )
        if attempt > 1:  # in the worker: the task fails, and is kept and counted as failed
            raise MailNotSent(f"{subject!r} to {recipients}: {reason}") from exc
        return False
    delay = retry_delay(attempt)
    logger.warning(
        "Mail not sent (attempt %d of %d), trying again in %s: %r to %s (%s)",
        attempt,
        max_attempts(),
        delay,
        subject,
        recipients,
        reason,
    )
    task = retry_mail
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + delay)
    task.enqueue(subject, body, recipients, attempt + 1)
    return False
