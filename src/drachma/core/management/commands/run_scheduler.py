import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from drachma.core.registry import app_modules
from drachma.core.scheduling import PERIODIC
from drachma.core.singleton import scheduler_lock

logger = logging.getLogger("drachma.scheduler")


class Command(BaseCommand):
    help = (
        "Enqueue the periodic background tasks on their schedules (run beside the worker). "
        "One scheduler runs at a time: others wait for its lock and take over when it stops."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Enqueue every periodic task once and exit."
        )
        parser.add_argument(
            "--wait-seconds",
            type=float,
            default=5.0,
            help="How often a waiting scheduler tries the lock (default 5).",
        )

    def handle(self, *args, once=False, wait_seconds=5.0, **options):
        app_modules("tasks")  # importing each app's tasks.py registers its periodic tasks
        if not PERIODIC:
            self.stdout.write("No periodic tasks registered.")
            return
        running = True

        def stop(*_):
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        lock = scheduler_lock()
        next_run = {p.name: 0.0 for p in PERIODIC}
        waiting_said = False
        try:
            while running:
                if not lock.held():
                    if not self._try(lock):
                        if once:
                            self.stdout.write("Another scheduler is running: nothing enqueued.")
                            return
                        if not waiting_said:
                            self._say("Another scheduler holds the lock: waiting.")
                            waiting_said = True
                        time.sleep(wait_seconds)
                        continue
                    waiting_said = False
                    self._say(
                        "Scheduling: " + ", ".join(f"{p.name} every {p.seconds}s" for p in PERIODIC)
                    )
                    # A scheduler taking over runs everything once: what the last one would
                    # have enqueued meanwhile is not lost (the periodic tasks are safe to
                    # run twice).
                    next_run = {p.name: 0.0 for p in PERIODIC}
                if not self._enqueue_due(next_run):
                    time.sleep(wait_seconds)
                    continue
                if once:
                    return
                time.sleep(1)
        finally:
            lock.release()

    def _try(self, lock) -> bool:
        try:
            return lock.acquire()
        except DatabaseError as exc:
            # The database is away: keep trying, as the worker does, rather than exit.
            logger.warning("Scheduler: the database does not answer (%s); trying again", exc)
            lock.release()
            return False

    def _enqueue_due(self, next_run: dict) -> bool:
        now = time.monotonic()
        try:
            close_old_connections()
            for p in PERIODIC:
                if now >= next_run[p.name]:
                    p.task.enqueue()
                    next_run[p.name] = now + p.seconds
        except Exception as exc:  # noqa: BLE001 - the database or Redis away: try again later
            logger.warning("Scheduler: could not enqueue (%s); trying again", exc)
            from django.db import connection

            connection.close()
            return False
        return True

    def _say(self, message: str) -> None:
        logger.info(message)
        self.stdout.write(message)
        self.stdout.flush()
