from datetime import timedelta
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
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
    if value and value > timezone.now() + timedelta(minutes=1):
        raise ValidationError("This time is in the future.", code="future")


def text_length_errors(instance: models.Model) -> dict[str, str]:
    """Django enforces a TextField's max_length only in forms; services and the API call
    full_clean, so the limit is checked here too (an oversize text is refused at every door)."""
    errors = {}
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.TextField) and field.max_length:
            value = getattr(instance, field.attname)
            if isinstance(value, str) and len(value) > field.max_length:
                errors[field.name] = (
                    f"Ensure this value has at most {field.max_length} characters (it has "
                    f"{len(value)})."
                )
    return errors
