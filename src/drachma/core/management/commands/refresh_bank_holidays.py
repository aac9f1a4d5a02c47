import urllib.error
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from drachma.core import workingdays


class Command(BaseCommand):
    help = (
        "Download GOV.UK's bank holiday list and, if it is whole, keep its England and Wales "
        "division as the working-day calendar (a damaged or partial list is refused and the "
        "kept one is left as it was)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default=workingdays.SOURCE_URL, help="Where to download from")
        parser.add_argument(
            "--from-file", help="Read the list from this file instead of downloading it"
        )

    def handle(self, *args, url: str, from_file: str | None = None, **options):
        try:
            body = Path(from_file).read_bytes() if from_file else workingdays.download(url)
        except (OSError, urllib.error.URLError) as exc:
            raise CommandError(
                f"Could not read the bank holiday list ({exc}); the kept list is unchanged."
            ) from None
        try:
            listed = workingdays.refresh(body)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        one_offs = sum(len(days) - workingdays.USUAL_PER_YEAR for days in listed.by_year.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Bank holidays for England and Wales {listed.first_year}–{listed.last_year} "
                f"kept in {workingdays.calendar_file()} ({sum(map(len, listed.by_year.values()))} "
                f"days, {one_offs} beyond the usual eight a year)."
            )
        )
