"""Telling the user, on the next page, why what they sent was refused."""

from django.contrib import messages
from django.core.exceptions import ValidationError


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
