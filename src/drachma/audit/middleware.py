from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from drachma.audit import purpose
from drachma.audit.context import acting_as, current
from drachma.core.errors import is_api


class AuditContextMiddleware:
    """Every audit entry written while a request is served names the request and its user,
    and the purpose of the task (``audit.purpose``): a purpose header that cannot be recorded
    is refused before any view, naming the header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_as(request=request):
            # Error answers quote it (drachma.core.errors), so a report can be matched to the log.
            request.request_id = current().request_id
            try:
                purpose.from_headers(request)
            except ValidationError as exc:
                return _refused(request, exc)
            return self.get_response(request)


def _refused(request, exc: ValidationError) -> HttpResponse:
    field, messages = next(iter(exc.message_dict.items()))
    message = " ".join(messages)
    if is_api(request):
        return JsonResponse({"errors": [{"field": field, "message": message}]}, status=422)
    html = render_to_string("400.html", {"field": field, "message": message})
    return HttpResponse(html, status=400)
