"""Intake: reports received through the public reporting page, their triage, their matches to
what is already known, and referrals to the online child abuse investigation team."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from drachma.core.choices import Platform
from drachma.core.models import AuditedModel, ReviewableRecord, WorkflowEvent


class ReporterType(models.TextChoices):
    PUBLIC = "public", "A member of the public"
    GROUP = "group", "A group (for example an online child protection or 'hunter' group)"
    PLATFORM = "platform", "A platform (a social media or messaging company)"
    AGENCY = "agency", "Another agency (police, council, school, health, charity)"
    # Official channels only (referrals in, entered by staff): never offered on the public page.
    CEOP = "ceop", "The NCA's CEOP command"
    FORCE = "force", "Another police force"


# Who may send a referral in through an official channel (``Origin.REFERRAL``).
REFERRAL_SENDER_TYPES = (ReporterType.CEOP, ReporterType.PLATFORM, ReporterType.FORCE)
PUBLIC_REPORTER_TYPES = [
    (value, label)
    for value, label in ReporterType.choices
    if value not in (ReporterType.CEOP, ReporterType.FORCE)
]


class Origin(models.TextChoices):
    PUBLIC_PAGE = "public_page", "The public reporting page"
    REFERRAL = "referral", "A referral in through an official channel"


# How the evidence store names who handed a file over, by reporter type.
RECEIVED_FROM_TYPE = {
    ReporterType.PUBLIC: "public",
    ReporterType.GROUP: "group",
    ReporterType.PLATFORM: "platform",
    ReporterType.AGENCY: "partner",
    ReporterType.CEOP: "partner",
    ReporterType.FORCE: "partner",
}


class ConcernKind(models.TextChoices):
    POSSIBLE_OFFENDER = (
        "possible_offender",
        "A possible offender (an adult grooming or arranging to meet a child)",
    )
    CONFRONTATION_HAPPENED = "confrontation_happened", "A confrontation that has happened"
    CONFRONTATION_PLANNED = "confrontation_planned", "A confrontation that is planned"
    FOOTAGE_ONLINE = (
        "footage_online",
        "Footage or posts online (for example a video of a confrontation)",
    )


class ReportStatus(models.TextChoices):
    NEW = "new", "New"
    ASSIGNED = "assigned", "Assigned"
    CONVERTED = "converted", "Turned into an incident"
    LINKED = "linked", "Linked to existing records"
    REFERRED = "referred", "Referred to the investigation team"
    CLOSED = "closed", "Closed"


UNTRIAGED = (ReportStatus.NEW, ReportStatus.ASSIGNED)


# Who made a report and how to reach them (personal data of the reporter).
CONTACT_FIELDS = ("reporter_name", "reporter_organisation", "reporter_email", "reporter_phone")


class Report(ReviewableRecord):
    """One report as it arrived. What the reporter wrote is kept as given: it is evidence."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    reporter_type = models.CharField(max_length=10, choices=ReporterType.choices)
    concern = models.CharField(max_length=25, choices=ConcernKind.choices)
    text = models.TextField("what happened", max_length=20000)
    place = models.CharField("where", max_length=200, blank=True)
    when_text = models.CharField("when", max_length=200, blank=True)
    # A planned confrontation's date and time as the reporter gave it (UK time): the incident
    # it becomes happens then, not when it was reported.
    planned_at = models.DateTimeField("planned for", null=True, blank=True)

    # Personal data of the reporter: optional, shown only with intake.view_reporter_contact.
    reporter_name = models.CharField(max_length=200, blank=True)
    reporter_organisation = models.CharField(max_length=200, blank=True)
    reporter_email = models.EmailField(max_length=254, blank=True)
    reporter_phone = models.CharField(max_length=40, blank=True)

    submitted_at = models.DateTimeField(default=timezone.now)
    # How it reached the force. A referral in (from CEOP, a platform or another force) is
    # entered by staff and names its sender and the sender's own reference, unique per sender.
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.PUBLIC_PAGE)
    sender = models.CharField(
        "sender organisation", max_length=200, blank=True, help_text="Who sent the referral in."
    )
    sender_reference = models.CharField(
        "sender's reference", max_length=100, blank=True, help_text="The sender's own reference."
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who entered a referral in (empty for the public page).",
    )
    # HMAC-SHA256 of the submitting address (an IPv6 /64) under SECRET_KEY: for rate limits
    # and abuse only; the address itself is never stored.
    submitter_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # Hash of the one-time token of the form it came from: a form is sent once.
    form_token_hash = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )

    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.NEW)
    urgent = models.BooleanField(default=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_reason = models.TextField(blank=True, max_length=2000)
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intake_reports",
        help_text="The incident this report was turned into.",
    )
    matching_error = models.CharField(max_length=300, blank=True)
    # What the reporter wrote in an optional field that could not be read (a phone number, a
    # link, a date): kept as written for triage to check, never a reason to refuse the report.
    # Each item: {"field", "label", "line", "value", "problem"}; the reporter's own contact
    # details are not repeated here (they stay in their restricted fields).
    unreadable = models.JSONField(default=list, blank=True)
    # Why a report closed without an incident is kept past the removal of stale reports
    # (``services.remove_stale_reports``): nothing is kept without a reason.
    keep_reason = models.TextField(
        "reason to keep",
        blank=True,
        max_length=2000,
        help_text="Why this report is kept although it led to no incident.",
    )
    keep_reason_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    keep_reason_at = models.DateTimeField(null=True, blank=True)

    # The fields holding personal data (docs/personal-data.md lists each; tested there).
    personal_fields = (
        "text",
        "place",
        "when_text",
        "reporter_name",
        "reporter_organisation",
        "reporter_email",
        "reporter_phone",
        "submitter_hash",
        "close_reason",
        "unreadable",
        "keep_reason",
    )

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "urgent", "submitted_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "sender_reference"],
                condition=models.Q(origin="referral"),
                name="unique_referral_sender_reference",
            ),
            models.CheckConstraint(
                condition=~models.Q(origin="referral")
                | (~models.Q(sender="") & ~models.Q(sender_reference="")),
                name="referral_in_names_sender",
            ),
        ]
        permissions = [
            ("receive_referral", "Can enter a referral in from CEOP, a platform or a force"),
            ("triage_report", "Can triage reports (assign, link, convert, close)"),
            ("reopen_report", "Can reopen a closed report"),
            ("view_reporter_contact", "Can see who made a report and how to contact them"),
            ("check_known", "Can check whether an identifier is already known"),
        ]

    def __str__(self) -> str:
        return self.reference or "new report"

    @property
    def is_untriaged(self) -> bool:
        return self.status in UNTRIAGED

    @property
    def has_contact(self) -> bool:
        """Whether the reporter gave any contact details; true on a copy masked for a viewer
        too (``intake.selectors`` masks only the details that were given)."""
        return any(getattr(self, name) for name in CONTACT_FIELDS) or bool(
            self.masked & set(CONTACT_FIELDS)
        )

    def clean(self):
        super().clean()
        if self.status == ReportStatus.CLOSED and not self.close_reason.strip():
            raise ValidationError({"close_reason": "Give the reason for closing the report."})
        if self.origin == Origin.REFERRAL:
            errors = {}
            if self.reporter_type not in REFERRAL_SENDER_TYPES:
                errors["reporter_type"] = (
                    "A referral in comes from CEOP, a platform or another force."
                )
            if not self.sender.strip():
                errors["sender"] = "Name the organisation that sent the referral."
            if not self.sender_reference.strip():
                errors["sender_reference"] = (
                    "Give the sender's reference: a referral in is refused without it."
                )
            if errors:
                raise ValidationError(errors)


