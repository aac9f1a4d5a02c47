"""Filters over groups and intelligence entries, used by the API."""

import django_filters as filters
from django.db.models import Q

from drachma.areas.models import Borough
from drachma.core.choices import Platform
from drachma.intelligence.models import (
    Group,
    GroupStatus,
    HandlingCode,
    IntelligenceAssessment,
    IntelligenceEntry,
    IntelligenceStatus,
    SourceEvaluation,
    SourceType,
)


class PeriodCheck:
    """Refuses a period that ends before it starts, naming the end field."""

    period: tuple[str, str] = ("", "")

    def is_valid(self):
        valid = super().is_valid()
        start, end = self.period
        data = getattr(self.form, "cleaned_data", {})
        if valid and data.get(start) and data.get(end) and data[start] > data[end]:
            self.form.add_error(end, "The period ends before it starts.")
            return False
        return valid


class GroupFilterSet(filters.FilterSet):
    q = filters.CharFilter(label="Name, alias or handle", method="filter_search")
    status = filters.ChoiceFilter(choices=GroupStatus.choices)
    borough = filters.ModelChoiceFilter(
        queryset=Borough.objects.all(),
        to_field_name="code",
        field_name="home_borough",
        label="Home borough",
    )
    platform = filters.ChoiceFilter(
        choices=Platform.choices, field_name="accounts__platform", distinct=True
    )

    class Meta:
        model = Group
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(aliases__name__icontains=value)
            | Q(accounts__handle__icontains=value)
        ).distinct()


class IntelligenceEntryFilterSet(PeriodCheck, filters.FilterSet):
    period = ("learned_from", "learned_to")

    learned_from = filters.DateFilter(field_name="learned_at", lookup_expr="date__gte")
    learned_to = filters.DateFilter(field_name="learned_at", lookup_expr="date__lte")
    group = filters.ModelChoiceFilter(queryset=Group.objects.all())
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
        field_name="incidents__reference", lookup_expr="iexact", distinct=True
    )

    class Meta:
        model = IntelligenceEntry
        fields: list[str] = []
