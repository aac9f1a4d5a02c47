"""What a caller gets when a request fails at the door or on the server.

* Text no field may hold (a NUL character: PostgreSQL refuses it, and no form or API field has
  a use for it) is refused before any view runs: 422 JSON naming the field for the API, a 400
  page naming it for pages. So is a JSON body nested beyond any real one (the parser would
  run out of stack).
* An unexpected exception: API clients get JSON (500, with the request id that the audit log
  and the server log carry), never Django's HTML page.
* The database unavailable (an ``OperationalError``/``InterfaceError``): 503 with
  ``Retry-After``, JSON for the API, and for pages a page that says nothing sent was received
  and gives 101 and 999 (someone reporting a danger must not be left with a bare error).

``ErrorsMiddleware`` turns a view's exception into these answers (whatever ``DEBUG`` says);
``server_error`` is the URLconf's ``handler500`` for failures outside views (middleware).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger("drachma.errors")

API_PREFIX = "/api/"
# Seconds a client should wait before retrying while the database is unavailable.
RETRY_AFTER = 30
# Far deeper than any body the API accepts; a deeper one is refused before it is parsed.
MAX_JSON_DEPTH = 64


def request_id(request: HttpRequest) -> str:
    """The id the audit log gives this request (set by the audit app's middleware)."""
    return getattr(request, "request_id", "")


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _errors(field: str, message: str, status: int, **extra: Any) -> JsonResponse:
    return JsonResponse({"errors": [{"field": field, "message": message}], **extra}, status=status)


def database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def error_response(request: HttpRequest, exc: BaseException | None) -> HttpResponse:
    """The answer to a request that failed with ``exc`` (already logged by the caller)."""
    rid = request_id(request)
    if database_unavailable(exc):
        if is_api(request):
            response: HttpResponse = _errors(
                "__all__",
                "The database is unavailable; nothing was saved. Try again shortly.",
                503,
                request_id=rid,
            )
        else:
            # Rendered without the request: the context processors would ask the database.
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    if is_api(request):
        return _errors(
            "__all__",
            "Internal error; nothing was saved. Quote the request id when reporting it.",
            500,
            request_id=rid,
        )
    return HttpResponse(render_to_string("500.html", {"request_id": rid}), status=500)


class ErrorsMiddleware:
    """Refuses text no field may hold before any view, and answers a view's unexpected
    exception as described above. Placed after the session and authentication middleware,
    so that a refused request has touched no data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = refuse_bad_text(request)
        if refusal is not None:
            return refusal
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not (is_api(request) or database_unavailable(exc)):
            return None  # pages: Django's handling (the debug page in development, else 500.html)
        logger.error(
            "%s %s failed (request %s)",
            request.method,
            request.path,
            request_id(request),
            exc_info=exc,
        )
        return error_response(request, exc)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: Django calls it while handling the exception (already logged)."""
    return error_response(request, sys.exc_info()[1])


# --- refusing text no field may hold -----------------------------------------------------

NUL = "\x00"
NUL_MESSAGE = "Contains a NUL character (\\0), which no text here may hold."


def _nul_fields(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, str):
        if NUL in value:
            yield path or "__all__"
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                yield name
            yield from _nul_fields(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_fields(item, f"{path}.{index}" if path else str(index))


def json_depth(text: str) -> int:
    """How deeply the brackets of a JSON text nest (strings' contents ignored), counted
    without parsing it, so that a hostile depth cannot exhaust the parser's stack."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _refusal(request: HttpRequest, field: str, message: str) -> HttpResponse:
    if is_api(request):
        return _errors(field, message, 422)
    html = render_to_string("400.html", {"field": field, "message": message})
    return HttpResponse(html, status=400)


def refuse_bad_text(request: HttpRequest) -> HttpResponse | None:
    """A refusal naming the first field that holds a NUL character (query string, form or
    JSON body; uploaded files are data, not text, and are left to their readers), or a JSON
    body nested too deeply; None when the request may go on."""
    for name, values in request.GET.lists():
        if NUL in name or any(NUL in v for v in values):
            return _refusal(request, name, NUL_MESSAGE)
    content_type = request.content_type or ""
    if request.method in ("GET", "HEAD", "OPTIONS") or content_type.startswith("multipart/"):
        return None
    if content_type == "application/x-www-form-urlencoded":
        for name, values in request.POST.lists():
            if NUL in name or any(NUL in v for v in values):
                return _refusal(request, name, NUL_MESSAGE)
        return None
    if content_type.endswith("json"):
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            return None  # the API's parser answers a body that is not JSON
        if json_depth(text) > MAX_JSON_DEPTH:
            return _refusal(request, "__all__", f"JSON nested deeper than {MAX_JSON_DEPTH}.")
        try:
            body = json.loads(text)
        except ValueError:
            return None
        for field in _nul_fields(body, ""):
            return _refusal(request, field, NUL_MESSAGE)
    return None
