"""The one definition of footage filters, used by the pages and the API."""

import django_filters as filters
from django import forms
from django.utils import timezone

from drachma.core.widgets import Autocomplete
from drachma.groups.models import Group
from drachma.takedown import selectors
from drachma.takedown.models import FINISHED, ContentItem, Platform, TakedownRequest, TakedownState

NONE = "none"
OPEN = "open"
OVERDUE = "overdue"
STATES = [
    (OPEN, "Any open request"),
    (OVERDUE, "Past its deadline"),
    (NONE, "No open request"),
    *TakedownState.choices,
]


class ContentItemFilterSet(filters.FilterSet):
    q = filters.CharFilter(
        label="Search", method="filter_search", help_text="Reference, address, account or SHA-256"
    )
    platform = filters.ChoiceFilter(choices=Platform.choices)
    group = filters.ModelChoiceFilter(queryset=Group.objects.all(), widget=Autocomplete())
    state = filters.ChoiceFilter(choices=STATES, method="filter_state", label="Takedown")
    matched = filters.BooleanFilter(
        label="Matches earlier footage", method="filter_matched", widget=forms.CheckboxInput
    )

    class Meta:
        model = ContentItem
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        return selectors.search(queryset, value)

    def filter_state(self, queryset, name, value):
        live = TakedownRequest.objects.exclude(state__in=FINISHED)
        if value == OPEN:
            return queryset.filter(pk__in=live.values("content_item"))
        if value == OVERDUE:
            return queryset.filter(
                pk__in=live.filter(deadline__lt=timezone.now()).values("content_item")
            )
        if value == NONE:
            return queryset.exclude(pk__in=live.values("content_item"))
        return queryset.filter(requests__state=value).distinct()

    def filter_matched(self, queryset, name, value):
        return queryset.filter(matches__isnull=False).distinct() if value else queryset
