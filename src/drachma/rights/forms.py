from django import forms

from drachma.rights.models import (
    Decision,
    ExtensionGround,
    Ground,
    IdentityCheck,
    Right,
    RightsRequest,
)
from drachma.rights.services import RECTIFIABLE


class RightsRequestForm(forms.ModelForm):
    right = forms.ChoiceField(choices=Right.choices, widget=forms.RadioSelect, label="Which right")
    identity_check = forms.ChoiceField(
        choices=IdentityCheck.choices, widget=forms.RadioSelect, label="Identity verified by"
    )

    class Meta:
        model = RightsRequest
        fields = [
            "right",
            "received_on",
            "requester_name",
            "requester_date_of_birth",
            "requester_address",
            "requester_email",
            "requester_phone",
            "requester_handles",
            "identity_check",
            "identity_note",
            "details",
        ]
        widgets = {
            "received_on": forms.DateInput(attrs={"type": "date"}),
            "requester_date_of_birth": forms.DateInput(attrs={"type": "date"}),
            "requester_address": forms.Textarea(attrs={"rows": 3}),
            "details": forms.Textarea(attrs={"rows": 4}),
        }


class ExtendForm(forms.Form):
    ground = forms.ChoiceField(
        choices=ExtensionGround.choices, widget=forms.RadioSelect, label="Why more time is needed"
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        label="Reason for the delay",
        help_text="Told to the requester in the notice of the extension (s.54(3B)).",
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[c for c in Decision.choices if c[0] != Decision.PENDING],
        widget=forms.RadioSelect,
        label="Decision",
    )
    ground = forms.ChoiceField(
        choices=[("", "None")] + list(Ground.choices),
        required=False,
        label="Restriction of s.45(4)",
        help_text="Only when withholding.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        label="Reason",
        help_text="Why the restriction applies, or why the record is not about the requester.",
    )


class RectifyForm(forms.Form):
    field = forms.ChoiceField(choices=[(f, f.replace("_", " ")) for f in RECTIFIABLE])
    value = forms.CharField(max_length=500, required=False, label="Correct value")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False, label="Reason"
    )


class AnswerForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
        label="Note on the answer (optional)",
    )
