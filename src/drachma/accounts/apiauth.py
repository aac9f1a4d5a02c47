"""Authentication and permission checks for the API, by session or by API token.

Every operation names what it needs: ``auth=Allow("incidents.view_incident")``; the API's
default (``Undeclared``) refuses an operation that names nothing.
"""

from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from drachma.accounts.middleware import second_factor_required
from drachma.accounts.models import APIToken


class Allow(HttpBearer):
    """Authentication and permission check for one API operation, before its input is read.

    ``@router.get("/incidents", auth=Allow("incidents.view_incident"))``. The caller is
    identified by ``Authorization: Bearer drt_…`` (a token issued on the account page) or by
    the browser session (with Django's CSRF check on unsafe methods). Unauthenticated: 401.
    Authenticated without the permissions: 403, or 404 with ``hide=True`` (an operation on
    one record), so that a role that may not see a record cannot learn it exists.
    """

    def __init__(self, *perms: str, hide: bool = False) -> None:
        super().__init__()
        self.perms = perms
        self.hide = hide

    def __call__(self, request):
        user = self._identify(request)
        if user is None:
            return None
        if not user.has_perms(self.perms):
            if self.hide:
                raise HttpError(404, "Not found.")
            raise HttpError(403, "Your role does not allow this.")
        return user

    def _identify(self, request):
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            return self.authenticate(request, header[7:].strip())
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in ("GET", "HEAD", "OPTIONS") and check_csrf(request):
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
        return user

    def authenticate(self, request, token: str):
        row = (
            APIToken.objects.select_related("user")
            .filter(key_hash=APIToken.hash_key(token))
            .first()
        )
        if row is None or not row.is_usable or not row.user.is_active:
            return None
        if second_factor_required(row.user):
            # Issued before the user gained a role that needs a second factor: refuse it.
            raise HttpError(403, "Your role must use a second factor; API tokens are refused.")
        APIToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


class Undeclared(Allow):
    """The API's default: an operation that names no permissions is refused to everyone."""

    def __init__(self) -> None:
        super().__init__("UNDECLARED")

    def __call__(self, request):
        if self._identify(request) is None:
            return None
        raise HttpError(403, "This operation declares no access rule.")
