"""One form renderer for the whole project: every Django form (and django-filter's forms) is
drawn as GOV.UK Design System form groups.

``settings.FORM_RENDERER`` names ``GovukFormRenderer``. It loads templates through the project's
template engine (so ``templates/django/forms/widgets/`` overrides Django's radio, checkbox and
file widget templates), renders ``{{ form }}`` with ``forms/form.html`` and each field with
``forms/field.html`` (label, hint from ``help_text``, the error beside the field,
``govuk-form-group--error``), and gives every field a ``GovukBoundField``, which puts the GOV.UK
class on each widget (``govuk-input``, ``govuk-select``, ``govuk-textarea``...) and its error
variant when the field has errors. Django itself sets ``aria-describedby`` (``<id>_helptext``
and ``<id>_error``) and ``aria-invalid``; the templates give the hint and the error those ids.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import widgets
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

# (widget class, its GOV.UK classes, the class added when the field has errors). The first
# match wins, so subclasses come before their bases.
WIDGET_CLASSES: list[tuple[type[forms.Widget], str, str]] = [
    (forms.CheckboxSelectMultiple, "govuk-checkboxes__input", ""),
    (forms.RadioSelect, "govuk-radios__input", ""),
    (forms.CheckboxInput, "govuk-checkboxes__input", ""),
    (forms.Textarea, "govuk-textarea", "govuk-textarea--error"),
    (forms.SelectMultiple, "govuk-select drachma-select--multiple", "govuk-select--error"),
    (forms.Select, "govuk-select", "govuk-select--error"),
    (forms.FileInput, "govuk-file-upload", "govuk-file-upload--error"),
    (forms.DateTimeInput, "govuk-input govuk-input--width-20", "govuk-input--error"),
    (forms.DateInput, "govuk-input govuk-input--width-10", "govuk-input--error"),
    (forms.TimeInput, "govuk-input govuk-input--width-5", "govuk-input--error"),
    (forms.NumberInput, "govuk-input govuk-input--width-10", "govuk-input--error"),
    (forms.MultiWidget, "govuk-input govuk-input--width-10", "govuk-input--error"),
    (forms.HiddenInput, "", ""),
    (widgets.Input, "govuk-input", "govuk-input--error"),
]


# GOV.UK's width modifiers: a form that sets one on a widget overrides the default.
WIDTH_CLASSES = ("govuk-input--width-", "govuk-!-width-")


def widget_classes(widget: forms.Widget, *, has_errors: bool) -> str:
    """The GOV.UK classes for ``widget`` (with its error class when ``has_errors``)."""
    for widget_class, classes, error_class in WIDGET_CLASSES:
        if isinstance(widget, widget_class):
            return f"{classes} {error_class}".strip() if has_errors and error_class else classes
    return ""


class GovukBoundField(BoundField):
    """A bound field whose widget carries the GOV.UK classes, and whose template knows whether
    to mark the label "(optional)"."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        classes = widget_classes(widget, has_errors=bool(self.errors))
        if classes:
            own = str(attrs.get("class") or widget.attrs.get("class") or "").split()
            ours = classes.split()
            if any(c.startswith(WIDTH_CLASSES) for c in own):
                # A width the form chose replaces the default one.
                ours = [c for c in ours if not c.startswith(WIDTH_CLASSES)]
            # The widget's own classes (set by the form) stay, after the GOV.UK ones.
            attrs["class"] = " ".join(dict.fromkeys([*ours, *own]))
        return attrs

    @property
    def optional(self) -> bool:
        """GOV.UK marks the optional questions, not the required ones; a single checkbox and
        every filter (a form whose ``optional_labels`` is False) are optional by nature."""
        return (
            not self.field.required
            and not isinstance(self.field.widget, forms.CheckboxInput)
            and getattr(self.form, "optional_labels", True)
        )

    @property
    def error_target(self) -> str:
        """The id the error summary links to: the input itself, or the first of a group."""
        if not self.auto_id:
            return ""
        if self.use_fieldset or isinstance(self.field.widget, forms.MultiWidget):
            return f"{self.auto_id}_0"
        return self.id_for_label or self.auto_id


class GovukFormRenderer(TemplatesSetting):
    """``settings.FORM_RENDERER``: GOV.UK form groups for every form."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    formset_template_name = "django/forms/formsets/div.html"
    bound_field_class = GovukBoundField
