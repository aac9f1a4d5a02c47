import sys

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Export a bank as a hash list for another system: HMA bank content JSON, ThreatExchange "
        "dataset CSV or signal file, or plain CSV. The force's own bank gives each capture's "
        "reference PDQ hash (EXIF orientation not applied) or vPDQ frames, and its MD5."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bank", help="The bank (default: the force's default bank)")
        parser.add_argument("--format", default="hma", choices=["hma", "te_csv", "te_file", "csv"])
        parser.add_argument("--output", "-o", help="File to write (default: standard output)")

    def handle(self, *args, bank, format, output, **options):
        from drachma.takedown import services
        from drachma.takedown.models import MatchBank

        if bank:
            found = MatchBank.objects.filter(name=bank).first()
            if found is None:
                raise CommandError(f"There is no bank {bank!r}.")
        else:
            found = services.default_bank()
        try:
            data = services.export_hash_list(found, user=None, format=format)
        except OSError as exc:
            raise CommandError(f"A stored capture could not be read: {exc}") from None
        if output:
            with open(output, "wb") as f:
                f.write(data)
        else:
            sys.stdout.buffer.write(data)
