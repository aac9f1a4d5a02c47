"""The filter panel of the FOI request register (shared by the page and the API)."""

import django_filters as filters
from django.utils import timezone

from drachma.statistics.models import FOIRequest, FOIStatus


class FOIRequestFilterSet(filters.FilterSet):
    status = filters.ChoiceFilter(choices=FOIStatus.choices, label="Status")
    overdue = filters.BooleanFilter(method="filter_overdue", label="Past the deadline")
    received_after = filters.DateFilter(
        field_name="received_on", lookup_expr="gte", label="Received on or after"
    )
    received_before = filters.DateFilter(
        field_name="received_on", lookup_expr="lte", label="Received on or before"
    )

    class Meta:
        model = FOIRequest
        fields = ["status"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = {"status": FOIStatus.OPEN, "due_on__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)
