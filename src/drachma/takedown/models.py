"""Takedown: footage and images groups post, the copies kept as evidence, their perceptual
hashes, the matches between them, each request to have a piece of footage removed, and the
publication log (where material about an incident was found published, for the prosecutor)."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from drachma.core import choices
from drachma.core.models import AuditedModel, ReviewableRecord, TimeStampedModel, WorkflowEvent
from drachma.core.validators import validate_http_url, validate_not_future
from drachma.takedown.fields import PDQBitsField

# PDQ hashes are 256 bits; HMA's default match distance is 31 bits.
DEFAULT_MATCH_DISTANCE = 31
DEFAULT_MIN_QUALITY = 50
DEFAULT_VIDEO_SHARE = 0.8


class Platform(models.TextChoices):
    """Where footage is posted (the same keys as drachma.core.choices.Platform)."""

    FACEBOOK = "facebook", "Facebook"
    YOUTUBE = "youtube", "YouTube"
    TIKTOK = "tiktok", "TikTok"
    X = "x", "X (Twitter)"
    INSTAGRAM = "instagram", "Instagram"
    SNAPCHAT = "snapchat", "Snapchat"
    TELEGRAM = "telegram", "Telegram"
    OTHER = "other", "Other"


class MatchBank(AuditedModel):
    """A bank of known footage with its own matching rule (HMA's banks). Every content item
    belongs to one; a match against its hashes counts within the bank's distance."""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=500, blank=True)
    match_distance = models.PositiveSmallIntegerField(
        default=DEFAULT_MATCH_DISTANCE,
        validators=[MaxValueValidator(64)],
        help_text=(
            "Largest Hamming distance (of 256 bits) between PDQ hashes that counts as a match."
        ),
    )
    video_match_share = models.FloatField(
        default=DEFAULT_VIDEO_SHARE,
        validators=[MinValueValidator(0.05), MaxValueValidator(1.0)],
        help_text="Share of a video's frames (of quality 50 or more) that must match.",
    )
    is_default = models.BooleanField(default=False, editable=False)
    source = models.CharField(
        max_length=200,
        blank=True,
        help_text=(
            "Who the bank's hashes came from (an imported hash list); blank for the force's own "
            "footage."
        ),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_match_bank",
            ),
        ]
        permissions = [("configure_matchbank", "Can change a match bank's matching rule")]

    def __str__(self) -> str:
        return self.name


