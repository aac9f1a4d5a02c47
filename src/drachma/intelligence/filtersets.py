"""Filters over intelligence entries: the one definition used by the list page and the API."""

import django_filters as filters
from django import forms

from drachma.areas.models import Borough
from drachma.core.widgets import Autocomplete
from drachma.groups.models import Group
from drachma.intelligence.models import (
    HandlingCode,
    IntelligenceAssessment,
    IntelligenceEntry,
    IntelligenceStatus,
    SourceEvaluation,
    SourceType,
)


class PeriodCheck(filters.FilterSet):
    """Refuses a period that ends before it starts, naming the end field."""

    period: tuple[str, str] = ("", "")

    def is_valid(self) -> bool:
        valid = super().is_valid()
        start, end = self.period
        data = getattr(self.form, "cleaned_data", {})
        if valid and data.get(start) and data.get(end) and data[start] > data[end]:
            self.form.add_error(end, "The period ends before it starts.")
            return False
        return valid


class IntelligenceEntryFilterSet(PeriodCheck):
    period = ("learned_from", "learned_to")

    learned_from = filters.DateFilter(
        field_name="learned_at",
        lookup_expr="date__gte",
        label="Learned from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    learned_to = filters.DateFilter(
        field_name="learned_at",
        lookup_expr="date__lte",
        label="Learned to",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    group = filters.ModelChoiceFilter(queryset=Group.objects.all(), widget=Autocomplete())
    borough = filters.ModelChoiceFilter(
        queryset=Borough.objects.all(),
        to_field_name="code",
        field_name="group__home_borough",
        label="Group's home borough",
    )
    source = filters.ChoiceFilter(choices=SourceType.choices, field_name="source_type")
    status = filters.ChoiceFilter(choices=IntelligenceStatus.choices)
    source_evaluation = filters.ChoiceFilter(choices=SourceEvaluation.choices)
    intelligence_assessment = filters.ChoiceFilter(choices=IntelligenceAssessment.choices)
    handling_code = filters.ChoiceFilter(choices=HandlingCode.choices)
    incident = filters.CharFilter(
        field_name="incidents__reference",
        lookup_expr="iexact",
        distinct=True,
        label="Incident reference",
    )

    class Meta:
        model = IntelligenceEntry
        fields: list[str] = []
