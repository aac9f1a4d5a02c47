from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from drachma.core.forms import field_of
from drachma.core.workflow import NOTE_MAX_LENGTH
from drachma.incidents.forms import DATETIME
from drachma.people.models import Person
from drachma.safeguarding.models import (
    FACTORS,
    OWNER_ROLES,
    ActionKind,
    ExposureKind,
    Factor,
    Grade,
    OutcomeResult,
    Score,
)

SCORE_CHOICES = [(s.value, f"{s.value}: {s.label}") for s in Score]
FACTOR_HELP = {
    "threat": "Is anyone threatening the subject or the family, now or planned?",
    "harm": "What harm has been done or could be done (physical, psychological, to reputation)?",
    "risk": "How likely is that harm, and how soon?",
    "investigation": "What must be investigated, and does it need to happen now?",
    "vulnerability": "Who is vulnerable (learning disability, self-harm, mental health, children)?",
    "engagement": "Will the person engage with police and services? Who should make contact?",
}


def owners():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=OWNER_ROLES)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


class AssessmentForm(forms.Form):
    """THRIVE: each factor scored with its rationale; the grade proposed by grading.py may be
    overridden with a reason."""

    grade = forms.ChoiceField(
        label="Response grade",
        required=False,
        choices=[("", "Accept the proposed grade"), *Grade.choices],
        help_text="Choose a grade only to override the proposal; say why below.",
    )
    override_reason = forms.CharField(
        label="Reason for overriding the proposed grade",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args, reassessment: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {}
        for f in FACTORS:
            label = Factor(f).label
            fields[f"{f}_score"] = forms.TypedChoiceField(
                label=f"{label}: score",
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Score {label.lower()}."},
            )
            fields[f"{f}_rationale"] = forms.CharField(
                label=f"{label}: rationale",
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=2000,
                help_text=FACTOR_HELP[f],
                error_messages={"required": f"Write the rationale for the {label.lower()} score."},
            )
        fields["prevention"] = forms.CharField(
            label="THRIVE+ prevention",
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            max_length=2000,
            help_text="What would stop the harm recurring or spreading (for example, a "
            "takedown request, a warning to the group, a marker on the address)?",
        )
        fields["intervention"] = forms.CharField(
            label="THRIVE+ intervention",
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            max_length=2000,
            help_text="Who intervenes, police or partners (liaison and diversion, mental-health "
            "services, children's services), and how?",
        )
        if reassessment:
            fields["reason_for_reassessment"] = forms.CharField(
                label="What has changed since the last assessment?",
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=2000,
                help_text=(
                    "For example: the footage has spread, the address was published, a threat "
                    "was made."
                ),
                error_messages={"required": "Say what changed since the last assessment."},
            )
        self.fields = {**fields, **self.fields}

    def service_fields(self) -> dict:
        d = self.cleaned_data
        return {
            "scores": {f: d[f"{f}_score"] for f in FACTORS},
            "rationales": {f: d[f"{f}_rationale"] for f in FACTORS},
            "grade": d.get("grade") or None,
            "override_reason": d.get("override_reason", ""),
            "reason_for_reassessment": d.get("reason_for_reassessment", ""),
            "prevention": d.get("prevention", ""),
            "intervention": d.get("intervention", ""),
        }

    def scores(self) -> dict[str, int]:
        return {f: self.cleaned_data[f"{f}_score"] for f in FACTORS}

    def thrive_plus(self) -> dict[str, str]:
        return {k: self.cleaned_data.get(k, "") for k in ("prevention", "intervention")}


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label="Type", choices=ActionKind.choices)
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label="For whom",
        help_text="Leave empty for an action about the whole incident.",
    )
    owner = OwnerChoiceField(
        queryset=get_user_model().objects.none(),
        error_messages={
            "invalid_choice": "Choose a safeguarding officer or supervisor as the owner."
        },
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    due_at = forms.DateTimeField(
        label="Due",
        required=False,
        widget=DATETIME,
        help_text="UK time. Leave empty for the time the grade and type give.",
    )

    def __init__(self, *args, incident=None, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "owner", forms.ModelChoiceField).queryset = owners()
        if incident is not None:
            field_of(self, "person", forms.ModelChoiceField).queryset = Person.objects.filter(
                involvements__incident=incident
            ).distinct()


# What a step of an action asks for on its confirmation page: the question, its hint, and
# whether it must be answered. Completing asks for the outcome: an action closed with no word
# of what was done is no record of safeguarding.
STEP_QUESTIONS: dict[str, tuple[str, str, str]] = {
    # step: (question, hint, what to say when it is left empty: "" when it may be)
    "start": ("Note (optional)", "Anything the team should know as you start.", ""),
    "complete": (
        "What was done?",
        "For example: visited at home, talked through the support available, gave the "
        "crisis line's number.",
        "Give the outcome of the action.",
    ),
    "cancel": (
        "Why is the action being cancelled?",
        "For example, the person has moved out of the force area.",
        "Give the reason for cancelling the action.",
    ),
    "reopen": (
        "Why is the action being reopened?",
        "What has changed since it ended.",
        "Give the reason for reopening the action.",
    ),
}


class StepForm(forms.Form):
    """The note of one step of an action (the outcome, or the reason), and where to go back
    to afterwards (the queue as it was filtered)."""

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=NOTE_MAX_LENGTH)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, step: str, **kwargs):
        super().__init__(*args, **kwargs)
        label, hint, if_empty = STEP_QUESTIONS[step]
        note = self.fields["note"]
        note.label, note.help_text, note.required = label, hint, bool(if_empty)
        if if_empty:
            note.error_messages = {**note.error_messages, "required": if_empty}
        if step == "complete":
            # The outcome in three parts and the time it took (services.complete_action).
            self.fields = {
                "note": note,
                "seen": forms.CharField(
                    label="Who was seen?",
                    max_length=300,
                    help_text="For example: the subject and his mother, at home. If nobody, "
                    "say why.",
                    error_messages={"required": "Say who was seen (or that nobody was, and why)."},
                ),
                "result": forms.ChoiceField(
                    label="What was the result?",
                    choices=OutcomeResult.choices,
                    widget=forms.RadioSelect,
                    error_messages={"required": "Choose the result of the action."},
                ),
                "minutes": forms.IntegerField(
                    label="Officer time spent, in minutes",
                    min_value=1,
                    max_value=24 * 60,
                    help_text="Recorded as officer time on the action, dated today.",
                    error_messages={
                        "required": "Give the time spent, in minutes.",
                        "min_value": "Give between 1 minute and 24 hours (1440 minutes).",
                        "max_value": "Give between 1 minute and 24 hours (1440 minutes).",
                    },
                ),
                "next": self.fields["next"],
            }

    def outcome(self) -> dict:
        d = self.cleaned_data
        return {k: d[k] for k in ("seen", "result", "minutes") if k in d}


