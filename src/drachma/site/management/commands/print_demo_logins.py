from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from drachma.accounts.services import totp_secret_base32
from drachma.core.seeding import DEMO_PASSWORD
from drachma.site.devonly import require_development


class Command(BaseCommand):
    help = "Print the demo users, their roles, password and TOTP keys (every role uses one)."

    def handle(self, *args, **options):
        require_development("print_demo_logins")
        from drachma.accounts.demo import DEMO_USERS

        names = [row[0] for row in DEMO_USERS]
        users = (
            get_user_model()
            .objects.filter(username__in=names)
            .prefetch_related("groups")
            .order_by("pk")
        )
        self.stdout.write(
            f"\nDemo logins at http://127.0.0.1:8000/ (password for all: {DEMO_PASSWORD})"
        )
        for user in users:
            roles = ", ".join(g.name for g in user.groups.all())
            self.stdout.write(f"  {user.username:<14} {roles}")
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is not None:
                totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
                self.stdout.write(
                    f"  {'':<14} second factor: TOTP key {totp_secret_base32(device)} "
                    f"(code now: {totp.token():06d}; `python manage.py demo_totp "
                    f"{user.username}` prints a fresh one)"
                )
        self.stdout.write("")
