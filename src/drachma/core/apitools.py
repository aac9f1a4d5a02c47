"""The REST API's shared parts: the API object and its JSON errors.

Authentication and permission checks are the accounts app's (``drachma.accounts.apiauth``):
the API tokens live there."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError


def _field_errors(exc: DjangoValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": "__all__" if field == "__all__" else field, "message": message}
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
    return [{"field": "__all__", "message": m} for m in exc.messages]


def build_api(*, default_auth) -> NinjaAPI:
    """The API, with ``default_auth`` for operations that declare no ``auth``."""
    api = NinjaAPI(
        title="Drachma API",
        version="1",
        description=(
            "Incidents, groups, intelligence, people, safeguarding, takedown, evidence, "
            "referrals and statistics. Authenticate with a session or a bearer token. "
            'Errors are JSON: {"errors": [{"field", "message"}]}. A record your role '
            "may not see answers 404."
        ),
        auth=default_auth,
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
