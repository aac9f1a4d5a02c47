"""Review of records for retention (Management of Police Information)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from drachma.core.models import AuditedModel


class ReviewOutcome(models.TextChoices):
    RETAIN = "retain", "Retain until a later review"
    DISPOSE = "dispose", "Dispose of the record"


class RetentionDecision(AuditedModel):
    """A review of one record: retained (with the next review date) or disposed of, and why."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("record_repr", "reason")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    record = GenericForeignKey("content_type", "object_id")
    record_repr = models.CharField(max_length=200)
    outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices)
    reason = models.TextField(max_length=2000)
    previous_review_date = models.DateField()
    next_review_date = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        permissions = [("review_records", "Can review records for retention")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.record_repr}"
