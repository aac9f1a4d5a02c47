from django import forms
from django.core.exceptions import ValidationError

from drachma.core.forms import field_of
from drachma.core.workflow import NOTE_MAX_LENGTH
from drachma.evidence.models import (
    CustodyEventKind,
    DisclosureStatus,
    EvidenceItem,
    EvidenceKind,
    ProsecutorDecision,
    ReceivedFrom,
)
from drachma.incidents.models import Incident

DATE_ORDERS = [("auto", "Detect"), ("day-first", "Day first"), ("month-first", "Month first")]
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def incident_by_reference(reference: str | None) -> Incident | None:
    reference = (reference or "").strip()
    if not reference:
        return None
    incident = Incident.objects.filter(reference=reference).first()
    if incident is None:
        raise ValidationError(f"There is no incident {reference}.")
    return incident


class UploadForm(forms.Form):
    file = forms.FileField(help_text="Kept exactly as received, under its SHA-256.")
    kind = forms.ChoiceField(
        label="What it is",
        choices=EvidenceKind.choices,
        initial=EvidenceKind.OTHER,
        help_text="A chat export is read and its quality report kept with it.",
    )
    incident = forms.CharField(
        required=False, max_length=20, help_text="The incident's reference, e.g. DR-2026-000012."
    )
    received_from_type = forms.ChoiceField(
        label="Received from (kind)", choices=ReceivedFrom.choices
    )
    received_from = forms.CharField(label="Received from (who)", required=False, max_length=200)
    received_at = forms.DateTimeField(required=False, widget=DATETIME, help_text="Blank: now.")
    location = forms.CharField(required=False, max_length=200, help_text="Where it was received.")
    description = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    timezone = forms.CharField(
        required=False,
        max_length=64,
        label="Phone's time zone",
        help_text="Chat exports: IANA name, e.g. Europe/London. Blank: Europe/London, "
        "recorded as assumed.",
    )
    date_order = forms.ChoiceField(choices=DATE_ORDERS, initial="auto")
    gap_hours = forms.FloatField(
        initial=24, min_value=0.01, label="Report silences longer than (hours)"
    )
    expected_size = forms.IntegerField(
        required=False,
        min_value=1,
        label="Size in bytes (optional)",
        help_text="If given, an upload that arrives short is refused.",
    )
    expected_sha256 = forms.RegexField(
        required=False,
        regex=r"^\s*[0-9a-fA-F]{64}\s*$",
        label="SHA-256 (optional)",
        error_messages={"invalid": "A SHA-256 is 64 hexadecimal characters."},
    )

    def clean_incident(self):
        return incident_by_reference(self.cleaned_data["incident"])


class CustodyForm(forms.Form):
    kind = forms.ChoiceField(
        label="Step",
        choices=[c for c in CustodyEventKind.choices if c[0] != CustodyEventKind.RECEIVED],
    )
    at = forms.DateTimeField(required=False, widget=DATETIME, help_text="Blank: now.")
    from_party = forms.CharField(required=False, max_length=200, label="From")
    to_party = forms.CharField(required=False, max_length=200, label="To")
    location = forms.CharField(required=False, max_length=200)
    note = forms.CharField(
        required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    verify_hash = forms.BooleanField(
        required=False, initial=True, label="Re-hash the stored file and record it"
    )


class ParseForm(forms.Form):
    timezone = forms.CharField(required=False, max_length=64, label="Phone's time zone")
    date_order = forms.ChoiceField(choices=DATE_ORDERS, initial="auto")
    gap_hours = forms.FloatField(initial=24, min_value=0.01)


class DisclosureForm(forms.Form):
    item = forms.ModelChoiceField(
        queryset=EvidenceItem.objects.none(),
        required=False,
        label="Exhibit",
        to_field_name="exhibit_ref",
    )
    description = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Clear enough for the prosecutor to decide whether to inspect; no abbreviations.",
    )
    location = forms.CharField(required=False, max_length=200)
    used = forms.BooleanField(required=False, label="Used (part of the prosecution case)")
    sensitive = forms.BooleanField(required=False)
    sensitivity_reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    status = forms.ChoiceField(choices=DisclosureStatus.choices)
    might_undermine_or_assist = forms.BooleanField(
        required=False, label="Might undermine the prosecution or assist the defence (MG6E)"
    )
    mg6e_reason = forms.CharField(
        required=False,
        max_length=2000,
        label="MG6E reason",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    prosecutor_decision = forms.ChoiceField(
        required=False, choices=[("", "Not yet"), *ProsecutorDecision.choices]
    )

    def __init__(self, *args, incident=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if incident is not None:
            field_of(self, "item", forms.ModelChoiceField).queryset = EvidenceItem.objects.filter(
                incident=incident
            )
        if editing:
            del self.fields["item"]
