from django import forms

from drachma.areas.geography import ward_code_at
from drachma.areas.models import Ward
from drachma.core.forms import field_of
from drachma.core.widgets import Autocomplete, AutocompleteMultiple
from drachma.core.workflow import NOTE_MAX_LENGTH
from drachma.groups.models import Group
from drachma.incidents.models import Incident, IncidentPerson, PersonRole
from drachma.people.models import Person

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class IncidentForm(forms.ModelForm):
    groups = forms.ModelMultipleChoiceField(
        queryset=Group.objects.all(),
        required=False,
        help_text="The groups involved: type a name, choose it, and repeat for each.",
        widget=AutocompleteMultiple(),
    )

    class Meta:
        model = Incident
        fields = [
            "occurred_at",
            "received_at",
            "source",
            "kind",
            "summary",
            "borough",
            "ward",
            "place",
            "latitude",
            "longitude",
            "groups",
            "live_streamed",
            "stream_platform",
            "stream_url",
            "police_attended",
            "outcome",
            "mopi_group",
            "review_date",
        ]
        widgets = {
            "occurred_at": DATETIME,
            "received_at": DATETIME,
            "review_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "borough": Autocomplete(),
            "ward": Autocomplete(narrowed_by="borough", narrowing=lambda ward: ward.borough_id),
        }
        help_texts = {
            "occurred_at": "UK time.",
            "ward": "If unknown, give coordinates and the ward is found from them.",
            "review_date": "Left empty, it is set from the MoPI group.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "ward", forms.ModelChoiceField).queryset = Ward.objects.select_related(
            "borough"
        )
        self.fields["review_date"].required = False
        if self.instance.pk:
            self.fields["groups"].initial = self.instance.groups.all()

    def _post_clean(self):
        # The service finds the ward from coordinates and derives the borough from the ward
        # before validating; mirror it so the form's own model validation agrees with it.
        ward = self.cleaned_data.get("ward")
        latitude, longitude = self.cleaned_data.get("latitude"), self.cleaned_data.get("longitude")
        if ward is None and latitude is not None and longitude is not None:
            code = ward_code_at(float(latitude), float(longitude))
            if code:
                ward = self.cleaned_data["ward"] = Ward.objects.select_related("borough").get(
                    code=code
                )
                self.instance.ward = ward
        if ward and not self.cleaned_data.get("borough"):
            self.instance.borough = ward.borough
        super()._post_clean()  # type: ignore[misc]  # django-stubs omits BaseModelForm._post_clean

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("groups", None)
        return data


class StatusChangeForm(forms.Form):
    """The note of a change of status (the step is the page's): the reason, where the step
    needs one (closing, reopening)."""

    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTE_MAX_LENGTH,
        label="Note (optional)",
    )

    def __init__(self, *args, required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if required:
            note = self.fields["note"]
            note.label, note.help_text = "Reason", "Say why: the outcome, or what has changed."


class InvolvementForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.all(), widget=Autocomplete())
    role = forms.ChoiceField(choices=PersonRole.choices)
    notes = forms.CharField(required=False, max_length=500)


class LinkedCaseForm(forms.Form):
    suspect = forms.ModelChoiceField(queryset=IncidentPerson.objects.none())
    group_member = forms.ModelChoiceField(queryset=IncidentPerson.objects.none())
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        involvements = IncidentPerson.objects.filter(incident=incident).select_related("person")
        suspect = field_of(self, "suspect", forms.ModelChoiceField)
        suspect.queryset = involvements.filter(role=PersonRole.SUBJECT)
        member = field_of(self, "group_member", forms.ModelChoiceField)
        member.queryset = involvements.filter(role=PersonRole.GROUP_MEMBER)
