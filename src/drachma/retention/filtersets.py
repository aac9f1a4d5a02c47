"""The filter panels of the retention pages."""

import django_filters as filters
from django import forms

from drachma.retention import selectors
from drachma.retention.models import RetentionDecision, ReviewOutcome

# How far ahead the due list looks unless asked (days), and the furthest it may.
DEFAULT_HORIZON = 30
MAX_HORIZON = 3650


def record_types() -> list[tuple[str, str]]:
    """The record types that carry a review date: ("people.person", "People")."""
    return [
        (m._meta.label_lower, str(m._meta.verbose_name_plural).capitalize())
        for m in selectors.reviewable_models()
    ]


class DueFilterSet(filters.FilterSet):
    """The due list's panel: its form only, since the records due come from several tables
    (``selectors.due_for_review``), not from one queryset."""

    days = filters.NumberFilter(
        label="Due within (days)",
        method="unused",
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_HORIZON}),
    )
    kind = filters.ChoiceFilter(label="Record type", choices=(), method="unused")

    class Meta:
        model = RetentionDecision
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when the page is asked for (the models are loaded by then), as a list.
        self.filters["kind"].extra["choices"] = record_types()

    def unused(self, queryset, name, value):
        return queryset

    def horizon(self) -> int:
        """The days asked for, within 0 to ten years; the default when not asked or refused."""
        if not self.is_valid() or self.form.cleaned_data.get("days") is None:
            return DEFAULT_HORIZON
        return max(0, min(int(self.form.cleaned_data["days"]), MAX_HORIZON))

    def chosen_kind(self) -> str | None:
        return (self.form.cleaned_data.get("kind") or None) if self.is_valid() else None


class DecisionFilterSet(filters.FilterSet):
    outcome = filters.ChoiceFilter(choices=ReviewOutcome.choices)
    kind = filters.ChoiceFilter(choices=(), label="Record type", method="of_kind")

    class Meta:
        model = RetentionDecision
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kind"].extra["choices"] = record_types()

    def of_kind(self, queryset, name, value):
        app_label, _, model = value.partition(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)
