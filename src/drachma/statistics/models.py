"""Monthly counts of incidents, kept in step with the incidents table.

Statistics are read from here for whole months and from the incidents table only for the
part-months at the ends of a period, so a query's cost does not grow with the number of
incidents (bench/stats.py). Each incident adds one to the row of its month and area for
every dimension: ``total`` (value ""), and each of source, kind, outcome, status, recording
officer and group (one row per group). ``statistics.rollup`` keeps the rows in step: incidents'
services call it on every change they make (``incidents.figures``); ``manage.py
rebuild_statistics`` recomputes them.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from drachma.core.models import AuditedModel, WorkflowEvent


class MonthlyCount(AuditedModel):
    month = models.DateField(help_text="First day of the month, UK time.")
    # Plain ids, 0 for "none": a NULL would defeat the unique key that upserts rely on.
    borough_id = models.IntegerField()
    ward_id = models.IntegerField()
    dimension = models.CharField(max_length=10)
    value = models.CharField(max_length=40, blank=True)
    n = models.IntegerField()

    audit_exclude = True  # derived figures, no personal data

    class Meta:
        permissions = [
            ("view_statistics", "Can see statistics, hotspots and charts"),
            ("answer_foi", "Can produce Freedom of Information answers and board reports"),
            ("export_incidents", "Can export incidents without personal data"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "month", "borough_id", "ward_id", "value"],
                name="unique_monthly_count",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dimension}={self.value}: {self.n}"


# --- Freedom of Information requests ----------------------------------------------------------

# The Freedom of Information Act 2000, s.10(1): an answer "not later than the twentieth working
# day following the date of receipt".
FOI_WORKING_DAYS = 20


class FOIStatus(models.TextChoices):
    OPEN = "open", "Awaiting an answer"
    ANSWERED = "answered", "Answered"


class Exemption(models.TextChoices):
    """The Act's exemptions a force most often applies to figures about this work."""

    S21 = "s21", "Section 21: information accessible by other means"
    S23 = "s23", "Section 23: information supplied by or concerning security bodies"
    S24 = "s24", "Section 24: national security"
    S30 = "s30", "Section 30: investigations and proceedings"
    S31 = "s31", "Section 31: law enforcement"
    S38 = "s38", "Section 38: health and safety"
    S40 = "s40", "Section 40: personal information"


class FOIRequest(AuditedModel):
    """A Freedom of Information request for figures: what was asked, when it arrived, when the
    Act says it must be answered, and the answer as published (with the small-number judgement
    and the exemptions applied). Its status changes only through ``statistics.workflow.FOI``."""

    personal_fields = ("requester_reference", "question")
    reference = models.CharField(max_length=20, unique=True, editable=False)
    received_on = models.DateField(help_text="The day the force received the request.")
    requester_reference = models.CharField(
        max_length=100, help_text="The reference the requester or the FOI unit gave the request."
    )
    question = models.TextField(max_length=5000, help_text="The request, as written.")
    period_start = models.DateField("Figures from")
    period_end = models.DateField("Figures to")
    breakdowns = models.JSONField(default=list, help_text="The breakdowns asked for.")
    areas = models.JSONField(default=list, blank=True, help_text="Area codes; none: any area.")
    due_on = models.DateField(editable=False)
    status = models.CharField(max_length=20, choices=FOIStatus.choices, default=FOIStatus.OPEN)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_on_time = models.BooleanField(null=True, blank=True)
    answer = models.JSONField(default=dict, blank=True, help_text="The answer as published.")
    judgement = models.JSONField(
        default=dict, blank=True, help_text="The small-number judgement behind the answer."
    )

    class Meta:
        verbose_name = "FOI request"
        ordering = ["due_on", "pk"]
        permissions = [("answer_foirequest", "Can answer Freedom of Information requests")]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        today = timezone.localdate()
        if self.received_on and self.received_on > today:
            errors["received_on"] = (
                f"The request cannot have been received in the future "
                f"({self.received_on:%d/%m/%Y} is after today, {today:%d/%m/%Y})."
            )
        if self.received_on and self.received_on < datetime.date(2005, 1, 1):
            errors["received_on"] = "The Act came into force on 1 January 2005."
        if not (self.requester_reference or "").strip():
            errors["requester_reference"] = "Give the requester's reference."
        if not (self.question or "").strip():
            errors["question"] = "Give the request as written."
        if errors:
            raise ValidationError(errors)

    @property
    def overdue(self) -> bool:
        return self.status == FOIStatus.OPEN and timezone.localdate() > self.due_on


class FOIEvent(WorkflowEvent):
    """Each step of a request's life: recorded, answered."""

    request = models.ForeignKey(FOIRequest, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass


class FOIExemption(AuditedModel):
    """An exemption applied to part of an answer, with the reason the Act requires be given
    (s.17: the refusal notice states the exemption and why it applies)."""

    request = models.ForeignKey(FOIRequest, on_delete=models.CASCADE, related_name="exemptions")
    section = models.CharField(max_length=4, choices=Exemption.choices)
    reason = models.TextField(max_length=2000)

    class Meta:
        ordering = ["section"]
        constraints = [
            models.UniqueConstraint(fields=["request", "section"], name="unique_foi_exemption")
        ]

    def __str__(self) -> str:
        return f"{self.request} {Exemption(self.section).label}"

    def clean(self) -> None:
        super().clean()
        if not (self.reason or "").strip():
            raise ValidationError({"reason": f"Give the reason {self.section} applies."})
