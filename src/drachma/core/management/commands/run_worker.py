"""The background worker for the configured queue, which outlives a database outage.

With the database queue (django-tasks-db) it runs that package's worker and, when the database
goes away (a restart, a failover, the network), logs it and tries again with growing pauses
instead of exiting; a supervisor that restarts a crashed worker is still advised, but a
database outage no longer needs one. With RQ (``DRACHMA_TASKS_BACKEND=rq``) it runs
``rqworker`` on the configured queues with django-tasks-rq's job class.
"""

import contextlib
import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Worker

from drachma.core import taskqueue

logger = logging.getLogger("drachma.worker")

# Pauses between attempts while the database is away: 1, 2, 4 ... up to 30 seconds.
FIRST_PAUSE, LONGEST_PAUSE = 1.0, 30.0


def run_resilient(worker: Worker, *, sleep=time.sleep) -> int:
    """Run ``worker`` until it stops by itself; a lost database is waited for. Returns how
    many times the database was lost."""
    outages = 0
    pause = FIRST_PAUSE
    while True:
        try:
            worker.run()
            return outages
        except (OperationalError, InterfaceError) as exc:
            outages += 1
            logger.warning(
                "Worker: the database does not answer (%s); trying again in %.0f s",
                str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
                pause,
            )
            for connection in connections.all(initialized_only=True):
                with contextlib.suppress(Exception):  # a broken connection is dropped
                    connection.close()
            sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)
            if not worker.running:  # asked to stop meanwhile
                return outages


class Command(BaseCommand):
    help = "Run the background worker for the configured task queue (database or RQ)."

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="default", help="Queues, comma-separated.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument(
            "--batch", action="store_true", help="Exit when no task is waiting (database queue)."
        )

    def handle(self, *args, queue_name, interval, batch, **options):
        kind = taskqueue.backend_kind()
        if kind == "rq":
            call_command(
                "rqworker",
                *queue_name.split(","),
                job_class="django_tasks_rq.Job",
                with_scheduler=True,
            )
            return
        if kind != "database":
            self.stderr.write("The configured task backend runs its tasks without a worker.")
            return
        from django.utils.crypto import get_random_string

        worker = Worker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=not batch,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        worker.configure_signals()
        logger.info("Worker started on %s", queue_name)
        run_resilient(worker)
