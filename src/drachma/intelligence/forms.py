from django import forms
from django.core.exceptions import ValidationError

from drachma.core.widgets import Autocomplete
from drachma.core.workflow import NOTE_MAX_LENGTH
from drachma.incidents.models import Incident
from drachma.intelligence.models import HandlingCode, IntelligenceEntry

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class IntelligenceEntryForm(forms.ModelForm):
    incidents = forms.CharField(
        required=False,
        help_text="References of related incidents, separated by spaces or commas.",
    )

    class Meta:
        model = IntelligenceEntry
        fields = [
            "group",
            "learned_at",
            "source_type",
            "source_description",
            "source_evaluation",
            "intelligence_assessment",
            "handling_code",
            "handling_conditions",
            "legacy_grading",
            "text",
            "sanitised_text",
            "mopi_group",
            "review_date",
        ]
        widgets = {
            "group": Autocomplete(),
            "learned_at": DATETIME,
            "review_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review_date"].required = False
        if self.instance.pk:
            self.fields["incidents"].initial = " ".join(
                self.instance.incidents.values_list("reference", flat=True)
            )

    def clean_incidents(self) -> list[Incident]:
        refs = {
            r.strip().upper()
            for r in self.cleaned_data["incidents"].replace(",", " ").split()
            if r.strip()
        }
        found = list(Incident.objects.filter(reference__in=refs))
        missing = refs - {i.reference for i in found}
        if missing:
            raise ValidationError(f"Unknown incident references: {', '.join(sorted(missing))}.")
        return found

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("incidents")
        return data


class TransitionForm(forms.Form):
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE_MAX_LENGTH
    )


class DisclosureForm(forms.Form):
    """The sanitised copy given to someone outside (``services.disclose_entry`` checks it)."""

    recipient = forms.CharField(
        max_length=300, help_text="The organisation or person the sanitised copy went to."
    )
    handling_code = forms.ChoiceField(choices=HandlingCode.choices)
    disclosed_on = forms.DateField(
        label="Disclosed", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