class ContentItem(ReviewableRecord):
    """One piece of footage or one image, where it was seen online."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("url", "account", "notes")

    reference = models.CharField(max_length=20, unique=True, editable=False)
    url = models.URLField("web address", max_length=2000, validators=[validate_http_url])
    platform = models.CharField(max_length=12, choices=Platform.choices)
    account = models.CharField(
        "posting account",
        max_length=200,
        blank=True,
        help_text="The account that posted it, as the platform shows it.",
    )
    group = models.ForeignKey(
        "groups.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="content_items",
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="content_items",
        help_text="The incident the footage shows.",
    )
    bank = models.ForeignKey(MatchBank, on_delete=models.PROTECT, related_name="items")
    first_seen_at = models.DateTimeField(
        "first seen", default=timezone.now, validators=[validate_not_future]
    )
    views_when_seen = models.PositiveBigIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-first_seen_at", "-pk"]
        indexes = [models.Index(fields=["platform", "first_seen_at"])]

    def __str__(self) -> str:
        return self.reference or "new content item"

    def clean(self):
        super().clean()
        bank = self.bank if self.bank_id else None
        if bank is not None and bank.source:
            raise ValidationError(
                {
                    "bank": f"{bank.name} is a hash list from {bank.source}; footage goes in one "
                    "of the force's own banks."
                }
            )


class MediaKind(models.TextChoices):
    IMAGE = "image", "Image"
    VIDEO = "video", "Video"


class Capture(AuditedModel):
    """A copy of the footage as captured, kept as an exhibit in the evidence store."""

    # Disposing of a content item at its MoPI review takes its captures, hashes, matches and
    # requests with it; the exhibit stays in evidence, reviewed on its own.
    content_item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="captures")
    evidence = models.ForeignKey(
        "evidence.EvidenceItem", on_delete=models.PROTECT, related_name="takedown_captures"
    )
    sha256 = models.CharField(max_length=64, db_index=True)
    media_kind = models.CharField(max_length=5, choices=MediaKind.choices)
    captured_at = models.DateTimeField(default=timezone.now)
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["captured_at", "pk"]

    def __str__(self) -> str:
        return f"{self.content_item} capture {self.pk} ({self.media_kind})"


class HashKind(models.TextChoices):
    PDQ = "pdq", "PDQ (image)"
    VPDQ_FRAME = "vpdq_frame", "vPDQ frame (video)"


class MediaHash(AuditedModel):
    """A perceptual hash of a capture: one PDQ hash for an image, one per sampled video frame."""

    capture = models.ForeignKey(Capture, on_delete=models.CASCADE, related_name="hashes")
    kind = models.CharField(max_length=10, choices=HashKind.choices)
    hash = models.CharField(max_length=64, help_text="256 bits, hexadecimal.")
    quality = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    frame_index = models.PositiveIntegerField(null=True, blank=True)
    timestamp = models.FloatField(
        null=True, blank=True, help_text="Seconds from the start of the video."
    )
    reference_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text=(
            "For an image: the PDQ hash of the pixels as stored, EXIF orientation not applied, "
            "as the reference implementations compute it; the hash exchanged with others."
        ),
    )
    orientation = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
        help_text="The image's EXIF orientation flag (1: stored as displayed).",
    )
    false_match = models.BooleanField(
        default=False,
        help_text="A known false match (a black frame, a logo): never used for matching.",
    )
    false_match_reason = models.CharField(max_length=500, blank=True)
    false_match_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    false_match_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["capture", "frame_index", "pk"]
        permissions = [("mark_false_match", "Can mark a hash as a known false match")]

    # Derived from the capture (which is audited) and written in bulk; marking a false match
    # is recorded as a decision (services.mark_false_match).
    audit_exclude = True

    def __str__(self) -> str:
        return f"{self.kind} {self.hash[:12]}… q{self.quality}"

    def clean(self):
        super().clean()
        if len(self.hash) != 64 or any(c not in "0123456789abcdef" for c in self.hash):
            raise ValidationError({"hash": "A hash is 64 lower-case hexadecimal digits."})
        if self.false_match and not self.false_match_reason.strip():
            raise ValidationError({"false_match_reason": "Say why this is a false match."})


class MatchableHash(models.Model):
    """A hash the bank matches against, indexed for exact search in the database itself.

    One row per PDQ hash or video frame hash of quality 50 or more that is not a known false
    match, written and deleted in the same transaction as the change that makes it matchable
    or not, so every process and machine sees it as soon as that transaction commits. The
    256 bits are cut into 16 chunks of 16 bits, each in its own indexed column (with the
    hash's kind folded in, so that images and video frames never meet); an index on each
    chunk also holds the whole hash and its key, so a search reads only the indexes. See
    ``chunkindex`` for the search and why it is exact.
    """

    media_hash = models.OneToOneField(
        MediaHash, on_delete=models.CASCADE, primary_key=True, related_name="matchable"
    )
    code = PDQBitsField()
    chunk_0 = models.IntegerField()
    chunk_1 = models.IntegerField()
    chunk_2 = models.IntegerField()
    chunk_3 = models.IntegerField()
    chunk_4 = models.IntegerField()
    chunk_5 = models.IntegerField()
    chunk_6 = models.IntegerField()
    chunk_7 = models.IntegerField()
    chunk_8 = models.IntegerField()
    chunk_9 = models.IntegerField()
    chunk_10 = models.IntegerField()
    chunk_11 = models.IntegerField()
    chunk_12 = models.IntegerField()
    chunk_13 = models.IntegerField()
    chunk_14 = models.IntegerField()
    chunk_15 = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=[f"chunk_{i}", "code", "media_hash"], name=f"takedown_matchable_chunk_{i}"
            )
            for i in range(16)
        ]

    # Derived from MediaHash (whose marking as a false match is the audited decision).
    audit_exclude = True

    def __str__(self) -> str:
        return f"matchable hash {self.media_hash_id}"


class HashListFormat(models.TextChoices):
    """The hash-list formats Drachma reads and writes (docs/hashing.md, "Hash lists")."""

    HMA = "hma", "Hasher-Matcher-Actioner bank content (JSON)"
    TE_CSV = "te_csv", "ThreatExchange dataset CSV (collab, signal_type, signal_str, ...)"
    TE_FILE = "te_file", "ThreatExchange signal file (one 'signal_type signal' a line)"
    CSV = "csv", "Plain CSV (signal_type, signal, content_id, note)"


class SignalType(models.TextChoices):
    """ThreatExchange's names for the signal types Drachma exchanges."""

    PDQ = "pdq", "PDQ (image)"
    VPDQ = "vpdq", "vPDQ (video)"
    VIDEO_MD5 = "video_md5", "MD5 (video file)"
    PHOTO_MD5 = "photo_md5", "MD5 (image file)"


MD5_TYPES = (SignalType.VIDEO_MD5, SignalType.PHOTO_MD5)


class HashListImport(AuditedModel):
    """One hash-list file taken into a bank: where it came from, what it was, who took it in."""

    bank = models.ForeignKey(MatchBank, on_delete=models.PROTECT, related_name="imports")
    source = models.CharField(max_length=200, help_text="Who sent the list.")
    format = models.CharField(max_length=10, choices=HashListFormat.choices)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    signal_count = models.PositiveIntegerField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} from {self.source} into {self.bank}"


