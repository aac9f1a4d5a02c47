"""Evidence: stored files, exhibits and their chain of custody."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from drachma.core.models import AuditedModel, ReviewableRecord, TimeStampedModel, WorkflowEvent


class StoredFile(AuditedModel):
    """One distinct content in the store, by SHA-256. Many exhibits may share it."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.BigIntegerField()
    media_type = models.CharField(max_length=100, blank=True)
    first_stored_at = models.DateTimeField(default=timezone.now)
    # Set when the bytes are removed on purpose (every exhibit using them disposed of), so that
    # `verify_evidence` expects them gone rather than reporting them missing.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-first_stored_at"]

    def __str__(self) -> str:
        return f"sha256:{self.sha256[:12]}… ({self.size} bytes)"


class ReceivedFrom(models.TextChoices):
    GROUP = "group", "A group"
    PUBLIC = "public", "A member of the public"
    PLATFORM = "platform", "A platform"
    OFFICER = "officer", "An officer"
    PARTNER = "partner", "A partner agency"


class EvidenceKind(models.TextChoices):
    CHAT_EXPORT = "chat_export", "Chat export"
    SCREENSHOT = "screenshot", "Screenshot"
    IMAGE = "image", "Image"
    VIDEO = "video", "Video"
    AUDIO = "audio", "Audio"
    DOCUMENT = "document", "Document"
    OTHER = "other", "Other"


class CustodyState(models.TextChoices):
    """Where an exhibit stands in its chain of custody (``workflow.CUSTODY``)."""

    NOT_RECEIVED = "not_received", "Not yet received"
    RECEIVED = "received", "Received, not yet logged"
    IN_CUSTODY = "in_custody", "In custody"
    RETURNED = "returned", "Returned"
    DISPOSED = "disposed", "Disposed of"


class EvidenceItem(ReviewableRecord):
    """An exhibit: a stored file as received, with where it came from."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("original_filename", "description", "received_from", "custody_holder")

    exhibit_ref = models.CharField("exhibit reference", max_length=20, unique=True, editable=False)
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="items")
    original_filename = models.CharField(max_length=255)
    kind = models.CharField(max_length=15, choices=EvidenceKind.choices, default=EvidenceKind.OTHER)
    description = models.TextField(blank=True, max_length=5000)
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
    )
    received_from_type = models.CharField(max_length=10, choices=ReceivedFrom.choices)
    received_from = models.CharField(max_length=200, blank=True, help_text="Who handed it over.")
    received_at = models.DateTimeField(default=timezone.now)
    received_via = models.CharField(
        max_length=100, help_text="e.g. 'upload', 'the reporting page', 'takedown capture'."
    )
    # May be an indecent image: its bytes are never served by the evidence pages (no download,
    # no preview); only the digital forensics unit downloads it, from intake's quarantine.
    quarantined = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Kept by the custody workflow (workflow.CUSTODY) as each step is taken: where the chain
    # stands and who holds the exhibit now, so nothing has to replay the chain to know.
    custody_state = models.CharField(
        max_length=20,
        choices=CustodyState.choices,
        default=CustodyState.NOT_RECEIVED,
        editable=False,
    )
    custody_holder = models.CharField(
        "held by",
        max_length=200,
        blank=True,
        editable=False,
        help_text="Who holds the exhibit now, by the chain of custody.",
    )
    chat_parse_problem = models.TextField(
        blank=True,
        max_length=2000,
        help_text=(
            "Why reading this file as a chat export on arrival failed; the file itself is kept "
            "as received."
        ),
    )

    class Meta:
        ordering = ["-received_at"]
        permissions = [("export_bundle", "Can export the prosecutor's bundle")]

    def __str__(self) -> str:
        return f"{self.exhibit_ref} {self.original_filename}"

    @property
    def sha256(self) -> str:
        return self.stored_file.sha256


class CustodyEventKind(models.TextChoices):
    RECEIVED = "received", "Received"
    LOGGED = "logged", "Logged"
    TRANSFERRED = "transferred", "Transferred"
    EXAMINED = "examined", "Examined"
    COPIED = "copied", "Copied"
    RETURNED = "returned", "Returned"
    DISPOSED = "disposed", "Disposed"


class CustodyEvent(WorkflowEvent):
    """One step in an exhibit's chain of custody (the shared shape of every workflow's history,
    ``core.models.WorkflowEvent``): the step taken is its ``transition``, one of the custody
    event kinds. Append-only."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("note", "from_party", "to_party")

    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="custody_events")
    # The kinds, in the past tense the continuity statement prints ("Logged", "Transferred").
    transition = models.CharField(max_length=40, choices=CustodyEventKind.choices)
    from_party = models.CharField(max_length=200, blank=True)
    to_party = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=200, blank=True)
    sha256_verified = models.CharField(
        max_length=64, blank=True, help_text="The hash computed at this step, if it was checked."
    )

    class Meta(WorkflowEvent.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.item.exhibit_ref}: {self.get_transition_display()} {self.at:%Y-%m-%d %H:%M}"


