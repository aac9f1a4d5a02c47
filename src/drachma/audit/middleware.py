from drachma.audit.context import acting_as, current


class AuditContextMiddleware:
    """Every audit entry written while a request is served names the request and its user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_as(request=request):
            # Error answers quote it (drachma.core.errors), so a report can be matched to the log.
            request.request_id = current().request_id
            return self.get_response(request)