class BankSignal(models.Model):
    """One signal of an imported hash list: a picture's PDQ hash, a video's vPDQ hashes, or a
    file's MD5, as the list gives it (``value``), with the sender's id for the content."""

    bank = models.ForeignKey(MatchBank, on_delete=models.CASCADE, related_name="signals")
    source_import = models.ForeignKey(
        HashListImport, on_delete=models.CASCADE, related_name="signals"
    )
    signal_type = models.CharField(max_length=10, choices=SignalType.choices)
    value = models.TextField(help_text="The signal as the list gives it (lower-case hex).")
    digest = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="An MD5's hex, for exact lookups."
    )
    content_id = models.CharField(
        max_length=200, blank=True, help_text="The sender's id for the content."
    )
    label = models.CharField(
        max_length=500, blank=True, help_text="The sender's category, tags or note."
    )

    class Meta:
        ordering = ["source_import", "pk"]

    # Written in bulk by an import, which is the audited record (HashListImport).
    audit_exclude = True

    def __str__(self) -> str:
        return f"{self.signal_type} {self.value[:16]}… ({self.bank})"


class BankSignalHash(models.Model):
    """A PDQ hash of an imported signal: the picture's, or one frame of a video's vPDQ."""

    signal = models.ForeignKey(BankSignal, on_delete=models.CASCADE, related_name="hashes")
    kind = models.CharField(max_length=10, choices=HashKind.choices)
    hash = models.CharField(max_length=64)
    quality = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="None when the list does not say (PDQ signals)."
    )
    timestamp = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["signal", "pk"]

    audit_exclude = True

    def __str__(self) -> str:
        return f"{self.kind} {self.hash[:12]}…"


class SignalMatchable(models.Model):
    """An imported hash the banks match against: ``MatchableHash``'s chunk index, for
    ``BankSignalHash`` (see ``chunkindex``)."""

    bank_hash = models.OneToOneField(
        BankSignalHash, on_delete=models.CASCADE, primary_key=True, related_name="matchable"
    )
    code = PDQBitsField()
    chunk_0 = models.IntegerField()
    chunk_1 = models.IntegerField()
    chunk_2 = models.IntegerField()
    chunk_3 = models.IntegerField()
    chunk_4 = models.IntegerField()
    chunk_5 = models.IntegerField()
    chunk_6 = models.IntegerField()
    chunk_7 = models.IntegerField()
    chunk_8 = models.IntegerField()
    chunk_9 = models.IntegerField()
    chunk_10 = models.IntegerField()
    chunk_11 = models.IntegerField()
    chunk_12 = models.IntegerField()
    chunk_13 = models.IntegerField()
    chunk_14 = models.IntegerField()
    chunk_15 = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=[f"chunk_{i}", "code", "bank_hash"], name=f"takedown_signal_chunk_{i}"
            )
            for i in range(16)
        ]

    audit_exclude = True

    def __str__(self) -> str:
        return f"matchable imported hash {self.bank_hash_id}"


class MatchKind(models.TextChoices):
    EXACT = "exact", "Exact copy (same SHA-256)"
    IMAGE = "image", "Image (PDQ)"
    VIDEO = "video", "Video (vPDQ frames)"


class MatchReview(models.TextChoices):
    UNREVIEWED = "unreviewed", "Not yet reviewed"
    CONFIRMED = "confirmed", "Confirmed: a copy"
    NOT_A_COPY = "not_a_copy", "Not a copy"


