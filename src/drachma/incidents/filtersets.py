"""The one definition of incident filters, used by the list page and the API."""

import django_filters as filters
from django import forms

from drachma.areas.models import Borough, District, Ward
from drachma.core.widgets import Autocomplete
from drachma.groups.models import Group
from drachma.incidents import selectors
from drachma.incidents.models import Incident, IncidentKind, IncidentSource, IncidentStatus, Outcome


class IncidentFilterSet(filters.FilterSet):
    q = filters.CharFilter(label="Search", method="filter_search")
    occurred_from = filters.DateFilter(
        field_name="occurred_at",
        lookup_expr="date__gte",
        label="Occurred from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    occurred_to = filters.DateFilter(
        field_name="occurred_at",
        lookup_expr="date__lte",
        label="Occurred to",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    borough = filters.ModelChoiceFilter(
        queryset=Borough.objects.all(), to_field_name="code", label="Borough", widget=Autocomplete()
    )
    # The options carry their borough's code, the value the borough filter sends.
    ward = filters.ModelChoiceFilter(
        queryset=Ward.objects.select_related("borough"),
        to_field_name="code",
        label="Ward",
        widget=Autocomplete(narrowed_by="borough", narrowing=lambda ward: ward.borough.code),
    )
    district = filters.ModelChoiceFilter(
        queryset=District.objects.all(), field_name="ward__districts", label="District"
    )
    group = filters.ModelChoiceFilter(
        queryset=Group.objects.all(), field_name="groups", label="Group", widget=Autocomplete()
    )
    kind = filters.ChoiceFilter(choices=IncidentKind.choices)
    source = filters.ChoiceFilter(choices=IncidentSource.choices)
    status = filters.ChoiceFilter(choices=IncidentStatus.choices)
    outcome = filters.ChoiceFilter(choices=Outcome.choices)
    live_streamed = filters.BooleanFilter(widget=forms.NullBooleanSelect)
    # "Open" is every status but closed: what the dashboard counts and links to.
    open = filters.BooleanFilter(label="Open", method="filter_open", widget=forms.NullBooleanSelect)

    class Meta:
        model = Incident
        fields: list[str] = []

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        closed = queryset.filter(status=IncidentStatus.CLOSED)
        return queryset.exclude(status=IncidentStatus.CLOSED) if value else closed

    def filter_search(self, queryset, name, value):
        return selectors.search(queryset, value)

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        if (
            data.get("occurred_from")
            and data.get("occurred_to")
            and data["occurred_from"] > data["occurred_to"]
        ):
            return queryset.none()
        return super().filter_queryset(queryset)

    def is_valid(self):
        valid = super().is_valid()
        data = getattr(self.form, "cleaned_data", {})
        if (
            valid
            and data.get("occurred_from")
            and data.get("occurred_to")
            and data["occurred_from"] > data["occurred_to"]
        ):
            self.form.add_error("occurred_to", "The period ends before it starts.")
            return False
        return valid
