"""The filter panel of the administrators' user list."""

import django_filters as filters
from django.contrib.auth import get_user_model
from django.db.models import Q

from drachma.core.roles import Role


class UserFilterSet(filters.FilterSet):
    q = filters.CharFilter(label="Username, name or email", method="by_text")
    role = filters.ChoiceFilter(choices=Role.choices, field_name="groups__name")
    active = filters.BooleanFilter(field_name="is_active", label="Active")

    class Meta:
        model = get_user_model()
        fields: list[str] = []

    def by_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(email__icontains=value)
        )
