"""Filters over the group register, used by the API."""

import django_filters as filters
from django.db.models import Q

from drachma.areas.models import Borough
from drachma.core.choices import Platform
from drachma.groups.models import Group, GroupStatus


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
