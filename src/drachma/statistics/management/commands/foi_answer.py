from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from drachma.statistics import exports, foi, reports
from drachma.statistics.selectors import AreaFilter, Period


class Command(BaseCommand):
    help = (
        "Produce a Freedom of Information answer (small-number rule applied) as text, CSV, XLSX "
        "or PDF."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="First day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="Last day, YYYY-MM-DD")
        parser.add_argument(
            "--by", action="append", help="Breakdown (repeatable): area, year, source, kind, …"
        )
        parser.add_argument(
            "--area", action="append", help="Limit to an area: ONS code, district:<id> or outside"
        )
        parser.add_argument("--format", choices=["text", "csv", "xlsx", "pdf"], default="text")
        parser.add_argument("--output", "-o", help="File to write (required for xlsx and pdf)")

    def handle(self, *args, start, end, by, area, format, output, **options):
        try:
            period = Period.of(start, end)
            answer = foi.foi_answer(period, by=by or ["area"], areas=AreaFilter.parse(area))
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from None
        if format in ("xlsx", "pdf"):
            if not output:
                raise CommandError(f"--format {format} is a binary file: give --output FILE")
            data = exports.foi_xlsx(answer) if format == "xlsx" else reports.foi_pdf(answer)
            try:
                with open(output, "wb") as f:
                    f.write(data)
            except OSError as exc:
                raise CommandError(f"Cannot write {output}: {exc.strerror}") from None
            self.stderr.write(f"Wrote {output}")
            return
        text = foi.as_csv(answer) if format == "csv" else "\n".join(answer.headline()) + "\n"
        if output:
            with open(output, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        else:
            self.stdout.write(text, ending="")
