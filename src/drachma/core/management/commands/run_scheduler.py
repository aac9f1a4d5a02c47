import signal
import time

from django.core.management.base import BaseCommand

from drachma.core.registry import app_modules
from drachma.core.scheduling import PERIODIC


class Command(BaseCommand):
    help = "Enqueue the periodic background tasks on their schedules (run beside db_worker)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Enqueue every periodic task once and exit."
        )

    def handle(self, *args, once=False, **options):
        app_modules("tasks")  # importing each app's tasks.py registers its periodic tasks
        if not PERIODIC:
            self.stdout.write("No periodic tasks registered.")
            return
        self.stdout.write(
            "Scheduling: " + ", ".join(f"{p.name} every {p.seconds}s" for p in PERIODIC)
        )
        running = True

        def stop(*_):
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        next_run = {p.name: 0.0 for p in PERIODIC}
        while running:
            now = time.monotonic()
            for p in PERIODIC:
                if now >= next_run[p.name]:
                    p.task.enqueue()
                    next_run[p.name] = now + p.seconds
            if once:
                return
            time.sleep(1)
