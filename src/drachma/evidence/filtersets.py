"""The exhibit list's filters (the page's form; the selector does the narrowing)."""

import django_filters as filters

from drachma.evidence.models import EvidenceItem, EvidenceKind


class ExhibitFilterSet(filters.FilterSet):
    # The selector narrows (``selectors.items_for``): these filters only draw and check the form.
    q = filters.CharFilter(label="Exhibit or file name", method="keep")
    incident = filters.CharFilter(label="Incident reference", method="keep")
    kind = filters.ChoiceFilter(choices=EvidenceKind.choices, method="keep")

    class Meta:
        model = EvidenceItem
        fields: list[str] = []

    def keep(self, queryset, name, value):
        return queryset

    def narrowing(self) -> dict[str, str]:
        """The filters as the selector takes them (empty when the form is refused)."""
        if not self.is_valid():
            return {"incident": "", "q": "", "kind": "", "refused": "yes"}
        data = self.form.cleaned_data
        return {k: (data.get(k) or "").strip() for k in ("incident", "q", "kind")}
