from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from drachma.core import choices
from drachma.core.forms import field_of
from drachma.core.widgets import Autocomplete
from drachma.core.workflow import NOTE_MAX_LENGTH
from drachma.evidence.models import EvidenceItem
from drachma.groups.models import Group
from drachma.incidents.models import Incident
from drachma.takedown import conf
from drachma.takedown.models import (
    ContentItem,
    HashListFormat,
    MatchBank,
    MatchReview,
    StillOnline,
)
from drachma.takedown.selectors import FIGURE_DIMENSIONS

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def incident_by_reference(value: str | None) -> Incident | None:
    value = (value or "").strip()
    if not value:
        return None
    incident = Incident.objects.filter(reference__iexact=value).first()
    if incident is None:
        raise ValidationError(f"There is no incident {value}.")
    return incident


class ContentItemForm(forms.ModelForm):
    incident_reference = forms.CharField(
        label="Incident",
        required=False,
        max_length=20,
        help_text="The reference of the incident the footage shows, if known.",
    )
    group = forms.ModelChoiceField(
        queryset=Group.objects.all(), required=False, widget=Autocomplete()
    )
    bank = forms.ModelChoiceField(
        queryset=MatchBank.objects.filter(source=""),
        required=False,
        help_text="Left empty, the default bank.",
    )

    class Meta:
        model = ContentItem
        fields = [
            "url",
            "platform",
            "account",
            "group",
            "first_seen_at",
            "views_when_seen",
            "notes",
            "bank",
        ]
        widgets = {"first_seen_at": DATETIME, "notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "first_seen_at": "UK time.",
            "views_when_seen": "The view count the platform showed.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.incident_id:
            self.fields["incident_reference"].initial = self.instance.incident.reference

    def clean_incident_reference(self):
        return incident_by_reference(self.cleaned_data.get("incident_reference"))

    def clean_bank(self):
        from drachma.takedown.services import default_bank

        return self.cleaned_data.get("bank") or default_bank()

    def service_fields(self) -> dict:
        data = {
            k: v for k, v in self.cleaned_data.items() if k not in ("incident_reference", "file")
        }
        data["incident"] = self.cleaned_data.get("incident_reference")
        return data


class NewContentItemForm(ContentItemForm):
    file = forms.FileField(
        required=False,
        label="Captured copy",
        help_text=f"An image or video as downloaded (up to {conf.max_capture_bytes() // conf.MB} "
        "MB); it is kept as an exhibit, hashed and matched against known footage.",
    )


class CaptureForm(forms.Form):
    file = forms.FileField(label="Captured copy")


class TransitionForm(forms.Form):
    note = forms.CharField(
        required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    platform_reference = forms.CharField(required=False, max_length=200)


class OpenRequestForm(forms.Form):
    note = forms.CharField(
        required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class FalseMatchForm(forms.Form):
    reason = forms.CharField(
        max_length=500, help_text="Why it matches things it should not (a black frame, a logo)."
    )


class ReviewForm(forms.Form):
    review = forms.ChoiceField(
        label="Is it a copy?",
        choices=[(MatchReview.CONFIRMED, "A copy"), (MatchReview.NOT_A_COPY, "Not a copy")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(required=False, max_length=500)


class BankForm(forms.ModelForm):
    class Meta:
        model = MatchBank
        fields = ["match_distance", "video_match_share", "description"]


class NewBankForm(forms.ModelForm):
    class Meta:
        model = MatchBank
        fields = ["name", "match_distance", "video_match_share", "description"]


class HashListImportForm(forms.Form):
    file = forms.FileField(
        label="Hash list",
        help_text="HMA bank JSON, ThreatExchange CSV or signal file, or plain CSV.",
    )
    source = forms.CharField(
        label="Who sent it", max_length=200, help_text="For example the NCA, or another force."
    )
    bank_name = forms.CharField(
        label="Bank",
        max_length=100,
        help_text="The bank the list goes into; made on the first import.",
    )
    format = forms.ChoiceField(
        choices=[("auto", "Work it out from the file")]
        + [(key, label) for key, label in HashListFormat.choices],
        initial="auto",
    )


class FiguresForm(forms.Form):
    by = forms.ChoiceField(
        choices=list(FIGURE_DIMENSIONS.items()), initial="platform", required=False
    )
    start = forms.DateField(required=False, widget=DATE)
    end = forms.DateField(required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        data["by"] = data.get("by") or "platform"
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError({"end": "The period ends before it starts."})
        return data


class PublicationForm(forms.Form):
    url = forms.CharField(label="Address (URL)", max_length=1000)
    platform = forms.ChoiceField(choices=choices.Platform.choices)
    found_at = forms.DateTimeField(required=False, widget=DATETIME, help_text="Blank: now.")
    found_by_description = forms.CharField(
        required=False, max_length=200, label="Found by (if not you)"
    )
    still_online = forms.ChoiceField(choices=StillOnline.choices, initial=StillOnline.UNKNOWN)
    checked_at = forms.DateTimeField(required=False, widget=DATETIME, label="Last checked")
    takedown_reference = forms.CharField(required=False, max_length=40)
    description = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    item = forms.ModelChoiceField(
        queryset=EvidenceItem.objects.none(),
        required=False,
        label="Exhibit",
        to_field_name="exhibit_ref",
    )

    def __init__(self, *args, incident=None, **kwargs):
        super().__init__(*args, **kwargs)
        if incident is not None:
            field_of(self, "item", forms.ModelChoiceField).queryset = EvidenceItem.objects.filter(
                incident=incident
            )
