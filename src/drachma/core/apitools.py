"""The REST API's shared parts: authentication, permission checks, errors, the app routers.

API tokens are the accounts app's: a bearer token is turned into its user by each app's
``apiauth.token_user(request, token)`` (the accounts app defines it), found through
``drachma.core.registry``, so that core never imports accounts."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from drachma.core.registry import app_hooks, app_modules, app_of


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
        for token_user in app_hooks("apiauth", "token_user"):
            user = token_user(request, token)
            if user is not None:
                request.user = user
                return user
        return None


class Undeclared(Allow):
    """The API's default: an operation that names no permissions is refused to everyone."""

    def __init__(self) -> None:
        super().__init__("UNDECLARED")

    def __call__(self, request):
        if self._identify(request) is None:
            return None
        raise HttpError(403, "This operation declares no access rule.")


def _field_errors(exc: DjangoValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": "__all__" if field == "__all__" else field, "message": message}
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
    return [{"field": "__all__", "message": m} for m in exc.messages]


def filtered(filterset_class, filters: Schema, queryset):
    """Apply a django-filter set to the query parameters, naming any value it refuses."""
    params = {k: v for k, v in filters.dict().items() if v is not None}
    filterset = filterset_class(params, queryset=queryset)
    if not filterset.is_valid():
        raise DjangoValidationError({k: " ".join(v) for k, v in filterset.errors.items()})
    return filterset.qs


def app_routers() -> list[tuple[str, Router, list[str]]]:
    """Each app's ``api.router``, with the prefix it is mounted at (``/<app label>/``, under
    ``/api``) and its OpenAPI tag, in settings order."""
    mounts = []
    for module in app_modules("api"):
        config = app_of(module)
        mounts.append((f"/{config.label}/", module.router, [str(config.verbose_name).capitalize()]))
    return mounts


def build_api() -> NinjaAPI:
    api = NinjaAPI(
        title="Drachma API",
        version="1",
        description=(
            "Incidents, groups, intelligence, people, safeguarding, takedown, evidence, "
            "referrals and statistics. Authenticate with a session or a bearer token. "
            'Errors are JSON: {"errors": [{"field", "message"}]}. A record your role '
            "may not see answers 404."
        ),
        auth=Undeclared(),
        urls_namespace="api",
        openapi_url="/openapi.json",
        docs_url="/docs",
    )

    @api.exception_handler(DjangoValidationError)
    def django_validation(request, exc):
        return api.create_response(request, {"errors": _field_errors(exc)}, status=422)

    @api.exception_handler(NinjaValidationError)
    def ninja_validation(request, exc):
        errors = []
        for err in exc.errors:
            loc = [
                str(p)
                for p in err.get("loc", [])
                if p not in ("body", "query", "path", "payload", "filters")
            ]
            errors.append(
                {"field": ".".join(loc) or "__all__", "message": err.get("msg", "Invalid value.")}
            )
        return api.create_response(request, {"errors": errors}, status=422)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(
            request, {"errors": [{"field": "__all__", "message": "Not found."}]}, status=404
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        return api.create_response(
            request, {"errors": [{"field": "__all__", "message": str(exc)}]}, status=exc.status_code
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(
            request,
            {"errors": [{"field": "__all__", "message": "Authentication required."}]},
            status=401,
        )

    return api
