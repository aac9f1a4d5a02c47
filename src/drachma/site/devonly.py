"""Demo commands run only on the development settings: the demo users have known passwords
(and the administrator a published TOTP key), which must never reach a force's database."""

from django.conf import settings
from django.core.management.base import CommandError


def require_development(command: str) -> None:
    if not getattr(settings, "DEVELOPMENT", False):
        raise CommandError(
            f"{command} loads or shows the demo users, whose passwords are published: it runs "
            "only on the development settings (DRACHMA_ENV=development)."
        )
