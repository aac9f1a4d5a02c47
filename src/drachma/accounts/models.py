import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from drachma.core.models import AuditedModel
from drachma.core.roles import Role


class Account(AuditedModel):
    """Per-user settings that Django's user lacks: the user's supervisor and team."""

    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = ("collar_number",)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervisees",
    )
    team = models.CharField(max_length=100, blank=True)
    collar_number = models.CharField(max_length=20, blank=True)

    class Meta:
        permissions = [
            ("view_own_account", "Can see own account and API tokens"),
            ("manage_users", "Can manage users and their roles"),
        ]

    def __str__(self) -> str:
        return f"Account of {self.user}"


class APIToken(AuditedModel):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    PREFIX = "drt_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    second_factor = models.BooleanField(
        default=False, help_text="Issued from a session that had passed the second factor."
    )

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(
        cls, user, name: str, expires_at=None, second_factor: bool = False
    ) -> tuple["APIToken", str]:
        key = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            key_hash=cls.hash_key(key),
            expires_at=expires_at,
            second_factor=second_factor,
        )
        return token, key

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class RoleGrantStatus(models.TextChoices):
    PENDING = "pending", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


class RoleGrant(AuditedModel):
    """A role that sees personal data (or the administrator's) asked for by one administrator
    and given only when a second one approves: no single administrator can let anyone,
    themselves included, read people's records."""

    personal_fields = ("reason",)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(max_length=40, choices=Role.choices)
    status = models.CharField(
        max_length=20, choices=RoleGrantStatus.choices, default=RoleGrantStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, max_length=2000, help_text="Why it was refused.")

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # One open request per user and role: a second would be approved twice.
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(status="pending"),
                name="one_pending_grant_per_user_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.role_label} for {self.user} ({self.get_status_display()})"

    @property
    def role_label(self) -> str:
        return self.get_role_display()
