import django_filters as filters
from django import forms

from drachma.audit.models import AuditAction, AuditEntry


class AuditEntryFilterSet(filters.FilterSet):
    at_from = filters.DateFilter(
        field_name="at",
        lookup_expr="date__gte",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    at_to = filters.DateFilter(
        field_name="at",
        lookup_expr="date__lte",
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    actor = filters.CharFilter(field_name="actor_username", lookup_expr="iexact", label="User")
    action = filters.ChoiceFilter(choices=AuditAction.choices)
    model = filters.CharFilter(lookup_expr="iexact", label="Record type (app.model)")
    object_id = filters.CharFilter(label="Record id")
    request_id = filters.CharFilter(label="Request id")

    class Meta:
        model = AuditEntry
        fields: list[str] = []