class QuarantineReason(models.TextChoices):
    SENDER = "sender", "The sender marked it as possibly containing indecent images"
    TRIAGE = "triage", "Marked at triage as possibly containing indecent images"
    CHANNEL = "channel", "An image or video received through an official channel"


class ImageCategory(models.TextChoices):
    """The Sentencing Council's categories of indecent images of children (the national
    categories). The grade is the digital forensics unit's decision, never Drachma's."""

    A = "A", "Category A (penetrative sexual activity, sexual activity with an animal, sadism)"
    B = "B", "Category B (non-penetrative sexual activity)"
    C = "C", "Category C (other indecent images not falling within categories A or B)"
    NOT_INDECENT = "not_indecent", "Not an indecent image"


class ReportFile(AuditedModel):
    """A file that came with a report: an exhibit in the evidence store.

    A file that may be an indecent image is quarantined (``quarantined``): never shown in the
    browser, listed for the digital forensics unit, who grade it (``grade``) and alone may
    download it (docs/intake.md, "Quarantine")."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("grade_note",)

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="files")
    item = models.OneToOneField(
        "evidence.EvidenceItem", on_delete=models.PROTECT, related_name="intake_file"
    )
    position = models.PositiveSmallIntegerField()
    quarantined = models.BooleanField(default=False)
    quarantine_reason = models.CharField(
        max_length=10, choices=QuarantineReason.choices, blank=True
    )
    quarantined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quarantined_at = models.DateTimeField(null=True, blank=True)
    grade = models.CharField(max_length=12, choices=ImageCategory.choices, blank=True)
    grade_note = models.TextField(blank=True, max_length=5000)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["report", "position"]
        permissions = [
            ("view_quarantine", "Can list and download quarantined material"),
            ("grade_reportfile", "Can grade quarantined material (digital forensics unit)"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "position"], name="unique_report_file_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} file {self.position}"


class Source(models.TextChoices):
    GIVEN = "given", "Given by the reporter"
    TEXT = "text", "Found in the text"
    LINK = "link", "From a link"


class ReportLink(AuditedModel):
    """A web address the report names, as given and in its canonical form (for matching)."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("raw", "normalized")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="links")
    raw = models.CharField(max_length=2000)
    normalized = models.CharField(max_length=2000)
    platform = models.CharField(max_length=12, choices=Platform.choices, blank=True)
    source = models.CharField(max_length=5, choices=Source.choices, default=Source.GIVEN)

    class Meta:
        ordering = ["report", "pk"]
        indexes = [models.Index(fields=["normalized"], name="intake_link_normalized")]

    def __str__(self) -> str:
        return self.normalized


