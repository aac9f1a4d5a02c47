"""API tokens at the API's door: ``drachma.core.apitools.Allow`` asks ``token_user`` (found
through the registry) who a bearer token stands for."""

from django.utils import timezone
from ninja.errors import HttpError

from drachma.accounts.middleware import second_factor_required
from drachma.accounts.models import APIToken


def token_user(request, token: str):
    """The active user whose usable token this is, or None. A token cannot pass TOTP, so a
    user whose role needs a second factor is refused (403) unless the token was issued from a
    session that had passed it (and it then expires: ``DRACHMA_TOKEN_DAYS``)."""
    row = APIToken.objects.select_related("user").filter(key_hash=APIToken.hash_key(token)).first()
    if row is None or not row.is_usable or not row.user.is_active:
        return None
    if second_factor_required(row.user) and not row.second_factor:
        # Issued before the user's role needed a second factor: refuse it.
        raise HttpError(
            403,
            "Your role must use a second factor and this token was issued without it: "
            "issue a new one from a signed-in session.",
        )
    APIToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user