class ParsedConversation(AuditedModel):
    """What Drachma read from a chat-export exhibit, and the quality report on it.

    The messages themselves are not copied into the database: they are re-derived from the
    stored bytes with the same options (zone, date order), so the exhibit stays the one
    source. The zone used to turn the phone's wall clock into UTC is recorded here, with
    whether it was chosen or assumed.
    """

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("participants",)

    item = models.OneToOneField(EvidenceItem, on_delete=models.PROTECT, related_name="conversation")
    format = models.CharField(max_length=20)
    locale = models.CharField(max_length=20, blank=True)
    zone_name = models.CharField("time zone", max_length=64)
    zone_source = models.CharField(
        max_length=10, help_text="'caller' when the officer chose the zone, 'default' when assumed."
    )
    zone_assumed = models.BooleanField(
        default=True, help_text="True when UTC times rest on the zone rather than on the export."
    )
    date_order = models.CharField(max_length=12, default="auto")
    participants = models.JSONField(default=list)
    message_count = models.PositiveIntegerField()
    gap_threshold_hours = models.FloatField(default=24.0)
    quality = models.JSONField(default=dict)
    artefact_counts = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            "Messages per kind of export artefact moved out of their text (direction_marks, "
            "attachment_markers, edited_marker, trailing_whitespace, empty_body_marker) and "
            "messages from unknown senders (unknown_sender)."
        ),
    )
    text_as_written = models.BooleanField(
        default=True,
        help_text=(
            "The messages were read with export artefacts moved out of their text. False for a "
            "conversation read before that and not yet read again (see rederive_problem)."
        ),
    )
    rederive_problem = models.TextField(
        blank=True,
        max_length=2000,
        help_text="Why reading the stored file again (evidence migration 0007) failed.",
    )
    parsed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-parsed_at"]

    def __str__(self) -> str:
        return f"{self.item.exhibit_ref}: {self.format} conversation, {self.message_count} messages"


class DisclosureSchedule(models.TextChoices):
    MG6C = "MG6C", "MG6C: non-sensitive unused material"
    MG6D = "MG6D", "MG6D: sensitive unused material"


class DisclosureStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ProsecutorDecision(models.TextChoices):
    DISCLOSE = "disclose", "Disclose"
    NOT_DISCLOSABLE = "not_disclosable", "Clearly not disclosable"
    INSPECT = "inspect", "Inspect"
    AGREED_SENSITIVE = "agreed_sensitive", "Agreed sensitive, not to be disclosed"
    PII_APPLICATION = "pii_application", "Public-interest-immunity application needed"