class IdentifierKind(models.TextChoices):
    HANDLE = "handle", "Handle"
    PHONE = "phone", "Phone number"
    NAME = "name", "Name"


class ReportIdentifier(AuditedModel):
    """A handle, phone number or name the report gives, normalised for matching."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("raw", "normalized")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=8, choices=IdentifierKind.choices)
    raw = models.CharField(max_length=300)
    normalized = models.CharField(max_length=200)
    platform = models.CharField(max_length=12, choices=Platform.choices, blank=True)
    source = models.CharField(max_length=5, choices=Source.choices, default=Source.GIVEN)

    class Meta:
        ordering = ["report", "kind", "pk"]
        indexes = [models.Index(fields=["kind", "normalized"], name="intake_ident_kind_norm")]

    def __str__(self) -> str:
        if self.kind == IdentifierKind.HANDLE:
            return f"{self.platform}:@{self.normalized}" if self.platform else f"@{self.normalized}"
        return self.normalized


class MatchKind(models.TextChoices):
    INCIDENT = "incident", "Incident"
    GROUP = "group", "Group"
    ACCOUNT = "account", "Group's platform account"
    PERSON = "person", "Person"
    REPORT = "report", "Earlier report"


class ReportMatch(AuditedModel):
    """Something already known that a report names, and why we think so."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("person", "identifier", "reason")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="matches")
    kind = models.CharField(max_length=10, choices=MatchKind.choices)
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    account = models.ForeignKey(
        "groups.PlatformAccount",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    other_report = models.ForeignKey(
        Report, on_delete=models.CASCADE, null=True, blank=True, related_name="matched_by"
    )
    identifier = models.CharField(max_length=300, help_text="What in this report matched.")
    reason = models.CharField(max_length=300)
    score = models.FloatField(
        help_text="100 for an exact match of normalised values; a fuzzy score otherwise."
    )
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report", "-score", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.report}: {self.get_kind_display()} ({self.reason})"

    @property
    def target(self):
        return self.incident or self.account or self.group or self.person or self.other_report


class LinkedRecord(AuditedModel):
    """A triage decision that a report is about an existing incident, group or person."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("person", "note")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="linked_records")
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        "groups.Group", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report", "linked_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(incident__isnull=False, group__isnull=True, person__isnull=True)
                    | models.Q(incident__isnull=True, group__isnull=False, person__isnull=True)
                    | models.Q(incident__isnull=True, group__isnull=True, person__isnull=False)
                ),
                name="linked_record_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} → {self.target}"

    @property
    def target(self):
        return self.incident or self.group or self.person

    @property
    def target_kind(self) -> str:
        return "incident" if self.incident_id else "group" if self.group_id else "person"

    def clean(self):
        super().clean()
        if sum(x is not None for x in (self.incident_id, self.group_id, self.person_id)) != 1:
            raise ValidationError({"target": "Link to one incident, group or person."})


class ReportEvent(WorkflowEvent):
    """One triage decision: who took it, from what status to what, and why."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass


class ReferralStatus(models.TextChoices):
    OPEN = "open", "Open (awaiting the team)"
    ACCEPTED = "accepted", "Accepted"
    INVESTIGATING = "investigating", "Under investigation"
    CLOSED = "closed", "Closed"
    REJECTED = "rejected", "Rejected"


class Referral(ReviewableRecord):
    """A report of a possible offender passed to the online child abuse investigation team,
    with what the investigators need to start: platforms, handles, links and the material."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("summary", "handles", "links", "phones", "rejected_reason", "outcome")

    reference = models.CharField(max_length=20, unique=True, editable=False)
    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="referral")
    summary = models.TextField(max_length=20000)
    platforms = models.JSONField(default=list, blank=True)
    handles = models.JSONField(
        default=list, blank=True, help_text='[{"platform": "tiktok", "handle": "name"}, …]'
    )
    links = models.JSONField(default=list, blank=True)
    phones = models.JSONField(default=list, blank=True)
    material = models.ManyToManyField("evidence.EvidenceItem", blank=True, related_name="referrals")
    due_date = models.DateField(help_text="The team accepts or rejects the referral by this date.")
    status = models.CharField(
        max_length=15, choices=ReferralStatus.choices, default=ReferralStatus.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The investigator who has the referral.",
    )
    rejected_reason = models.TextField(blank=True, max_length=2000)
    outcome = models.TextField(blank=True, max_length=2000)
    reminded_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="When supervisors were last told it is overdue.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the reporting page routed it.",
    )

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]
        permissions = [("work_referral", "Can accept, work and close referrals")]

    def __str__(self) -> str:
        return self.reference or "new referral"

    @property
    def is_overdue(self) -> bool:
        return self.status == ReferralStatus.OPEN and self.due_date < timezone.localdate()

    def clean(self):
        super().clean()
        errors = {}
        if self.status == ReferralStatus.REJECTED and not self.rejected_reason.strip():
            errors["rejected_reason"] = "Give the reason for rejecting the referral."
        if (
            self.status in (ReferralStatus.ACCEPTED, ReferralStatus.INVESTIGATING)
            and self.owner_id is None
        ):
            errors["owner"] = "An accepted referral has an owner in the investigation team."
        if errors:
            raise ValidationError(errors)


class ReferralEvent(WorkflowEvent):
    """One step of a referral's life (a change of state or owner): who, when and why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass


# --- onward referrals: what the force sends out, and the answer ---------------------------


class Destination(models.TextChoices):
    CEOP = "ceop", "The NCA's CEOP command (through the official channel)"
    FORCE = "force", "Another police force"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"


class OnwardStatus(models.TextChoices):
    SENT = "sent", "Sent, awaiting an answer"
    ANSWERED = "answered", "Answered"
    WITHDRAWN = "withdrawn", "Withdrawn"


class OnwardReferral(AuditedModel):
    """A referral the force sent out about a report: to CEOP, another force or social care.
    What was sent, when, by whom and how; then the answer and when it came. Never to a group
    (the one-way rule: docs/intake.md)."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("what_sent", "answer", "withdrawn_reason")

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="onward_referrals")
    destination = models.CharField(max_length=25, choices=Destination.choices)
    recipient = models.CharField(
        "recipient organisation", max_length=200, help_text="For example 'Leeds City Council'."
    )
    channel = models.CharField(
        "sent through",
        max_length=200,
        help_text="How it was sent, for example 'CEOP's referral portal' or secure e-mail.",
    )
    what_sent = models.TextField("what was sent", max_length=20000)
    their_reference = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=OnwardStatus.choices, default=OnwardStatus.SENT
    )
    answer = models.TextField(blank=True, max_length=5000)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["report", "sent_at", "pk"]
        permissions = [("answer_onwardreferral", "Can record the answer to an onward referral")]

    def __str__(self) -> str:
        return f"{self.report} → {self.recipient}"

    def clean(self):
        super().clean()
        errors = {}
        if not self.recipient.strip():
            errors["recipient"] = "Name the organisation the referral was sent to."
        if not self.what_sent.strip():
            errors["what_sent"] = "Say what was sent."
        if self.status == OnwardStatus.ANSWERED and not self.answer.strip():
            errors["answer"] = "Record the answer."
        if errors:
            raise ValidationError(errors)


class OnwardReferralEvent(WorkflowEvent):
    """One step of an onward referral (sent, answered, withdrawn): who, when and why."""

    onward = models.ForeignKey(OnwardReferral, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass
