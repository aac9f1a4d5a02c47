from django.core.management.base import BaseCommand, CommandError

from drachma.audit.services import verify_chain


class Command(BaseCommand):
    help = "Walk the audit log's hash chain and name the first broken entry."

    def handle(self, *args, **options):
        checked, problem = verify_chain()
        if problem is not None:
            raise CommandError(
                f"Audit chain broken at {problem}. {checked} entries before it are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} entries verified."))
