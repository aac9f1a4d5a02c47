"""The one definition of the work queue's filters, used by the page and the API."""

import django_filters as filters
from django import forms
from django.utils import timezone

from drachma.safeguarding import selectors
from drachma.safeguarding.models import ACTIVE, ActionKind, ActionStatus, Grade, SafeguardingAction

ACTIVE_KEY = "active"
STATES = [(ACTIVE_KEY, "Open or in progress"), *ActionStatus.choices, ("all", "All")]
SCOPES = [("mine", "Mine"), ("team", "My team's"), ("all", "Everyone's")]


class ActionFilterSet(filters.FilterSet):
    scope = filters.ChoiceFilter(
        choices=SCOPES, method="filter_scope", empty_label=None, label="Whose"
    )
    status = filters.ChoiceFilter(choices=STATES, method="filter_status", empty_label=None)
    overdue = filters.BooleanFilter(
        method="filter_overdue", widget=forms.CheckboxInput, label="Overdue only"
    )
    grade = filters.ChoiceFilter(choices=Grade.choices)
    kind = filters.ChoiceFilter(choices=ActionKind.choices, label="Type")
    incident = filters.CharFilter(
        field_name="incident__reference", lookup_expr="iexact", label="Incident"
    )
    owner = filters.CharFilter(
        field_name="owner__username", lookup_expr="iexact", label="Owner (username)"
    )

    class Meta:
        model = SafeguardingAction
        fields: list[str] = []

    def __init__(self, data=None, *args, user=None, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("scope", "team")
        data.setdefault("status", ACTIVE_KEY)
        self.user = user
        super().__init__(data, *args, **kwargs)

    def filter_scope(self, queryset, name, value):
        if value == "mine" and self.user:
            return queryset.filter(owner=self.user)
        if value == "team" and self.user:
            return queryset.filter(owner_id__in=selectors.team_of(self.user))
        return queryset

    def filter_status(self, queryset, name, value):
        if value == ACTIVE_KEY:
            return queryset.filter(status__in=ACTIVE)
        if value == "all":
            return queryset
        return queryset.filter(status=value)

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.filter(status__in=ACTIVE, due_at__lt=timezone.now())
        return queryset
