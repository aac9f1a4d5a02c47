from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from drachma.statistics import reports
from drachma.statistics.selectors import Period


class Command(BaseCommand):
    help = "Make the board report PDF for a period."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True)
        parser.add_argument("--to", dest="end", required=True)
        parser.add_argument("output", help="PDF file to write")

    def handle(self, *args, start, end, output, **options):
        try:
            period = Period.of(start, end)
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from None
        with open(output, "wb") as f:
            f.write(reports.board_report_pdf(period))
        self.stdout.write(self.style.SUCCESS(f"Wrote {output}"))
