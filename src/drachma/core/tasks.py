"""Core's background tasks: mail retried after a failure, and finished task results pruned."""

import datetime
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from drachma.core import mail, taskqueue
from drachma.core.scheduling import periodic

logger = logging.getLogger("drachma.tasks")


@task()
def retry_mail(subject: str, body: str, recipients: list[str], attempt: int) -> bool:
    """Another attempt at a message whose sending failed (drachma.core.mail)."""
    return mail.deliver(subject, body, recipients, attempt=attempt)


@periodic(seconds=24 * 3600)
@task()
def prune_task_results() -> int:
    """Daily: finished results of the database queue older than DRACHMA_TASK_RESULTS_DAYS are
    deleted (RQ expires its own). Waiting and running tasks are never touched."""
    if taskqueue.backend_kind() != "database":
        return 0
    from django_tasks_db.models import DBTaskResult

    days = int(getattr(settings, "DRACHMA_TASK_RESULTS_DAYS", 14))
    cutoff = timezone.now() - datetime.timedelta(days=days)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    if deleted:
        logger.info("Pruned %d task results finished before %s", deleted, cutoff)
    return deleted
