"""The filter panel of the people list (the search itself is ``selectors.people_for``, which
records the view with the words searched for)."""

import django_filters as filters

from drachma.people.models import Person


class PersonFilterSet(filters.FilterSet):
    # The panel's form only: the view passes the cleaned text to the selector.
    q = filters.CharFilter(label="Name", method="by_name")

    class Meta:
        model = Person
        fields: list[str] = []

    def by_name(self, queryset, name, value):
        return queryset  # searched by selectors.people_for, which records the search
