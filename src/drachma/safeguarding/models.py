"""Safeguarding: THRIVE assessments, response grades, the plan's actions, and officer time.

An assessment is never edited: when the facts change the officer assesses again and the new
record says why (``reason_for_reassessment``). An action's state is changed only through the
machine in ``workflow.py``; its due time comes from the table in ``deadlines.py``.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from drachma.core.models import AuditedModel, WorkflowEvent


class Factor(models.TextChoices):
    THREAT = "threat", "Threat"
    HARM = "harm", "Harm"
    RISK = "risk", "Risk"
    INVESTIGATION = "investigation", "Investigation"
    VULNERABILITY = "vulnerability", "Vulnerability"
    ENGAGEMENT = "engagement", "Engagement"


FACTORS = [str(f) for f in Factor]


class Score(models.IntegerChoices):
    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"


class Grade(models.TextChoices):
    """The response grades, most urgent first (see grading.GRADE_ORDER)."""

    EMERGENCY = "emergency", "Emergency"
    PRIORITY = "priority", "Priority"
    SCHEDULED = "scheduled", "Scheduled"
    RESOLUTION = "resolution", "Resolution without deployment"


class ActionKind(models.TextChoices):
    WELFARE_CHECK = "welfare_check", "Welfare check on the subject"
    FAMILY_LIAISON = "family_liaison", "Family liaison"
    ADULT_SOCIAL_CARE = "adult_social_care", "Referral to adult social care"
    CHILDRENS_SERVICES = "childrens_services", "Referral to children's services"
    MENTAL_HEALTH_CRISIS = "mental_health_crisis", "Referral to a mental-health crisis team"
    SUICIDE_PREVENTION = "suicide_prevention", "Suicide-prevention signposting"
    PROTECTIVE_PATROLS = "protective_patrols", "Protective patrols at an address"
    VICTIM_SUPPORT = "victim_support", "Victim support for the family"
    LIAISON_DIVERSION = "liaison_diversion", "Referral to liaison and diversion"
    FAMILY_INFORMATION = "family_information", "Information for the family"
    OTHER = "other", "Other"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class OutcomeResult(models.TextChoices):
    """The result of a completed action, as the officer found it."""

    SAFE = "safe", "Seen and safe: no further action"
    REFERRED = "referred", "Concern remains: referred to partners"
    FURTHER_ACTION = "further_action", "Concern remains: further police action planned"
    NOT_SEEN = "not_seen", "Not seen: could not be found or declined"


ACTIVE = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
OWNER_ROLES = ("safeguarding_officer", "supervisor")


def _score_field(label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, choices=Score.choices)


def _rationale_field(label: str) -> models.TextField:
    return models.TextField(f"{label}: rationale", max_length=2000)


class ThriveAssessment(AuditedModel):
    """One THRIVE assessment of an incident, as made; a reassessment is a new record."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = (
        "threat_rationale",
        "harm_rationale",
        "risk_rationale",
        "investigation_rationale",
        "vulnerability_rationale",
        "engagement_rationale",
        "override_reason",
        "reason_for_reassessment",
    )

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="thrive_assessments"
    )
    threat_score = _score_field("threat")
    threat_rationale = _rationale_field("Threat")
    harm_score = _score_field("harm")
    harm_rationale = _rationale_field("Harm")
    risk_score = _score_field("risk")
    risk_rationale = _rationale_field("Risk")
    investigation_score = _score_field("investigation")
    investigation_rationale = _rationale_field("Investigation")
    vulnerability_score = _score_field("vulnerability")
    vulnerability_rationale = _rationale_field("Vulnerability")
    engagement_score = _score_field("engagement")
    engagement_rationale = _rationale_field("Engagement")
    # THRIVE+ (prevention and intervention): written, not scored; they shape the plan.
    prevention = models.TextField(
        blank=True,
        max_length=2000,
        help_text="THRIVE+: what would stop the harm recurring or spreading.",
    )
    intervention = models.TextField(
        blank=True,
        max_length=2000,
        help_text="THRIVE+: who intervenes (police or partners) and how.",
    )

    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(default=timezone.now)
    proposed_grade = models.CharField(max_length=12, choices=Grade.choices)
    proposal_reasons = models.JSONField(
        default=list,
        blank=True,
        help_text="The grading rules that gave the proposed grade, in words.",
    )
    plan_considerations = models.JSONField(
        default=list,
        blank=True,
        help_text="What the plan must answer (investigation, vulnerability, engagement, "
        "THRIVE+), in words; never part of the grade.",
    )
    grade = models.CharField("final grade", max_length=12, choices=Grade.choices)
    override_reason = models.TextField(blank=True, max_length=2000)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_assessment"
    )
    reason_for_reassessment = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        get_latest_by = ["assessed_at", "pk"]
        indexes = [models.Index(fields=["incident", "assessed_at"])]

    def __str__(self) -> str:
        return f"THRIVE {self.pk} of {self.incident}: {self.get_grade_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(
                "A THRIVE assessment is never changed; record a reassessment instead."
            )
        super().save(*args, **kwargs)

    @property
    def is_override(self) -> bool:
        return self.grade != self.proposed_grade

    def scores(self) -> dict[str, int]:
        return {f: getattr(self, f"{f}_score") for f in FACTORS}

    def factors(self) -> list[dict]:
        return [
            {
                "factor": f,
                "label": Factor(f).label,
                "score": getattr(self, f"{f}_score"),
                "score_label": Score(getattr(self, f"{f}_score")).label
                if getattr(self, f"{f}_score")
                else "",
                "rationale": getattr(self, f"{f}_rationale"),
            }
            for f in FACTORS
        ]

    def clean(self):
        super().clean()
        errors = {}
        for f in FACTORS:
            if not (getattr(self, f"{f}_rationale") or "").strip():
                errors[f"{f}_rationale"] = (
                    f"Write the rationale for the {Factor(f).label.lower()} score."
                )
        if (
            self.grade
            and self.proposed_grade
            and self.grade != self.proposed_grade
            and not self.override_reason.strip()
        ):
            errors["override_reason"] = "Say why the grade differs from the proposed grade."
        if self.previous_id and not self.reason_for_reassessment.strip():
            errors["reason_for_reassessment"] = "Say what changed since the last assessment."
        previous = self.previous if self.previous_id else None
        if previous is not None and previous.incident_id != self.incident_id:
            errors["previous"] = "The previous assessment is of another incident."
        if errors:
            raise ValidationError(errors)


