import time

from django.core.management.base import BaseCommand

from drachma.statistics.rollup import rebuild


class Command(BaseCommand):
    help = "Recompute the monthly statistics counts from the incidents table (after bulk loads)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"{rows} monthly count rows rebuilt in {time.perf_counter() - started:.1f} s."
            )
        )
