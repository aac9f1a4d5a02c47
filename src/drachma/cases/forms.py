"""The cases' forms: each hands its cleaned data to a service, which decides."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from drachma.cases import outcomes
from drachma.cases.models import (
    Case,
    CollapseReason,
    CustodyStatus,
    HearingKind,
    Result,
)
from drachma.cases.services import DISCLOSURE_ROLES, OIC_ROLES
from drachma.core.forms import field_of
from drachma.core.widgets import Autocomplete, AutocompleteMultiple
from drachma.evidence.models import EvidenceItem
from drachma.incidents.forms import DATETIME
from drachma.incidents.models import Incident
from drachma.intelligence.models import IntelligenceEntry
from drachma.people.models import Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


def _holders(roles) -> QuerySet:
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[str(r) for r in roles])
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class CaseForm(forms.ModelForm):
    officer_in_case = UserChoice(queryset=_holders(OIC_ROLES), label="Officer in the case")
    disclosure_officer = UserChoice(queryset=_holders(DISCLOSURE_ROLES))
    urn = forms.CharField(
        label="URN",
        max_length=20,
        help_text="The CPS unique reference number: force, unit, number, year, e.g. 06AB1234526.",
    )
    incidents = forms.ModelMultipleChoiceField(
        queryset=Incident.objects.all(), required=False, widget=AutocompleteMultiple()
    )
    exhibits = forms.ModelMultipleChoiceField(
        queryset=EvidenceItem.objects.all(), required=False, widget=AutocompleteMultiple()
    )
    intelligence = forms.ModelMultipleChoiceField(
        queryset=IntelligenceEntry.objects.all(), required=False, widget=AutocompleteMultiple()
    )

    class Meta:
        model = Case
        fields = [
            "urn",
            "officer_in_case",
            "disclosure_officer",
            "prosecutor_name",
            "prosecutor_contact",
            "summary",
            "incidents",
            "exhibits",
            "intelligence",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The URN's shape and uniqueness are the service's to judge and name.
        self.fields["urn"].validators = []
        field_of(self, "officer_in_case", forms.ModelChoiceField).queryset = _holders(OIC_ROLES)
        field_of(self, "disclosure_officer", forms.ModelChoiceField).queryset = _holders(
            DISCLOSURE_ROLES
        )

    def _post_clean(self):
        # The service validates the case (URN shape and uniqueness included).
        pass


class DefendantForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=Person.objects.all(),
        widget=Autocomplete(),
        help_text="A person involved in one of the case's incidents.",
    )
    arrested_at = forms.DateTimeField(label="Arrested", required=False, widget=DATETIME)
    interviewed_at = forms.DateTimeField(label="Interviewed", required=False, widget=DATETIME)
    warrant_issued_at = forms.DateTimeField(
        label="Warrant for arrest issued", required=False, widget=DATETIME
    )
    summons_issued_at = forms.DateTimeField(
        label="Summons or requisition issued", required=False, widget=DATETIME
    )
    custody_status = forms.ChoiceField(
        label="Bail or remand", choices=CustodyStatus.choices, initial=CustodyStatus.NOT_ARRESTED
    )
    custody_since = forms.DateTimeField(
        label="Bail, remand or release since", required=False, widget=DATETIME
    )
    bail_conditions = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, person_queryset=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["person"]
        elif person_queryset is not None:
            field_of(self, "person", forms.ModelChoiceField).queryset = person_queryset


class ChargeForm(forms.Form):
    wording = forms.CharField(
        label="Offence wording", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    legislation = forms.CharField(
        max_length=300, help_text="The Act and section, e.g. Sexual Offences Act 2003, s.15."
    )
    ho_offence_code = forms.CharField(
        label="Home Office offence classification",
        max_length=10,
        required=False,
        help_text="Where known, class and subclass, e.g. 022/07.",
    )
    charged_on = forms.DateField(label="Date charged", widget=DATE)


class DefendantChoice(forms.ModelChoiceField):
    def label_from_instance(self, defendant) -> str:
        return defendant.person.full_name


class HearingForm(forms.Form):
    defendant = DefendantChoice(queryset=None)  # the case's defendants, set per form
    court = forms.CharField(max_length=200)
    at = forms.DateTimeField(label="Date and time", widget=DATETIME, help_text="UK time.")
    kind = forms.ChoiceField(label="Type", choices=HearingKind.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        defendants = case.defendants.select_related("person")
        field = field_of(self, "defendant", forms.ModelChoiceField)
        field.queryset = defendants
        if len(defendants) == 1:
            field.initial = defendants[0].pk


class _Hidden:
    """Draws every field hidden: the confirmation page carries the answers to its button."""

    def hide(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            field.widget = forms.HiddenInput()


class ResultForm(_Hidden, forms.Form):
    charge = forms.ChoiceField(label="Charge")
    result = forms.ChoiceField(choices=Result.choices, widget=forms.RadioSelect)
    decided_on = forms.DateField(label="Date", widget=DATE)
    collapse_reason = forms.ChoiceField(
        label="Why it ended without a verdict",
        choices=[("", "Not applicable: a plea or verdict"), *CollapseReason.choices],
        required=False,
        help_text="Required for discontinued, dismissed, stayed and withdrawn.",
    )
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "charge", forms.ChoiceField).choices = [
            (str(c.pk), f"{c.defendant.person.full_name}: {c.legislation}, {c.wording[:80]}")
            for d in case.defendants.all()
            for c in d.charges.all()
            if getattr(c, "result", None) is None
        ]


class SentenceForm(_Hidden, forms.Form):
    sentenced_on = forms.DateField(label="Date of sentence", widget=DATE)
    sentence = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput())


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Home Office outcome",
        choices=outcomes.choices,
        help_text="The crime outcomes framework's outcome type (outcome 1, a charge, is a case).",
    )
    decided_on = forms.DateField(label="Date", widget=DATE)
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoticeForm(forms.Form):
    note = forms.CharField(
        label="How and when the prosecutor was told",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