class SafeguardingAction(AuditedModel):
    """One action of an incident's safeguarding plan."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("description", "person", "outcome", "cancel_reason")

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="safeguarding_actions"
    )
    # Indexes cost the sweep's bulk UPDATE on every row: FKs never searched by are left without
    # one, and the owner's is the (owner, status) index below.
    assessment = models.ForeignKey(
        ThriveAssessment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="actions",
        help_text="The assessment the action was planned under.",
    )
    kind = models.CharField("type", max_length=24, choices=ActionKind.choices)
    description = models.TextField(blank=True, max_length=2000)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Whom the action is for, when it is one person.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="safeguarding_actions",
    )
    grade = models.CharField(
        max_length=12,
        choices=Grade.choices,
        help_text="The incident's grade when the due time was set.",
    )
    due_at = models.DateTimeField("due")
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    overdue = models.BooleanField(
        default=False, help_text="Found past its due time while still open."
    )
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        db_index=False,
        related_name="+",
    )
    started_at = models.DateTimeField(
        null=True, blank=True, help_text="When work on it first began."
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(
        blank=True, max_length=2000, help_text="What was done (given on completing)."
    )
    seen = models.CharField(
        "who was seen", max_length=300, blank=True, help_text="Given on completing."
    )
    result = models.CharField(
        max_length=16, choices=OutcomeResult.choices, blank=True, help_text="Given on completing."
    )
    cancel_reason = models.TextField(blank=True, max_length=2000)
    exposure = models.ForeignKey(
        "ExposureEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        help_text="The exposure event whose welfare rule started the action.",
    )
    welfare_rule = models.CharField(
        max_length=40, blank=True, help_text="The rule of welfare.WELFARE that started it."
    )

    class Meta:
        ordering = ["due_at", "pk"]
        permissions = [
            ("work_safeguardingaction", "Can start, complete and cancel safeguarding actions"),
            ("reopen_safeguardingaction", "Can reopen a done or cancelled safeguarding action"),
            ("view_safeguarding_overview", "Can see the supervisor's view of safeguarding work"),
            (
                "view_safeguarding_counts",
                "Can see safeguarding counts and officer hours (no names)",
            ),
        ]
        indexes = [
            # The deadline sweep runs every minute: this index holds only the actions not yet
            # announced, so a sweep with nothing new to mark reads next to nothing. (Its
            # condition has no parameter, so SQLite's planner can use it too.)
            models.Index(
                fields=["status", "due_at"],
                name="sg_action_unannounced",
                condition=models.Q(overdue_notified_at__isnull=True),
            ),
            models.Index(fields=["owner", "status"], name="sg_action_owner_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.incident})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def is_past_due(self) -> bool:
        return self.is_active and self.due_at is not None and self.due_at < timezone.now()

    def clean(self):
        super().clean()
        errors = {}
        if self.due_at and self.incident_id and self.due_at < self.incident.occurred_at:
            errors["due_at"] = "An action cannot be due before its incident occurred."
        if self.kind == ActionKind.OTHER and not self.description.strip():
            errors["description"] = "Describe the action."
        if self.status == ActionStatus.CANCELLED and not self.cancel_reason.strip():
            errors["cancel_reason"] = "Give the reason for cancelling the action."
        assessment = self.assessment if self.assessment_id else None
        if (
            assessment is not None
            and self.incident_id
            and assessment.incident_id != self.incident_id
        ):
            errors["assessment"] = "The assessment is of another incident."
        if errors:
            raise ValidationError(errors)


class ActionEvent(WorkflowEvent):
    """Each step of an action's life (a change of state, owner or due time), with who and why."""

    action = models.ForeignKey(SafeguardingAction, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass


class ExposureKind(models.TextChoices):
    CONFRONTATION = "confrontation", "Confrontation (sting)"
    STREAM = "stream", "Live stream"
    ARREST = "arrest", "Arrest"
    INTERVIEW = "interview", "Interview"
    RELEASED_ON_BAIL = "released_on_bail", "Released on bail"
    RELEASED_UNDER_INVESTIGATION = "released_rui", "Released under investigation"
    RELEASED_NFA = "released_nfa", "Released with no further action"
    CHARGE = "charge", "Charged"
    PUBLICATION = "publication", "Publication or re-upload found"


class ExposureEvent(AuditedModel):
    """One moment of a person's exposure after an incident (the sting, the stream, the
    arrest, a release, each publication found). Each starts the welfare actions the force's
    table sets for it (``welfare.WELFARE``)."""

    personal_fields = ("person", "kind", "detail", "threats_received", "loss_of_job_or_home")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="exposure_events"
    )
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="exposure_events"
    )
    kind = models.CharField("what happened", max_length=20, choices=ExposureKind.choices)
    occurred_at = models.DateTimeField("when")
    detail = models.TextField(
        blank=True,
        max_length=2000,
        help_text="Where it was published, the custody reference, the bail date.",
    )
    threats_received = models.BooleanField(
        default=False, help_text="Threats made against the person or the household."
    )
    loss_of_job_or_home = models.BooleanField(
        default=False, help_text="The person has lost a job or a home since the exposure."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "pk"]
        indexes = [models.Index(fields=["person", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.incident})"

    def clean(self):
        super().clean()
        errors = {}
        incident = self.incident if self.incident_id else None
        if self.occurred_at and incident is not None and self.occurred_at < incident.occurred_at:
            errors["occurred_at"] = (
                "An exposure event cannot be before the incident: it occurred "
                f"{timezone.localtime(incident.occurred_at):%d/%m/%Y %H:%M}."
            )
        if self.occurred_at and self.occurred_at > timezone.now() + datetime.timedelta(minutes=5):
            errors["occurred_at"] = "An exposure event cannot be in the future."
        if errors:
            raise ValidationError(errors)


class Escalation(AuditedModel):
    """One rung of the escalation ladder (``escalation.LADDER``) taken for one action: who was
    told, why and when. A rung is taken once per action and clock (``clock_from``)."""

    action = models.ForeignKey(
        SafeguardingAction, on_delete=models.CASCADE, related_name="escalations"
    )
    grade = models.CharField(max_length=12, choices=Grade.choices)
    trigger = models.CharField(max_length=16)
    rung = models.PositiveSmallIntegerField(help_text="The rung's number on the grade's ladder.")
    to = models.CharField("escalated to", max_length=20)
    clock_from = models.DateTimeField(help_text="When the trigger's clock started.")
    escalated_at = models.DateTimeField(default=timezone.now)
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["-escalated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "grade", "trigger", "rung", "clock_from"],
                name="sg_escalation_once",
            )
        ]
        indexes = [models.Index(fields=["escalated_at"])]

    def __str__(self) -> str:
        return f"Escalation of {self.action}: {self.reason}"


class TimeEntry(AuditedModel):
    """Officer time spent on an action: the demand figure a force shows its council."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("note",)

    action = models.ForeignKey(
        SafeguardingAction, on_delete=models.CASCADE, related_name="time_entries"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    minutes = models.PositiveIntegerField()
    spent_on = models.DateField("date worked")
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-spent_on", "-pk"]
        verbose_name_plural = "time entries"
        indexes = [models.Index(fields=["spent_on"])]

    def __str__(self) -> str:
        return f"{self.minutes} min on {self.action}"

    def clean(self):
        super().clean()
        errors = {}
        if self.minutes is not None and not 1 <= self.minutes <= 24 * 60:
            errors["minutes"] = "Give between 1 minute and 24 hours (1440 minutes)."
        if self.spent_on and self.spent_on > timezone.localdate():
            errors["spent_on"] = "The date worked is in the future."
        if (
            self.spent_on
            and self.action_id
            and self.spent_on < timezone.localtime(self.action.incident.occurred_at).date()
        ):
            errors["spent_on"] = "The date worked is before the incident occurred."
        if errors:
            raise ValidationError(errors)
