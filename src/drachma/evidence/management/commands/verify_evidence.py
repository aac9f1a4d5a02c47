import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from drachma.evidence.models import StoredFile
from drachma.evidence.store import get_store


class Command(BaseCommand):
    help = (
        "Re-hash every stored evidence file and report any that changed or went missing, and "
        "any file in the store that no record names (an upload whose database write failed)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--remove-unrecorded",
            action="store_true",
            help="Remove files that no record names, once older than --grace-minutes.",
        )
        parser.add_argument(
            "--grace-minutes",
            type=int,
            default=60,
            help="Files younger than this may belong to an upload still in progress: they are "
            "reported but never removed (default 60).",
        )

    def handle(self, *args, remove_unrecorded=False, grace_minutes=60, **options):
        if grace_minutes < 0:
            raise CommandError("--grace-minutes cannot be negative.")
        store = get_store()
        problems = []
        checked = 0
        removed_on_purpose = 0
        for stored in StoredFile.objects.order_by("pk").iterator():
            if stored.removed_at is not None:
                # Disposed of through the custody chain: gone on purpose, and expected gone.
                removed_on_purpose += 1
                if store.exists(stored.sha256):
                    problems.append(
                        f"NOT REMOVED  {stored.sha256}: recorded as removed "
                        f"{stored.removed_at:%Y-%m-%d %H:%M} UTC but still in the store"
                    )
                continue
            actual = store.rehash(stored.sha256)
            checked += 1
            if actual is None:
                problems.append(
                    f"MISSING  {stored.sha256} "
                    f"({', '.join(i.exhibit_ref for i in stored.items.all())})"
                )
            elif actual != stored.sha256:
                problems.append(
                    f"CHANGED  {stored.sha256} now hashes to {actual} "
                    f"({', '.join(i.exhibit_ref for i in stored.items.all())})"
                )
        # Read after the records: a file stored by an upload that commits meanwhile has its
        # record by now, or is younger than the grace period.
        recorded = set(StoredFile.objects.values_list("sha256", flat=True))
        cutoff = timezone.now() - datetime.timedelta(minutes=grace_minutes)
        removed = 0
        for sha256 in store.hashes():
            if sha256 in recorded:
                continue
            old_enough = store.stored_at(sha256) <= cutoff
            if remove_unrecorded and old_enough:
                store.remove(sha256)
                removed += 1
                self.stdout.write(f"REMOVED  {sha256} (no record named it)")
            else:
                problems.append(
                    f"UNRECORDED  {sha256}: no record names it (an upload whose database write "
                    "failed?)"
                    + (
                        ""
                        if old_enough
                        else "; stored in the last "
                        f"{grace_minutes} minutes, perhaps still being recorded"
                    )
                )
        for line in problems:
            self.stdout.write(line)
        if problems:
            raise CommandError(f"{len(problems)} problems in {checked} stored files.")
        self.stdout.write(
            self.style.SUCCESS(
                f"All {checked - removed_on_purpose} stored files verified."
                + (
                    f" {removed_on_purpose} removed by disposal, as recorded."
                    if removed_on_purpose
                    else ""
                )
                + (f" {removed} unrecorded files removed." if removed else "")
            )
        )
