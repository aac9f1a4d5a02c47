"""Graded intelligence about groups (OCAGs); the group register is ``drachma.groups``."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from drachma.core.models import AuditedModel, ReviewableRecord, WorkflowEvent
from drachma.core.validators import validate_not_future


class SourceEvaluation(models.TextChoices):
    RELIABLE = "1", "1: reliable"
    UNTESTED = "2", "2: untested"
    NOT_RELIABLE = "3", "3: not reliable"


class IntelligenceAssessment(models.TextChoices):
    KNOWN_DIRECTLY = "A", "A: known directly to the source"
    INDIRECT_CORROBORATED = "B", "B: known indirectly but corroborated"
    INDIRECT = "C", "C: known indirectly"
    NOT_KNOWN = "D", "D: not known"
    SUSPECTED_FALSE = "E", "E: suspected to be false"


class HandlingCode(models.TextChoices):
    PERMITTED = "P", "P: lawful sharing permitted"
    CONDITIONS = "C", "C: lawful sharing permitted with conditions"


class SourceType(models.TextChoices):
    OPEN_SOURCE = "open_source", "Open source (public posts, streams)"
    OFFICER = "officer", "Officer observation"
    MEMBER_OF_PUBLIC = "public", "Member of the public"
    PARTNER_AGENCY = "partner", "Partner agency"
    PLATFORM = "platform", "Platform"
    GROUP_SELF_REPORT = "group", "Group self-report"


# The previous 5x5x5 grading: source evaluation A-E, intelligence evaluation 1-5, handling 1-5.
LEGACY_GRADING = re.compile(r"[A-E][1-5][1-5]")


class IntelligenceStatus(models.TextChoices):
    REQUIRES_ASSESSMENT = "requires_assessment", "Requires assessment"
    RETURNED = "returned", "Returned for correction"
    ASSESSED = "assessed", "Assessed, requires linking"
    LINKED = "linked", "Linked"


class IntelligenceEntry(ReviewableRecord):
    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("source_description", "text", "sanitised_text", "returned_reason")

    reference = models.CharField(max_length=20, unique=True, editable=False)
    group = models.ForeignKey(
        "groups.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intelligence",
    )
    learned_at = models.DateTimeField(
        "learned", validators=[validate_not_future], help_text="When this was learned."
    )
    source_type = models.CharField(max_length=12, choices=SourceType.choices)
    source_description = models.CharField(max_length=300, blank=True)
    source_evaluation = models.CharField(max_length=1, choices=SourceEvaluation.choices)
    intelligence_assessment = models.CharField(max_length=1, choices=IntelligenceAssessment.choices)
    handling_code = models.CharField(max_length=1, choices=HandlingCode.choices)
    handling_conditions = models.TextField(blank=True, max_length=2000)
    legacy_grading = models.CharField(
        "previous 5x5x5 grading",
        max_length=3,
        blank=True,
        help_text="Older records may carry an E/1–5/H grading; kept as received.",
    )
    text = models.TextField("intelligence", max_length=20000)
    sanitised_text = models.TextField(
        blank=True,
        max_length=20000,
        help_text="Source and subject identifiers removed, for sharing.",
    )
    status = models.CharField(
        max_length=20,
        choices=IntelligenceStatus.choices,
        default=IntelligenceStatus.REQUIRES_ASSESSMENT,
    )
    returned_reason = models.TextField(blank=True, max_length=5000)  # a step note
    incidents = models.ManyToManyField(
        "incidents.Incident", blank=True, related_name="intelligence"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["-learned_at"]
        verbose_name_plural = "intelligence entries"
        permissions = [("assess_intelligenceentry", "Can assess and link intelligence")]

    def __str__(self) -> str:
        return f"{self.reference} ({self.grading})"

    @property
    def grading(self) -> str:
        """The 3x5x2 code, e.g. ``2BC``."""
        return f"{self.source_evaluation}{self.intelligence_assessment}{self.handling_code}"

    def clean(self):
        super().clean()
        if self.legacy_grading and not LEGACY_GRADING.fullmatch(self.legacy_grading):
            raise ValidationError(
                {
                    "legacy_grading": "A 5x5x5 grading is a source letter A-E, then intelligence "
                    "and handling numbers 1-5, e.g. B24."
                }
            )
        if self.handling_code == HandlingCode.CONDITIONS and not self.handling_conditions.strip():
            raise ValidationError(
                {"handling_conditions": "Handling code C needs the conditions written down."}
            )
        if self.handling_code == HandlingCode.PERMITTED and self.handling_conditions.strip():
            raise ValidationError(
                {"handling_conditions": "Conditions apply only to handling code C."}
            )


class IntelligenceEvent(WorkflowEvent):
    """One step of an entry's workflow: who moved it, from what, to what, and why."""

    entry = models.ForeignKey(IntelligenceEntry, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass


class SanitisedDisclosure(AuditedModel):
    """A sanitised copy of an entry given to someone outside: to whom, under which handling
    code, when, by whom and why. Written by ``services.disclose_entry``; each row is audited."""

    personal_fields = ("recipient", "reason")

    entry = models.ForeignKey(
        IntelligenceEntry, on_delete=models.PROTECT, related_name="disclosures"
    )
    recipient = models.CharField(
        max_length=300, help_text="The organisation or person the sanitised copy went to."
    )
    handling_code = models.CharField(max_length=1, choices=HandlingCode.choices)
    disclosed_on = models.DateField("disclosed")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-disclosed_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.entry.reference} to {self.recipient} ({self.handling_code})"
