"""The register of data subjects' rights requests under Part 3 of the Data Protection Act 2018
(law enforcement processing): access (s.45), rectification (s.46), erasure and restriction
(s.47), each answered within the applicable time period (s.54). docs/rights.md explains the
register with the sections of the Act.

A request's state changes only through ``rights.workflow.RIGHTS``. What the search found is
kept as ``RightsRequestItem`` rows (any record of any app, by content type and id), each with
its decision: disclose, withhold under one of the restrictions of s.45(4) with the reason, or
"not about the requester" (a false match of the search).
"""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from drachma.core.models import AuditedModel, WorkflowEvent

# s.54(3A), inserted by the Data (Use and Access) Act 2025: the period may be extended "by
# two further months" where complexity or the number of requests makes it necessary.
EXTENSION_MONTHS = 2


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months on; the month's last day when it has no such
    day (received 31 January: due 28 or 29 February), as the ICO counts a calendar month."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Right(models.TextChoices):
    ACCESS = "access", "Access (s.45)"
    RECTIFICATION = "rectification", "Rectification (s.46)"
    ERASURE = "erasure", "Erasure (s.47(1))"
    RESTRICTION = "restriction", "Restriction of processing (s.47(2) and (3))"


class IdentityCheck(models.TextChoices):
    """How the requester's identity was verified (s.52(4): the controller may ask for the
    information it needs to confirm it)."""

    PHOTO_ID = "photo_id", "Photographic identity document seen (passport, driving licence)"
    IN_PERSON = "in_person", "Seen in person at a police station with identity documents"
    DOCUMENTS = "documents", "Two documents with name and address (bill, bank statement)"
    REPRESENTATIVE = "representative", "Solicitor or representative with signed authority"


class RightsState(models.TextChoices):
    REGISTERED = "registered", "Registered"
    SEARCHING = "searching", "Searching"
    DECIDING = "deciding", "Deciding"
    ANSWERED = "answered", "Answered"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ExtensionGround(models.TextChoices):
    """s.54(3A): the only grounds on which the period may be extended."""

    COMPLEXITY = "complexity", "The complexity of the requests (s.54(3A)(a))"
    NUMBER = "number", "The number of the requests (s.54(3A)(b))"


class RightsRequest(AuditedModel):
    """One request by a data subject: who asked and how their identity was verified, which
    right, when it was received and when it must be answered, and its answer."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = (
        "requester_name",
        "requester_date_of_birth",
        "requester_address",
        "requester_email",
        "requester_phone",
        "requester_handles",
        "identity_note",
        "details",
        "extension_reason",
        "answer_note",
    )

    reference = models.CharField(max_length=20, unique=True, editable=False)
    right = models.CharField(max_length=20, choices=Right.choices)
    requester_name = models.CharField(
        "requester's name", max_length=200, help_text="The data subject's full name."
    )
    requester_date_of_birth = models.DateField("requester's date of birth", null=True, blank=True)
    requester_address = models.TextField("requester's address", max_length=500, blank=True)
    requester_email = models.EmailField("requester's e-mail address", max_length=254, blank=True)
    requester_phone = models.CharField("requester's telephone", max_length=40, blank=True)
    requester_handles = models.CharField(
        "requester's online names",
        max_length=300,
        blank=True,
        help_text="Usernames or handles on platforms, separated by commas.",
    )
    identity_check = models.CharField(
        "identity verified by", max_length=20, choices=IdentityCheck.choices
    )
    identity_note = models.CharField(
        "identity check note",
        max_length=300,
        blank=True,
        help_text="What was seen (a document's type and last digits, never a copy of it).",
    )
    details = models.TextField(
        "what is asked",
        max_length=5000,
        blank=True,
        help_text="The request as made; for rectification, what is wrong and what it should be.",
    )
    received_on = models.DateField(help_text="The day the force received the request.")
    due_on = models.DateField(editable=False)
    extended_to = models.DateField(null=True, blank=True, editable=False)
    extension_ground = models.CharField(
        max_length=12, choices=ExtensionGround.choices, blank=True, editable=False
    )
    extension_reason = models.TextField(max_length=2000, blank=True, editable=False)
    state = models.CharField(
        max_length=12, choices=RightsState.choices, default=RightsState.REGISTERED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    searched_at = models.DateTimeField(null=True, blank=True, editable=False)
    answered_at = models.DateTimeField(null=True, blank=True, editable=False)
    answer_note = models.TextField(max_length=5000, blank=True, editable=False)

    class Meta:
        ordering = ["-received_on", "-pk"]
        permissions = [
            (
                "handle_rightsrequest",
                "Can search, decide and answer data protection rights requests",
            )
        ]
        indexes = [models.Index(fields=["state", "due_on"])]

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
        if self.received_on and self.received_on < datetime.date(2018, 5, 25):
            errors["received_on"] = "Part 3 of the Act came into force on 25 May 2018."
        if not (self.requester_name or "").strip():
            errors["requester_name"] = "Give the requester's full name."
        if self.requester_date_of_birth and self.requester_date_of_birth > today:
            errors["requester_date_of_birth"] = "The date of birth is in the future."
        if (
            self.right in (Right.RECTIFICATION, Right.ERASURE, Right.RESTRICTION)
            and not (self.details or "").strip()
        ):
            errors["details"] = (
                "Say what the requester asks to be corrected, erased or restricted, and why."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def deadline(self) -> datetime.date:
        """The day it must be answered by: the extended date, once extended."""
        return self.extended_to or self.due_on

    @property
    def open(self) -> bool:
        return self.state in (RightsState.REGISTERED, RightsState.SEARCHING, RightsState.DECIDING)

    @property
    def overdue(self) -> bool:
        return self.open and timezone.localdate() > self.deadline

    @property
    def handles(self) -> list[str]:
        return [
            h.strip().lstrip("@") for h in (self.requester_handles or "").split(",") if h.strip()
        ]


class RightsRequestEvent(WorkflowEvent):
    """Each step of a request's life: registered, searched, extended, decided, answered."""

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass


