from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from drachma.audit.context import acting_as
from drachma.core.seeding import seed_all
from drachma.site.devonly import require_development


class Command(BaseCommand):
    help = "Load the synthetic demo data set (fixed seed): users per role, groups, incidents, …"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2017)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the demo users already exist (so `make run` loads it once).",
        )

    def handle(self, *args, seed, if_empty, **options):
        require_development("seed_demo")
        if if_empty and get_user_model().objects.filter(username="analyst").exists():
            self.stdout.write("Demo data already loaded.")
            return
        self.stdout.write("Loading demo data:")
        with acting_as(label="seed_demo"), transaction.atomic():
            ctx = seed_all(seed, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {len(ctx.groups)} groups, {len(ctx.incidents)} incidents, "
                f"{len(ctx.people)} people."
            )
        )
