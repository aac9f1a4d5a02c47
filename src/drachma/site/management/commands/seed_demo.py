from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from drachma.audit.context import acting_as
from drachma.audit.services import append
from drachma.core.models import ReviewableRecord
from drachma.core.seeding import seed_all
from drachma.site.devonly import require_development


def records_held() -> list[str]:
    """The kinds of case record the database holds ("3 people"): a database holding any is in
    use, and demo data must never be mixed into it."""
    held = []
    for model in apps.get_models():
        if issubclass(model, ReviewableRecord) and model.__module__.startswith("drachma."):
            count = model._default_manager.count()
            if count:
                held.append(f"{count} {model._meta.verbose_name_plural}")
    return held


class Command(BaseCommand):
    help = "Load the synthetic demo data set (fixed seed): users per role, groups, incidents, …"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2017)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the demo users already exist (so `make run` loads it once).",
        )
        parser.add_argument(
            "--force-production-settings",
            action="store_true",
            help=(
                "Load the demo data although the production settings are in use (a training "
                "copy deployed like production). Refused into a database holding any case "
                "record, and recorded in the audit log."
            ),
        )

    def handle(self, *args, seed, if_empty, force_production_settings=False, **options):
        forced = False
        if force_production_settings:
            held = records_held()
            if held:
                raise CommandError(
                    "seed_demo --force-production-settings refused: this database holds case "
                    f"records ({', '.join(held[:5])}). Demo data is never loaded into a "
                    "database in use; use an empty database for a training copy."
                )
            forced = True
        else:
            require_development("seed_demo")
        if if_empty and get_user_model().objects.filter(username="analyst").exists():
            self.stdout.write("Demo data already loaded.")
            return
        self.stdout.write("Loading demo data:")
        with acting_as(label="seed_demo"), transaction.atomic():
            if forced:
                append(
                    "decision",
                    model="site.demo",
                    object_repr="demo data",
                    changes={
                        "decision": "demo data loaded under the production settings",
                        "seed": seed,
                    },
                )
            ctx = seed_all(seed, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {len(ctx.groups)} groups, {len(ctx.incidents)} incidents, "
                f"{len(ctx.people)} people."
            )
        )
