"""Abstract records shared by the domain apps, and the reference counters."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from drachma.core import workflow
from drachma.core.querysets import AuditedManager
from drachma.core.validators import text_length_errors


class MoPIGroup(models.IntegerChoices):
    """Management of Police Information retention groups (see docs/records.md)."""

    PUBLIC_PROTECTION = 1, "Group 1: certain public protection matters"
    SERIOUS = 2, "Group 2: other sexual, violent or serious offences"
    OTHER = 3, "Group 3: all other offences"
    UNDETERMINED = 4, "Group 4: undetermined / not yet assessed"


# Clear years before the first review, by MoPI group (College of Policing APP; group 1 is
# reviewed every ten years while retained). Group 4 records are reviewed early because
# their group has not yet been decided.
MOPI_REVIEW_YEARS = {1: 10, 2: 10, 3: 6, 4: 1}


def default_review_date(group: int, start: datetime.date | None = None) -> datetime.date:
    start = start or timezone.localdate()
    years = MOPI_REVIEW_YEARS[int(group)]
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


_NOT_LOADED = object()


class AuditedModel(models.Model):
    """The base of Drachma's records: bulk writes through its manager are audited
    (``core.querysets``), and a copy masked for a viewer (``core.personal.mask``) cannot be
    saved over the real values."""

    objects = AuditedManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.masked:
            raise PermissionDenied(
                f"This copy of {self._meta.verbose_name} was masked for a viewer "
                f"({', '.join(sorted(self.masked))} hidden) and cannot be saved."
            )
        self._refuse_state_written_by_hand()
        super().save(*args, **kwargs)
        state_field = workflow.STATE_FIELDS.get(type(self))
        if state_field is not None:
            self._loaded_state = getattr(self, state_field)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        state_field = workflow.STATE_FIELDS.get(cls)
        if state_field is not None and state_field in instance.__dict__:
            instance._loaded_state = instance.__dict__[state_field]
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        state_field = workflow.STATE_FIELDS.get(type(self))
        if state_field is not None and state_field in self.__dict__:
            self._loaded_state = self.__dict__[state_field]

    def _refuse_state_written_by_hand(self) -> None:
        """A workflow's state changes only through its machine's ``apply`` (which locks the
        row, checks the step, keeps the history and audits it); a record is created in its
        first state, and never moved by assigning the field."""
        state_field = workflow.STATE_FIELDS.get(type(self))
        if state_field is None or self._state.adding or getattr(self, workflow.APPLYING, None):
            return
        loaded = self.__dict__.get("_loaded_state", _NOT_LOADED)
        if loaded is not _NOT_LOADED and getattr(self, state_field) != loaded:
            raise PermissionDenied(
                f"{type(self).__name__}.{state_field} changes only through its workflow "
                f"(from {loaded!r} to {getattr(self, state_field)!r} was written by hand)."
            )

    @property
    def masked(self) -> frozenset[str]:
        """The fields hidden from the viewer this copy was read for."""
        return getattr(self, "_masked_fields", frozenset())


class TimeStampedModel(AuditedModel):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ReviewableRecord(TimeStampedModel):
    """A record about people: it carries a MoPI group and a review date."""

    mopi_group = models.PositiveSmallIntegerField(
        "MoPI group", choices=MoPIGroup.choices, default=MoPIGroup.UNDETERMINED
    )
    review_date = models.DateField(
        blank=True, help_text="When the record must next be reviewed for retention."
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.review_date:
            self.review_date = default_review_date(self.mopi_group)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = text_length_errors(self)
        if self.review_date and self.review_date < datetime.date(2000, 1, 1):
            errors["review_date"] = "The review date is implausibly early."
        if errors:
            raise ValidationError(errors)


class ReferenceCounter(models.Model):
    """The last number issued for a reference series such as DR-2026-…"""

    prefix = models.CharField(max_length=8)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="unique_reference_series")
        ]

    audit_exclude = True

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"

    @classmethod
    def next_reference(cls, prefix: str, year: int | None = None, width: int = 6) -> str:
        """Issue the next reference of a series, e.g. ``DR-2026-000123``; gap-free per year."""
        year = year or timezone.localdate().year
        with transaction.atomic():
            counter, _ = cls.objects.select_for_update().get_or_create(prefix=prefix, year=year)
            counter.last_number = models.F("last_number") + 1
            counter.save(update_fields=["last_number"])
            counter.refresh_from_db(fields=["last_number"])
        return f"{prefix}-{year}-{counter.last_number:0{width}d}"


class Notification(AuditedModel):
    """A message for a user shown in the app (and usually also e-mailed)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(default=timezone.now)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.subject


class WorkflowEvent(AuditedModel):
    """One step of a workflow, kept as its history: the shared shape of every event model.

    A concrete event model adds its foreign key to the record (and any fields of its own);
    ``core.workflow.StateMachine.apply`` writes one row per transition. Events are never
    changed or deleted. They are not audited row by row: the transition's own audit entry
    names the event and every field the step changed.
    """

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields: tuple[str, ...] = ("note",)

    transition = models.CharField(max_length=40)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_description = models.CharField(
        max_length=200, blank=True, help_text="Who acted, where no user did (a scheduled sweep)."
    )
    note = models.TextField(blank=True, max_length=5000)

    audit_exclude = True

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.transition} ({self.from_state or '-'} → {self.to_state})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Workflow events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Workflow events are never deleted.")


class Restriction(AuditedModel):
    """A record whose processing is restricted (DPA 2018 Part 3, s.47(2) and (3)): held, but
    not used. Generic (content type and id) and kept here, in the lowest layer, so that every
    app can honour it without importing the rights register that places it
    (``drachma.core.restrictions``; where it is honoured: docs/rights.md). One live
    restriction per record at a time (a unique index on the unlifted rows); lifting keeps the
    row, with who lifted it, when and why."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("object_repr", "reason", "lifted_reason")

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=200, help_text="The record, as it was named.")
    reason = models.TextField(max_length=2000, help_text="Why processing is restricted.")
    request_reference = models.CharField(
        max_length=20, blank=True, help_text="The rights request that asked for it, if any."
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_reason = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        permissions = [
            (
                "view_restricted_record",
                "Can see the details of a record whose processing is restricted",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_live_restriction_per_record",
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"Restriction of {self.object_repr}"

    @property
    def live(self) -> bool:
        return self.lifted_at is None

    def clean(self) -> None:
        super().clean()
        if not (self.reason or "").strip():
            raise ValidationError({"reason": "Give the reason processing is restricted."})
