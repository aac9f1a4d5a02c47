"""Evidence: stored files, exhibits and their chain of custody."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

from drachma.core.models import ReviewableRecord


class StoredFile(models.Model):
    """One distinct content in the store, by SHA-256. Many exhibits may share it."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.BigIntegerField()
    media_type = models.CharField(max_length=100, blank=True)
    first_stored_at = models.DateTimeField(default=timezone.now)

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


class EvidenceItem(ReviewableRecord):
    """An exhibit: a stored file as received, with where it came from."""

    exhibit_ref = models.CharField("exhibit reference", max_length=20, unique=True, editable=False)
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="items")
    original_filename = models.CharField(max_length=255)
    kind = models.CharField(max_length=15, choices=EvidenceKind.choices, default=EvidenceKind.OTHER)
    description = models.TextField(blank=True, max_length=5000)
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    received_from_type = models.CharField(max_length=10, choices=ReceivedFrom.choices)
    received_from = models.CharField(max_length=200, blank=True, help_text="Who handed it over.")
    received_at = models.DateTimeField(default=timezone.now)
    received_via = models.CharField(
        max_length=100, help_text="e.g. 'upload', 'the reporting page', 'takedown capture'."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]

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


class CustodyEvent(models.Model):
    """One step in an exhibit's chain of custody. Append-only."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="custody_events")
    kind = models.CharField(max_length=12, choices=CustodyEventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_description = models.CharField(
        max_length=200, blank=True, help_text="Who acted, where no user did (e.g. the reporting page)."
    )
    from_party = models.CharField(max_length=200, blank=True)
    to_party = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=200, blank=True)
    sha256_verified = models.CharField(
        max_length=64, blank=True, help_text="The hash computed at this step, if it was checked."
    )
    note = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.item.exhibit_ref}: {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Custody events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Custody events are append-only.")
