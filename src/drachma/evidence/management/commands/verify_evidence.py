from django.core.management.base import BaseCommand, CommandError

from drachma.evidence.models import StoredFile
from drachma.evidence.store import get_store


class Command(BaseCommand):
    help = "Re-hash every stored evidence file and report any that changed or went missing."

    def handle(self, *args, **options):
        store = get_store()
        problems = []
        checked = 0
        for stored in StoredFile.objects.order_by("pk").iterator():
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
        for line in problems:
            self.stdout.write(line)
        if problems:
            raise CommandError(f"{len(problems)} of {checked} stored files failed verification.")
        self.stdout.write(self.style.SUCCESS(f"All {checked} stored files verified."))
