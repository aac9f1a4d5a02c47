from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from drachma.site.devonly import require_development


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo user (demo data only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        require_development("demo_totp")
        from drachma.accounts.demo import DEMO_USERS

        if username not in {row[0] for row in DEMO_USERS}:
            raise CommandError(f"{username!r} is not a demo user.")
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"No demo user {username!r} with a TOTP device.")
        self.stdout.write(
            f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
        )
