"""Telling the user, on the next page, why what they sent was refused."""

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError

T = TypeVar("T")


def form_errors_text(form) -> str:
    """A form's errors as one line, each field's errors after its label."""
    parts = []
    for name, errors in form.errors.items():
        if name == "__all__":
            parts.append(" ".join(errors))
        else:
            label = form[name].label if name in form.fields else name
            parts.append(f"{label}: {' '.join(errors)}")
    return "; ".join(parts)


def flash_form_errors(request, form) -> None:
    messages.error(request, form_errors_text(form))


def flash_validation_error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def submit_form(
    request, form, action: Callable[[dict], T], success: str | Callable[[T], str]
) -> T | None:
    """Run ``action(form.cleaned_data)`` for a valid form and say how it went on the next page.

    Returns what the action returned, or None when the form or the service refused the input
    (the reason is flashed, and the service has saved nothing).
    """
    if not form.is_valid():
        flash_form_errors(request, form)
        return None
    try:
        result = action(form.cleaned_data)
    except ValidationError as exc:
        flash_validation_error(request, exc)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result