class ContentMatch(AuditedModel):
    """A new capture that looks like footage already known: the link between the two items."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("review_note",)

    capture = models.ForeignKey(Capture, on_delete=models.CASCADE, related_name="matches")
    content_item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="matches")
    matched_item = models.ForeignKey(
        ContentItem, on_delete=models.CASCADE, related_name="matched_by"
    )
    matched_capture = models.ForeignKey(
        Capture, on_delete=models.CASCADE, related_name="matched_by"
    )
    kind = models.CharField(max_length=5, choices=MatchKind.choices)
    distance = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Hamming distance of the closest PDQ hashes (images)."
    )
    frame_share = models.FloatField(
        null=True, blank=True, help_text="Share of the new video's frames that match (videos)."
    )
    transform = models.CharField(
        max_length=30,
        blank=True,
        help_text="How the new copy was turned to match (rotated, mirrored).",
    )
    found_at = models.DateTimeField(default=timezone.now)
    review = models.CharField(
        max_length=10, choices=MatchReview.choices, default=MatchReview.UNREVIEWED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-found_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["capture", "matched_capture"], name="unique_capture_match"
            ),
        ]
        permissions = [("review_contentmatch", "Can review a match between footage")]

    def __str__(self) -> str:
        return f"{self.content_item} ~ {self.matched_item} ({self.get_kind_display()})"

    @property
    def measure(self) -> str:
        if self.kind == MatchKind.EXACT:
            return "identical bytes"
        if self.kind == MatchKind.VIDEO:
            return f"{self.frame_share:.0%} of frames"
        return f"{self.distance} bits"


class SignalMatch(AuditedModel):
    """A capture that matches a signal of an imported hash list."""

    capture = models.ForeignKey(Capture, on_delete=models.CASCADE, related_name="signal_matches")
    signal = models.ForeignKey(BankSignal, on_delete=models.CASCADE, related_name="matches")
    kind = models.CharField(max_length=5, choices=MatchKind.choices)
    distance = models.PositiveSmallIntegerField(null=True, blank=True)
    frame_share = models.FloatField(null=True, blank=True)
    transform = models.CharField(max_length=30, blank=True)
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-found_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["capture", "signal"], name="unique_capture_signal")
        ]

    def __str__(self) -> str:
        return f"{self.capture} ~ {self.signal}"


class TakedownState(models.TextChoices):
    DRAFT = "draft", "Draft (to review)"
    IDENTIFIED = "identified", "Identified"
    REMOVAL_ASKED = "removal_asked", "Removal asked of the group"
    REMOVED_BY_GROUP = "removed_by_group", "Removed by the group"
    REFUSED = "refused", "Refused by the group"
    NO_ANSWER = "no_answer", "No answer from the group"
    REPORTED_TO_PLATFORM = "reported_to_platform", "Reported to the platform"
    REMOVED = "removed", "Removed by the platform"
    REJECTED = "rejected", "Rejected by the platform"
    PENDING = "pending", "Pending with the platform"
    ESCALATED = "escalated", "Escalated"
    CLOSED = "closed", "Closed"
    DISCARDED = "discarded", "Discarded (not for takedown)"


FINISHED = (TakedownState.CLOSED, TakedownState.DISCARDED)
REMOVED_STATES = (TakedownState.REMOVED_BY_GROUP, TakedownState.REMOVED)


class RemovedBy(models.TextChoices):
    GROUP = "group", "The group"
    PLATFORM = "platform", "The platform"


class TakedownRequest(AuditedModel):
    """The work of having one piece of footage removed, from identification to closure."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("group_message", "group_answer")

    reference = models.CharField(max_length=20, unique=True, editable=False)
    content_item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="requests")
    state = models.CharField(
        max_length=20, choices=TakedownState.choices, default=TakedownState.IDENTIFIED
    )
    deadline = models.DateTimeField(null=True, blank=True, help_text="When the next step is due.")
    opened_from_match = models.ForeignKey(
        ContentMatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The match that opened this draft.",
    )
    identified_at = models.DateTimeField(null=True, blank=True)
    group_message = models.TextField("message to the group", blank=True, max_length=5000)
    removal_asked_at = models.DateTimeField(null=True, blank=True)
    group_answer = models.TextField(blank=True, max_length=5000)
    rules_breached = models.TextField(
        blank=True, max_length=2000, help_text="Which of the platform's rules the footage breaches."
    )
    platform_reference = models.CharField(max_length=200, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.CharField(max_length=8, choices=RemovedBy.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["state", "deadline"])]
        constraints = [
            # One live request per piece of footage: a second would split its history.
            models.UniqueConstraint(
                fields=["content_item"],
                condition=~models.Q(state__in=["closed", "discarded"]),
                name="one_open_takedown_per_item",
            ),
        ]
        permissions = [
            ("work_takedownrequest", "Can work takedown requests through their steps"),
            ("view_takedown_figures", "Can see takedown figures (no personal data)"),
        ]

    def __str__(self) -> str:
        return self.reference or "new takedown request"

    @property
    def is_open(self) -> bool:
        return self.state not in FINISHED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline is not None and self.deadline < timezone.now()

    def clean(self):
        super().clean()
        errors = {}
        if self.removal_asked_at and not self.group_message.strip():
            errors["group_message"] = "Keep the message sent to the group."
        if self.reported_at and not self.rules_breached.strip():
            errors["rules_breached"] = "Say which of the platform's rules the footage breaches."
        if bool(self.removed_at) != bool(self.removed_by):
            errors["removed_by"] = "Say who removed the footage, and when."
        if errors:
            raise ValidationError(errors)


