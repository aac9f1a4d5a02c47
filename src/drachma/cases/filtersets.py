"""The filter panel of the case list."""

import django_filters as filters
from django import forms

from drachma.cases.models import Case, Stage


class CaseFilterSet(filters.FilterSet):
    q = filters.CharFilter(label="URN or defendant's family name", method="by_text")
    stage = filters.ChoiceFilter(choices=Stage.choices, method="by_stage")
    mine = filters.BooleanFilter(label="My cases", method="by_officer", widget=forms.CheckboxInput)

    class Meta:
        model = Case
        fields: list[str] = []

    def by_text(self, queryset, name, value):
        from drachma.cases.selectors import search

        return search(queryset, value)

    def by_stage(self, queryset, name, value):
        # The stage is read from the charges (Case.stage), not stored.
        ids = [c.pk for c in queryset if c.stage == value]
        return queryset.filter(pk__in=ids)

    def by_officer(self, queryset, name, value):
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        return queryset.filter(officer_in_case=user) | queryset.filter(disclosure_officer=user)
