import datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from drachma.core.forms import field_of
from drachma.core.widgets import Autocomplete
from drachma.core.workflow import NOTE_MAX_LENGTH
from drachma.groups.models import Group
from drachma.intake import conf
from drachma.intake.models import (
    PUBLIC_REPORTER_TYPES,
    REFERRAL_SENDER_TYPES,
    ConcernKind,
    Destination,
    ImageCategory,
)
from drachma.people.models import Person

LINES = {"rows": 3, "spellcheck": "false", "autocapitalize": "off"}


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class ReportFilesField(forms.FileField):
    """The files sent with a report, drawn as a GOV.UK file upload. The form never reads them:
    the service checks them all (count, sizes, content) and its refusals are shown here."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        return None


class ReportForm(forms.Form):
    """The public reporting page. Lists are one per line; the service parses and checks them."""

    reporter_type = forms.ChoiceField(
        label="Who are you?", choices=PUBLIC_REPORTER_TYPES, widget=forms.RadioSelect
    )
    concern = forms.ChoiceField(
        label="What is your concern?", choices=ConcernKind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label="What happened, or what is going to happen?",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="In your own words. Include dates, times and places if you know them.",
    )
    when_text = forms.CharField(
        label="When?",
        required=False,
        max_length=200,
        help_text="For example: last night about 9pm; planned for Saturday afternoon.",
    )
    planned_at = forms.CharField(
        label="If it is planned: when?",
        required=False,
        max_length=40,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=(
            "Only for a confrontation that is planned: the date and time it is planned for, "
            "UK time, if you know them."
        ),
    )
    place = forms.CharField(
        label="Where?",
        required=False,
        max_length=200,
        help_text="A town, street, venue or online platform.",
    )
    links = forms.CharField(
        label="Links",
        required=False,
        widget=forms.Textarea(attrs=LINES),
        help_text="Web addresses of profiles, posts or videos, one per line.",
    )
    handles = forms.CharField(
        label="Usernames or handles",
        required=False,
        widget=forms.Textarea(attrs=LINES),
        help_text=(
            "One per line, for example: TikTok: @name, or @name if you do not know the platform."
        ),
    )
    phones = forms.CharField(
        label="Phone numbers",
        required=False,
        widget=forms.Textarea(attrs=LINES),
        help_text="Phone numbers used by the people involved, one per line.",
    )
    names = forms.CharField(
        label="Names",
        required=False,
        widget=forms.Textarea(attrs=LINES),
        help_text="Names of the people or groups involved, if known, one per line.",
    )
    files = ReportFilesField(  # type: ignore[assignment]  # a field named like the form's uploads
        label="Chat exports, screenshots, video or voice notes",
        required=False,
    )
    reporter_name = forms.CharField(
        label="Your name",
        required=False,
        max_length=200,
        widget=forms.TextInput({"autocomplete": "name"}),
    )
    reporter_organisation = forms.CharField(
        label="Your organisation",
        required=False,
        max_length=200,
        help_text="The group, platform or agency you report for, if any.",
    )
    reporter_email = forms.EmailField(
        label="Your email address",
        required=False,
        max_length=254,
        widget=forms.EmailInput({"autocomplete": "email", "spellcheck": "false"}),
    )
    reporter_phone = forms.CharField(
        label="Your phone number",
        required=False,
        max_length=40,
        help_text="If we cannot read it as a phone number, we keep it as you wrote it.",
        widget=forms.TextInput({"type": "tel", "autocomplete": "tel"}),
    )
    form_token = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={
            "required": (
                "The form has expired or was changed: reload the page and fill it in again."
            ),
            "max_length": (
                "The form has expired or was changed: reload the page and fill it in again."
            ),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A text input hidden from people (by CSS, not type=hidden): bots fill it in.
        self.fields[conf.honeypot_field()] = forms.CharField(
            label="Leave this field empty",
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    @property
    def honeypot(self):
        return self[conf.honeypot_field()]

    def visible_groups(self) -> dict:
        """Fields by section, for the template."""
        names = {
            "about": ["reporter_type", "concern"],
            "what": ["text", "when_text", "planned_at", "place"],
            "identifiers": ["links", "handles", "phones", "names"],
            "files": ["files"],
            "contact": [
                "reporter_name",
                "reporter_organisation",
                "reporter_email",
                "reporter_phone",
            ],
        }
        return {section: [self[n] for n in fields] for section, fields in names.items()}


def _triage_users():
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__permissions__codename="triage_report",
            groups__permissions__content_type__app_label="intake",
        )
        .distinct()
        .order_by("username")
    )


def _investigators():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name="investigator")
        .distinct()
        .order_by("username")
    )


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class AssignForm(forms.Form):
    assignee = UserChoice(
        queryset=get_user_model().objects.none(),
        required=False,
        help_text="Left empty, the report is assigned to you.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "assignee", forms.ModelChoiceField).queryset = _triage_users()


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE_MAX_LENGTH)


class LinkForm(forms.Form):
    incident = forms.CharField(label="Incident reference", required=False, max_length=20)
    group = forms.ModelChoiceField(
        queryset=Group.objects.all(), required=False, widget=Autocomplete()
    )
    person = forms.ModelChoiceField(
        queryset=Person.objects.all(), required=False, widget=Autocomplete()
    )
    note = forms.CharField(required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        chosen = [k for k in ("incident", "group", "person") if data.get(k)]
        if len(chosen) != 1:
            raise forms.ValidationError(
                "Choose one incident, group or person to link the report to."
            )
        return data


class ReferForm(forms.Form):
    due_date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        required=False,
        help_text="Left empty, it is due in the usual time.",
    )
    owner = UserChoice(
        queryset=get_user_model().objects.none(),
        required=False,
        help_text="An investigator, if one should have it at once.",
    )
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE_MAX_LENGTH
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "owner", forms.ModelChoiceField).queryset = _investigators()
        self.fields["due_date"].initial = timezone.localdate() + datetime.timedelta(
            days=conf.referral_due_days()
        )


class ReferralActionForm(forms.Form):
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE_MAX_LENGTH
    )
    owner = UserChoice(queryset=get_user_model().objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "owner", forms.ModelChoiceField).queryset = _investigators()


# --- official channels (intake.official) ----------------------------------------------------

_SENDER_CHOICES = [(t.value, t.label) for t in REFERRAL_SENDER_TYPES]


class ReferralInForm(forms.Form):
    """A referral in from CEOP, a platform or another force, entered by staff."""

    reporter_type = forms.ChoiceField(
        label="Who sent it?", choices=_SENDER_CHOICES, widget=forms.RadioSelect
    )
    sender = forms.CharField(
        label="Sender organisation",
        max_length=200,
        help_text="For example: NCA CEOP, Meta, West Yorkshire Police.",
    )
    sender_reference = forms.CharField(
        label="Sender's reference",
        max_length=100,
        help_text="Their own reference for this referral: required, and unique for the sender.",
        error_messages={
            "required": "Give the sender's reference: a referral in is refused without it."
        },
    )
    concern = forms.ChoiceField(
        label="What is the concern?", choices=ConcernKind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(label="What the referral says", widget=forms.Textarea(attrs={"rows": 8}))
    place = forms.CharField(label="Where", required=False, max_length=200)
    when_text = forms.CharField(label="When", required=False, max_length=200)
    links = forms.CharField(label="Links", required=False, widget=forms.Textarea(attrs=LINES))
    handles = forms.CharField(
        label="Usernames or handles", required=False, widget=forms.Textarea(attrs=LINES)
    )
    phones = forms.CharField(
        label="Phone numbers", required=False, widget=forms.Textarea(attrs=LINES)
    )
    names = forms.CharField(label="Names", required=False, widget=forms.Textarea(attrs=LINES))
    files = ReportFilesField(  # type: ignore[assignment]  # a field named like the form's uploads
        label="The material received", required=False
    )
    may_be_indecent = forms.BooleanField(
        label="The sender says the material may contain indecent images",
        required=False,
        help_text=(
            "Its files are quarantined for the digital forensics unit. Images and videos from "
            "an official channel are quarantined whatever is chosen here."
        ),
    )


class GradeForm(forms.Form):
    category = forms.ChoiceField(
        label="The unit's grade", choices=ImageCategory.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OnwardReferralForm(forms.Form):
    destination = forms.ChoiceField(
        label="Sent to", choices=Destination.choices, widget=forms.RadioSelect
    )
    recipient = forms.CharField(
        label="Recipient organisation",
        max_length=200,
        help_text="For example: NCA CEOP, Leeds City Council children's social care.",
        error_messages={"required": "Name the organisation the referral was sent to."},
    )
    channel = forms.CharField(
        label="Sent through",
        required=False,
        max_length=200,
        help_text="How it was sent. Left empty for CEOP: its referral portal (the official "
        "channel).",
    )
    what_sent = forms.CharField(label="What was sent", widget=forms.Textarea(attrs={"rows": 4}))
    their_reference = forms.CharField(
        label="Their reference (optional)", required=False, max_length=100
    )
    sent_at = forms.DateTimeField(
        label="Sent at (optional)",
        required=False,
        help_text="Left empty: now.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class OnwardAnswerForm(forms.Form):
    answer = forms.CharField(
        label="The answer", widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_MAX_LENGTH
    )
    answered_at = forms.DateTimeField(
        label="Answered at (optional)",
        required=False,
        help_text="Left empty: now.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class KnownForm(forms.Form):
    identifiers = forms.CharField(
        label="Identifiers to check",
        help_text=(
            "One a line, its kind first: 'phone: 07911 123456', 'email: jo@example.com', "
            "'handle: tiktok @name', 'url: https://…', 'name: Alan Hartley, 02/04/1979' (the "
            "date of birth is optional)."
        ),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean_identifiers(self) -> str:
        from drachma.intake.known import KINDS, MAX_IDENTIFIERS, NAME, Query

        queries = []
        lines = [line.strip() for line in self.cleaned_data["identifiers"].splitlines()]
        for number, line in enumerate([line for line in lines if line], start=1):
            kind, sep, value = line.partition(":")
            kind = kind.strip().lower()
            if not sep or kind not in KINDS or not value.strip():
                raise forms.ValidationError(
                    f"Line {number}: write 'kind: value' with a kind among {', '.join(KINDS)}."
                )
            value, platform, born = value.strip(), "", None
            if kind == NAME and "," in value:
                value, _, date_text = value.rpartition(",")
                try:
                    born = datetime.datetime.strptime(date_text.strip(), "%d/%m/%Y").date()
                except ValueError:
                    raise forms.ValidationError(
                        f"Line {number}: write the date of birth as day/month/year."
                    ) from None
            elif kind == "handle" and " " in value:
                platform, _, value = value.partition(" ")
            queries.append(Query(kind, value.strip(), platform.strip().lower(), born))
        if not queries:
            raise forms.ValidationError("Give at least one identifier.")
        if len(queries) > MAX_IDENTIFIERS:
            raise forms.ValidationError(f"At most {MAX_IDENTIFIERS} identifiers at once.")
        self.cleaned_data["queries"] = queries
        return self.cleaned_data["identifiers"]
