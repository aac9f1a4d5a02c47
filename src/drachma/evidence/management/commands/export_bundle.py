"""manage.py export_bundle REFERENCE OUT.zip: the prosecutor's bundle for a case (its URN, or an
incident that one case holds) or for an incident in no case."""

from django.core.management.base import BaseCommand, CommandError

from drachma.evidence.bundle import BundleError, resolve, write_bundle


class Command(BaseCommand):
    help = (
        "Write the prosecutor's bundle for an incident: exhibits, manifest, continuity statements, "
        "conversations with quality reports, disclosure schedules, publication log, CASE/UCO "
        "JSON-LD."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "reference",
            help="a case's URN (06AB1234526), or an incident's reference (DR-2026-00012)",
        )
        parser.add_argument("out", help="the .zip file to write")

    def handle(self, *args, **options):
        reference = options["reference"].strip()
        try:
            result = write_bundle(resolve(reference), options["out"])
        except BundleError as exc:
            raise CommandError(str(exc)) from None
        exhibits = sum(1 for meta in result.files.values() if "exhibit" in meta)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {result.path}: {exhibits} exhibit(s), {len(result.files) + 2} files in all."
            )
        )
