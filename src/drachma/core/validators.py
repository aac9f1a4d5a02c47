from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

_url = URLValidator(schemes=["http", "https"])


def validate_http_url(value: str) -> None:
    """Only http(s) links: a javascript:, data: or file: URL is refused."""
    scheme = urlsplit(value).scheme.lower()
    if scheme not in {"http", "https"}:
        raise ValidationError(
            "Enter a web address starting with http:// or https://.", code="scheme"
        )
    _url(value)


def validate_not_future(value) -> None:
    # A minute's grace for clocks between the user's device and the server.
    if value and value > timezone.now() + timezone.timedelta(minutes=1):
        raise ValidationError("This time is in the future.", code="future")
