"""Nothing a signed-in user sees is kept by a browser's or a proxy's cache: pages and API answers
carry people's records, and a shared machine's cache (or the back button after sign-out) must
not show them to the next person."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class PrivateResponsesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # A view that chose its own caching (a download, the public receipt) keeps it.
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response
