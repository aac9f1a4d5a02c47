"""Files a page hands to the browser to save rather than show."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def attachment(content: bytes | str, *, filename: str, content_type: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
