"""The group register: online child abuse activist groups (OCAGs), their aliases and their
platform accounts. What a group did is recorded by the apps above (incidents, intelligence),
which tell the register through ``drachma.groups.activity``."""

from django.core.exceptions import ValidationError
from django.db import models

from drachma.core.choices import Platform
from drachma.core.identifiers import normalize_handle, normalize_url
from drachma.core.models import AuditedModel, ReviewableRecord
from drachma.core.validators import validate_http_url


class GroupStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DORMANT = "dormant", "Dormant"
    DISBANDED = "disbanded", "Disbanded"


class Group(ReviewableRecord):
    """An online child abuse activist group ("paedophile hunters"). Not a partner."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("description",)

    name = models.CharField(max_length=120, unique=True)
    status = models.CharField(
        max_length=12, choices=GroupStatus.choices, default=GroupStatus.ACTIVE
    )
    home_borough = models.ForeignKey(
        "areas.Borough", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    home_area_text = models.CharField(
        "home area (outside Greater Manchester)", max_length=200, blank=True
    )
    description = models.TextField(blank=True, max_length=5000)

    class Meta:
        # The register began in the intelligence app; its tables kept their names.
        db_table = "intelligence_group"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GroupAlias(AuditedModel):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=120)

    class Meta:
        db_table = "intelligence_groupalias"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["group", "name"], name="unique_group_alias")]
        verbose_name_plural = "group aliases"

    def __str__(self) -> str:
        return self.name


class PlatformAccount(AuditedModel):
    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("handle", "url", "normalized", "normalized_url")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="accounts")
    platform = models.CharField(max_length=12, choices=Platform.choices)
    handle = models.CharField(max_length=120)
    url = models.URLField(max_length=500, blank=True, validators=[validate_http_url])
    # The handle and URL in Drachma's one spelling (``core.identifiers``), kept on every save:
    # "already known?" and intake's matching look accounts up by them.
    normalized = models.CharField(max_length=120, blank=True, db_index=True, editable=False)
    normalized_url = models.CharField(max_length=600, blank=True, db_index=True, editable=False)

    class Meta:
        db_table = "intelligence_platformaccount"
        ordering = ["platform", "handle"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "handle"], name="unique_platform_handle")
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.handle}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        try:
            normalize_handle(self.handle, self.platform)
        except ValueError as exc:
            errors["handle"] = str(exc)
        if self.url:
            try:
                normalize_url(self.url)
            except ValueError as exc:
                errors["url"] = str(exc)
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.normalized, self.normalized_url = spellings(self.handle, self.platform, self.url)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "normalized", "normalized_url"}
        super().save(*args, **kwargs)


def spellings(handle: str, platform: str, url: str) -> tuple[str, str]:
    """(handle, URL) of an account in their one spelling; a value that does not normalise
    (recorded before the check) is kept lower-cased, so it still matches itself."""
    try:
        name = normalize_handle(handle, platform).name
    except ValueError:
        name = (handle or "").strip().lstrip("@").lower()[:120]
    try:
        address = normalize_url(url)[:600] if url else ""
    except ValueError:
        address = (url or "").strip().lower()[:600]
    return name, address
