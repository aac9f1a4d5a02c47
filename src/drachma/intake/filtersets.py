"""The one definition of report and referral filters, used by the pages and the API."""

import django_filters as filters
from django import forms
from django.utils import timezone

from drachma.intake import selectors
from drachma.intake.models import (
    UNTRIAGED,
    ConcernKind,
    Referral,
    ReferralStatus,
    Report,
    ReporterType,
    ReportStatus,
)

OPEN = "open"
REPORT_STATES = [(OPEN, "Untriaged (new or assigned)"), *ReportStatus.choices, ("all", "All")]
REFERRAL_STATES = [
    (OPEN, "Active (open, accepted, investigating)"),
    *ReferralStatus.choices,
    ("all", "All"),
]


class ReportFilterSet(filters.FilterSet):
    q = filters.CharFilter(label="Search", method="filter_search")
    status = filters.ChoiceFilter(choices=REPORT_STATES, method="filter_status", empty_label=None)
    concern = filters.ChoiceFilter(choices=ConcernKind.choices)
    reporter_type = filters.ChoiceFilter(choices=ReporterType.choices, label="Reporter")
    urgent = filters.BooleanFilter(widget=forms.NullBooleanSelect)
    mine = filters.BooleanFilter(
        label="Assigned to me", method="filter_mine", widget=forms.CheckboxInput
    )

    class Meta:
        model = Report
        fields: list[str] = []

    def __init__(self, data=None, *args, user=None, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", OPEN)
        self.user = user
        super().__init__(data, *args, **kwargs)

    def filter_search(self, queryset, name, value):
        return selectors.search(queryset, value)

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=UNTRIAGED)
        if value == "all":
            return queryset
        return queryset.filter(status=value)

    def filter_mine(self, queryset, name, value):
        return queryset.filter(assigned_to=self.user) if value and self.user else queryset


class ReferralFilterSet(filters.FilterSet):
    status = filters.ChoiceFilter(choices=REFERRAL_STATES, method="filter_status", empty_label=None)
    overdue = filters.BooleanFilter(method="filter_overdue", widget=forms.CheckboxInput)
    mine = filters.BooleanFilter(label="Mine", method="filter_mine", widget=forms.CheckboxInput)

    class Meta:
        model = Referral
        fields: list[str] = []

    def __init__(self, data=None, *args, user=None, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", OPEN)
        self.user = user
        super().__init__(data, *args, **kwargs)

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=selectors.OPEN_REFERRALS)
        if value == "all":
            return queryset
        return queryset.filter(status=value)

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.filter(status=ReferralStatus.OPEN, due_date__lt=timezone.localdate())
        return queryset

    def filter_mine(self, queryset, name, value):
        return queryset.filter(owner=self.user) if value and self.user else queryset