class TakedownEvent(WorkflowEvent):
    """One step of a takedown request: who, when, from what state to what, and why (the
    shared shape of every workflow's history, ``core.models.WorkflowEvent``)."""

    request = models.ForeignKey(TakedownRequest, on_delete=models.CASCADE, related_name="events")

    class Meta(WorkflowEvent.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.request}: {self.transition} ({self.from_state or '-'} → {self.to_state})"


class StillOnline(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No, taken down or removed"
    UNKNOWN = "unknown", "Not known"


class PublicationRecord(TimeStampedModel):
    """Where material about the incident was published online before trial.

    For the prosecutor: publicity can bear on a fair trial and on abuse-of-process arguments.
    Linked to the footage record where there is one (``content_item``), so the prosecutor sees
    whether removal was asked for and what came of it. ``takedown_reference`` keeps the
    reference as recorded, which survives the footage record's disposal at review.
    """

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("url", "description")

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="publications"
    )
    item = models.ForeignKey(
        "evidence.EvidenceItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        help_text="The exhibit capturing what was published, if one was taken.",
    )
    url = models.URLField("URL", max_length=1000)
    platform = models.CharField(max_length=12, choices=choices.Platform.choices)
    description = models.TextField(blank=True, max_length=2000)
    found_at = models.DateTimeField(default=timezone.now)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    found_by_description = models.CharField(max_length=200, blank=True)
    still_online = models.CharField(
        max_length=8, choices=StillOnline.choices, default=StillOnline.UNKNOWN
    )
    checked_at = models.DateTimeField(
        null=True, blank=True, help_text="When 'still online' was last checked."
    )
    takedown_reference = models.CharField(max_length=40, blank=True)
    content_item = models.ForeignKey(
        ContentItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="publications",
        help_text="The footage record in takedown, found from the reference or the address.",
    )

    class Meta:
        # The log began in the evidence app; its table kept its name.
        db_table = "evidence_publicationrecord"
        ordering = ["incident", "found_at", "pk"]

    def __str__(self) -> str:
        return f"{self.incident.reference}: {self.get_platform_display()} {self.url}"

    @property
    def found_by_name(self) -> str:
        """Who found it, as the log names them: the description given, else the user."""
        # Imported here: evidence's services load its workflow, which models must not need.
        from drachma.evidence.services import person_name

        return self.found_by_description or person_name(self.found_by)

    @property
    def takedown_status(self) -> str:
        """The latest takedown request on the linked footage, e.g. "TD-2026-000004: removed"."""
        if self.content_item is None:
            return ""
        latest = self.content_item.requests.order_by("-created_at", "-pk").first()
        if latest is None:
            return f"{self.content_item.reference}: no takedown requested"
        return f"{latest.reference}: {latest.get_state_display()}"

    def clean(self):
        super().clean()
        errors = {}
        if self.url and not self.url.lower().startswith(("http://", "https://")):
            errors["url"] = "Give the address as it was found, starting http:// or https://."
        item = self.item if self.item_id else None
        if (
            item is not None
            and self.incident_id
            and item.incident_id not in (None, self.incident_id)
        ):
            errors["item"] = f"Exhibit {item.exhibit_ref} belongs to another incident."
        if self.found_at and self.found_at > timezone.now() + timedelta(minutes=5):
            errors["found_at"] = "The time it was found is in the future."
        if self.checked_at and self.found_at and self.checked_at < self.found_at:
            errors["checked_at"] = "It cannot have been checked before it was found."
        if errors:
            raise ValidationError(errors)
