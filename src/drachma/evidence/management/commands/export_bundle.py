"""manage.py export_bundle INCIDENT_REFERENCE OUT.zip: the prosecutor's bundle for an incident."""

from django.core.management.base import BaseCommand, CommandError

from drachma.evidence.bundle import BundleError, write_bundle
from drachma.incidents.models import Incident


class Command(BaseCommand):
    help = (
        "Write the prosecutor's bundle for an incident: exhibits, manifest, continuity statements, "
        "conversations with quality reports, disclosure schedules, publication log, CASE/UCO "
        "JSON-LD."
    )

    def add_arguments(self, parser):
        parser.add_argument("reference", help="the incident's reference, e.g. DR-2026-00012")
        parser.add_argument("out", help="the .zip file to write")

    def handle(self, *args, **options):
        reference = options["reference"].strip()
        incident = Incident.objects.filter(reference=reference).first()
        if incident is None:
            raise CommandError(f"No incident with reference {reference!r}.")
        try:
            result = write_bundle(incident, options["out"])
        except BundleError as exc:
            raise CommandError(str(exc)) from None
        exhibits = sum(1 for meta in result.files.values() if "exhibit" in meta)
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {result.path}: {exhibits} exhibit(s), {len(result.files) + 2} files in all."
            )
        )