class OwnerForm(forms.Form):
    owner = OwnerChoiceField(
        queryset=get_user_model().objects.none(),
        error_messages={
            "invalid_choice": "Choose a safeguarding officer or supervisor as the owner."
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "owner", forms.ModelChoiceField).queryset = owners()


class TimeForm(forms.Form):
    minutes = forms.IntegerField(min_value=1, max_value=24 * 60, help_text="Officer minutes spent.")
    spent_on = forms.DateField(
        label="Date worked",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    note = forms.CharField(required=False, max_length=300)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name


class ExposureForm(forms.Form):
    """One exposure event of a person involved in the incident."""

    person = PersonChoiceField(
        queryset=Person.objects.none(),
        label="Who was exposed?",
        error_messages={
            "required": "Choose a person involved in this incident.",
            "invalid_choice": "Choose a person involved in this incident.",
        },
    )
    kind = forms.ChoiceField(
        label="What happened?",
        choices=ExposureKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happened."},
    )
    occurred_at = forms.DateTimeField(
        label="When",
        widget=DATETIME,
        help_text="UK time. Not before the incident.",
        error_messages={
            "required": "Give when it happened.",
            "invalid": "Give a real date and time.",
        },
    )
    detail = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Where it was published, the custody reference, the bail date.",
    )
    threats_received = forms.BooleanField(
        required=False, label="Threats have been made against the person or the household"
    )
    loss_of_job_or_home = forms.BooleanField(
        required=False, label="The person has lost a job or a home since the exposure"
    )

    def __init__(self, *args, incident=None, **kwargs):
        super().__init__(*args, **kwargs)
        if incident is not None:
            field = field_of(self, "person", forms.ModelChoiceField)
            field.queryset = Person.objects.filter(involvements__incident=incident).distinct()