class DisclosureEntry(TimeStampedModel):
    """One item of material on an incident, as the disclosure officer schedules it.

    The material is an exhibit (``item``) or any other Drachma record (``content_type`` and
    ``object_id``), or is described only (material held outside Drachma). Unused entries go
    on MG6C (non-sensitive) or MG6D (sensitive); ``number`` runs consecutively across both
    schedules of the incident, as the forms require.
    """

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("description", "sensitivity_reason", "mg6e_reason")

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="disclosure_entries"
    )
    number = models.PositiveIntegerField(editable=False)
    item = models.ForeignKey(
        EvidenceItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disclosure_entries",
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.CharField(max_length=64, blank=True)
    description = models.TextField(
        max_length=2000,
        help_text="Clear enough for the prosecutor to decide whether to inspect; no abbreviations.",
    )
    location = models.CharField(max_length=200, blank=True, help_text="Where the material is held.")
    used = models.BooleanField(
        default=False, help_text="Used material is part of the prosecution case."
    )
    sensitive = models.BooleanField(default=False)
    sensitivity_reason = models.TextField(blank=True, max_length=2000)
    status = models.CharField(
        max_length=10, choices=DisclosureStatus.choices, default=DisclosureStatus.DRAFT
    )
    might_undermine_or_assist = models.BooleanField(
        default=False, help_text="MG6E: might it undermine the prosecution or assist the defence?"
    )
    mg6e_reason = models.TextField("MG6E reason", blank=True, max_length=2000)
    prosecutor_decision = models.CharField(
        max_length=20, choices=ProsecutorDecision.choices, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["incident", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "number"], name="disclosure_number_per_incident"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident.reference} #{self.number}: {self.description[:60]}"

    @property
    def schedule(self) -> str:
        """Which schedule the entry belongs on: "MG6C", "MG6D", or "" for used material."""
        if self.used:
            return ""
        return DisclosureSchedule.MG6D if self.sensitive else DisclosureSchedule.MG6C

    @property
    def record(self) -> models.Model | None:
        content_type = self.content_type if self.content_type_id else None
        if content_type is not None and self.object_id:
            return content_type.get_object_for_this_type(pk=self.object_id)
        return None

    def clean(self):
        super().clean()
        errors = {}
        if not (self.description or "").strip():
            errors["description"] = "Describe the material."
        if self.sensitive and not (self.sensitivity_reason or "").strip():
            errors["sensitivity_reason"] = (
                "Sensitive material needs the reason for its sensitivity (MG6D)."
            )
        if not self.sensitive and (self.sensitivity_reason or "").strip():
            errors["sensitivity_reason"] = "Only sensitive material has a reason for sensitivity."
        if self.item_id and (self.content_type_id or self.object_id):
            errors["item"] = "An entry is for an exhibit or for another record, not both."
        if bool(self.content_type_id) != bool(self.object_id):
            errors["object_id"] = "A record is named by its type and its id together."
        item = self.item if self.item_id else None
        if (
            item is not None
            and self.incident_id
            and item.incident_id not in (None, self.incident_id)
        ):
            errors["item"] = f"Exhibit {item.exhibit_ref} belongs to another incident."
        content_type = self.content_type if self.content_type_id else None
        if content_type is not None and self.object_id and not errors.get("object_id"):
            model = content_type.model_class()
            if model is None or not model._default_manager.filter(pk=self.object_id).exists():
                errors["object_id"] = f"There is no {content_type.name} with id {self.object_id}."
        if self.might_undermine_or_assist and not (self.mg6e_reason or "").strip():
            errors["mg6e_reason"] = (
                "Say why it might undermine the prosecution or assist the defence (MG6E)."
            )
        decision = self.prosecutor_decision
        if decision and self.used:
            errors["prosecutor_decision"] = (
                "Used material is not scheduled; it has no prosecutor's decision."
            )
        elif (
            decision in (ProsecutorDecision.AGREED_SENSITIVE, ProsecutorDecision.PII_APPLICATION)
            and not self.sensitive
        ):
            errors["prosecutor_decision"] = "That decision is for sensitive material (MG6D)."
        elif (
            decision
            in (
                ProsecutorDecision.DISCLOSE,
                ProsecutorDecision.NOT_DISCLOSABLE,
                ProsecutorDecision.INSPECT,
            )
            and self.sensitive
        ):
            errors["prosecutor_decision"] = "That decision is for non-sensitive material (MG6C)."
        if errors:
            raise ValidationError(errors)