class Decision(models.TextChoices):
    PENDING = "pending", "Not yet decided"
    DISCLOSE = "disclose", "Disclose"
    WITHHOLD = "withhold", "Withhold under a restriction"
    NOT_THEIRS = "not_theirs", "Not about the requester"


class Ground(models.TextChoices):
    """The restrictions of s.45(4) (the same grounds restrict s.48's notices)."""

    INQUIRY = "s45_4_a", "s.45(4)(a): avoid obstructing an official or legal inquiry"
    PREJUDICE = (
        "s45_4_b",
        (
            "s.45(4)(b): avoid prejudicing the prevention, detection, investigation or "
            "prosecution of offences"
        ),
    )
    PUBLIC_SECURITY = "s45_4_c", "s.45(4)(c): protect public security"
    NATIONAL_SECURITY = "s45_4_d", "s.45(4)(d): protect national security"
    OTHERS = "s45_4_e", "s.45(4)(e): protect the rights and freedoms of others"


class Outcome(models.TextChoices):
    """What was done to an item for rectification, erasure or restriction."""

    NONE = "", "Nothing yet"
    RECTIFIED = "rectified", "Rectified"
    ERASED = "erased", "Erased"
    RESTRICTED = "restricted", "Restricted"


class RightsRequestItem(AuditedModel):
    """One record the search found: what it is, a summary, the data it holds about the
    requester (third parties' names already replaced by [redacted]), and the decision."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("summary", "matched_on", "data", "reason", "outcome_note")

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="items")
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=60, help_text="What the record is, in words.")
    summary = models.CharField(max_length=300)
    matched_on = models.CharField(max_length=200, help_text="Why the search found it.")
    data = models.JSONField(
        default=dict, blank=True, help_text="What it holds about the requester, redacted."
    )
    redactions = models.PositiveIntegerField(default=0)
    decision = models.CharField(max_length=12, choices=Decision.choices, default=Decision.PENDING)
    ground = models.CharField(max_length=8, choices=Ground.choices, blank=True)
    reason = models.TextField(max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "content_type", "object_id"], name="unique_rights_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request}: {self.kind} {self.summary[:60]}"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.decision == Decision.WITHHOLD:
            if not self.ground:
                errors["ground"] = "Withholding needs the restriction of s.45(4) that applies."
            if not (self.reason or "").strip():
                errors["reason"] = "Give the reason the restriction applies to this record."
        elif self.ground:
            errors["ground"] = "A restriction is stated only for a record that is withheld."
        if self.decision == Decision.NOT_THEIRS and not (self.reason or "").strip():
            errors["reason"] = "Say why the record is not about the requester."
        if errors:
            raise ValidationError(errors)
