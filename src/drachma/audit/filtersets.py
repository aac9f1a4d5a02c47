from typing import Any

import django_filters as filters
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from drachma.audit.models import AuditAction, AuditEntry
from drachma.core.widgets import Autocomplete


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
    purpose = filters.CharFilter(
        lookup_expr="icontains",
        label="Purpose",
        help_text="Words of the purpose given for the task (DR-2026-000019, safeguarding).",
    )
    recipient = filters.CharFilter(lookup_expr="icontains", label="Recipient")

    class Meta:
        model = AuditEntry
        fields: list[str] = []


def record_types() -> list[tuple[str, str]]:
    """Every kind of record the log can name, by its name in words: ("people.person",
    "Person (people.person)"), sorted by name."""
    found = {
        m._meta.label_lower: f"{str(m._meta.verbose_name).capitalize()} ({m._meta.label_lower})"
        for m in apps.get_models()
    }
    return sorted(found.items(), key=lambda item: item[1].lower())


def users() -> list[tuple[str, str]]:
    """Everyone who can act, by name and username (the log keeps the username)."""
    return [
        (u.username, f"{u.get_full_name()} ({u.username})" if u.get_full_name() else u.username)
        for u in get_user_model().objects.order_by("username")
    ]


class AuditLogFilterSet(AuditEntryFilterSet):
    """The auditor's page: a record's reference (DR-…, EX-…, a person's name), the user and
    the record type chosen from lists, the rest as the API has them."""

    reference = filters.CharFilter(
        label="Reference or name",
        method="by_reference",
        help_text="A record's reference (DR-2026-000019, EX-…) or a name, as the log shows it.",
    )
    actor = filters.ChoiceFilter(
        field_name="actor_username", label="User", choices=(), widget=Autocomplete()
    )
    model = filters.ChoiceFilter(label="Record type", choices=(), widget=Autocomplete())

    class Meta(AuditEntryFilterSet.Meta):
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        data = self._matched(data)
        super().__init__(data, *args, **kwargs)
        # Read on each request, as lists (the users change; the models are loaded by now).
        filters: dict[str, Any] = self.filters  # type: ignore[has-type]  # set by django-filter
        filters["actor"].extra["choices"] = users()
        filters["model"].extra["choices"] = record_types()
        order = ["reference", "purpose", "actor", "model", "action", "at_from", "at_to"]
        self.filters = {
            **{name: filters[name] for name in order},
            **{name: f for name, f in filters.items() if name not in order},
        }

    @staticmethod
    def _matched(data):
        """A user or record type named in another case (as the API allows: "SAM_SUPERVISOR")
        is the one in the list."""
        if not data or not (data.get("actor") or data.get("model")):
            return data
        data = data.copy()
        if data.get("actor"):
            data["actor"] = (
                get_user_model()
                .objects.filter(username__iexact=data["actor"])
                .values_list("username", flat=True)
                .first()
                or data["actor"]
            )
        if data.get("model"):
            data["model"] = data["model"].lower()
        return data

    def by_reference(self, queryset, name, value):
        """Entries naming the record: as the entry's record, in the page's address (a view of
        an incident's page), or in what it recorded (a person seen via an incident)."""
        value = value.strip()
        return queryset.annotate(changes_text=Cast("changes", TextField())).filter(
            Q(object_repr__icontains=value)
            | Q(object_id__iexact=value)
            | Q(path__icontains=value)
            | Q(changes_text__icontains=value)
        )


class DisclosureFilterSet(filters.FilterSet):
    """The disclosures log's panel: to whom, why, by whom, when."""

    recipient = filters.CharFilter(lookup_expr="icontains", label="Recipient")
    purpose = filters.CharFilter(lookup_expr="icontains", label="Purpose")
    actor = filters.CharFilter(field_name="actor_username", lookup_expr="iexact", label="User")
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

    class Meta:
        model = AuditEntry
        fields: list[str] = []
