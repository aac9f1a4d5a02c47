"""The forms of a case's disclosure pages: each hands its cleaned data to ``disclosure.py``,
which decides (so the refusals read the same on the pages and in the API)."""

from __future__ import annotations

from typing import Any

from django import forms

from drachma.cases import disclosure
from drachma.cases.models import (
    Case,
    DisclosureManagementDocument,
    Material,
    RequestAnswer,
    ThirdPartyRequest,
)
from drachma.cases.workflow import DEFAULT_ROLE
from drachma.core.forms import field_of
from drachma.core.widgets import Autocomplete, AutocompleteMultiple
from drachma.evidence.models import EvidenceItem

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DefendantChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.person.full_name


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = [
            "description",
            "item",
            "third_party_request",
            "defendant",
            "location",
            "used",
            "sensitive",
            "sensitivity_reason",
            "status",
            "might_undermine_or_assist",
            "mg6e_reason",
            "prosecutor_decision",
        ]
        labels = {
            "item": "Exhibit",
            "third_party_request": "Came in from a third-party request",
            "used": "Used material (part of the prosecution case, not scheduled)",
            "sensitive": "Sensitive (MG6D)",
            "might_undermine_or_assist": (
                "Might it undermine the prosecution case or assist the defence? (MG6E)"
            ),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "sensitivity_reason": forms.Textarea(attrs={"rows": 2}),
            "mg6e_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "item", forms.ModelChoiceField).queryset = disclosure.case_exhibits(case)
        field_of(
            self, "third_party_request", forms.ModelChoiceField
        ).queryset = case.third_party_requests.all()
        defendant = DefendantChoice(
            queryset=case.defendants.select_related("person"),
            required=False,
            label="Concerns only this defendant",
            help_text="Leave empty when the material concerns every defendant.",
        )
        self.fields["defendant"] = defendant
        for name in ("sensitivity_reason", "mg6e_reason", "description"):
            # Whether a reason is needed is the model's rule, named by its field.
            self.fields[name].required = False

    def _post_clean(self) -> None:
        # The service validates (and numbers) the material; the form only reads the input.
        pass


class CertifyForm(forms.Form):
    role = forms.CharField(
        label="Your role",
        max_length=200,
        required=False,
        initial=DEFAULT_ROLE,
        help_text="As printed under your name, for example 'DC 1234, disclosure officer'.",
    )


class CandidateForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("accept", "Accept it for the MG6E"), ("decline", "Decline it")],
        widget=forms.RadioSelect,
        required=False,
    )
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text="The reason is required either way; it is kept with the decision.",
    )


class RequestForm(forms.ModelForm):
    class Meta:
        model = ThirdPartyRequest
        fields = [
            "holder_kind",
            "group",
            "holder_name",
            "legal_route",
            "what",
            "details",
            "reasons",
            "asked_on",
        ]
        widgets = {
            "group": Autocomplete(),
            "details": forms.Textarea(attrs={"rows": 2}),
            "reasons": forms.Textarea(attrs={"rows": 3}),
            "asked_on": DATE,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("holder_kind", "reasons", "asked_on", "what"):
            self.fields[name].required = False

    def _post_clean(self) -> None:
        pass


class AnswerForm(forms.Form):
    answered_on = forms.DateField(label="Answered", widget=DATE, required=False)
    answer_kind = forms.ChoiceField(
        label="The answer",
        choices=[("", "Choose")] + list(RequestAnswer.choices),
        required=False,
    )
    answer = forms.CharField(
        label="What the answer said",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    refusal_reason = forms.CharField(
        label="The reason given for refusing",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    received = forms.ModelMultipleChoiceField(
        label="Exhibits that came in",
        queryset=EvidenceItem.objects.none(),
        required=False,
        widget=AutocompleteMultiple(),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(
            self, "received", forms.ModelMultipleChoiceField
        ).queryset = disclosure.case_exhibits(case)


class DmdForm(forms.ModelForm):
    class Meta:
        model = DisclosureManagementDocument
        fields = list(disclosure.DMD_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in disclosure.DMD_FIELDS}

    def _post_clean(self) -> None:
        pass
