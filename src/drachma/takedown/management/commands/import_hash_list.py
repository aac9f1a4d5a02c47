from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Import a hash list (HMA bank content JSON, ThreatExchange dataset CSV or signal file, "
        "plain CSV) into a bank of its own, keeping its source. Every row is checked first: a "
        "file with any bad row is refused naming each one, and nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--bank", required=True, help="The bank (made on first import)")
        parser.add_argument("--source", required=True, help="Who sent the list")
        parser.add_argument(
            "--format", default="auto", choices=["auto", "hma", "te_csv", "te_file", "csv"]
        )
        parser.add_argument("--user", help="Username of the officer importing it")
        parser.add_argument("--match-distance", type=int, default=None)

    def handle(self, *args, file, bank, source, format, user, match_distance, **options):
        from drachma.takedown.services import MAX_HASH_LIST_BYTES, import_hash_list

        path = Path(file)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        if size > MAX_HASH_LIST_BYTES:
            raise CommandError(f"{file}: {size:,} bytes; the limit is {MAX_HASH_LIST_BYTES:,}.")
        officer = None
        if user:
            officer = get_user_model().objects.filter(username=user).first()
            if officer is None:
                raise CommandError(f"There is no user {user!r}.")
        try:
            record = import_hash_list(
                path.read_bytes(),
                user=officer,
                file_name=path.name,
                source=source,
                bank_name=bank,
                format=format,
                match_distance=match_distance,
            )
        except ValidationError as exc:
            raise CommandError(f"{file}: " + " ".join(exc.messages)) from None
        self.stdout.write(
            f"Imported {record.signal_count:,} signals ({record.get_format_display()}) from "
            f"{record.source} into {record.bank.name}."
        )
