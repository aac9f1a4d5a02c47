"""The audit log: append-only, each entry chained to the one before by SHA-256."""

import hashlib
import json

from django.core.exceptions import PermissionDenied
from django.db import models


class AuditAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    VIEW = "view", "Viewed"
    EXPORT = "export", "Exported"
    LOGIN = "login", "Logged in"
    LOGIN_FAILED = "login_failed", "Login failed"
    LOGOUT = "logout", "Logged out"
    DECISION = "decision", "Decision"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("The audit log is append-only.")

    def delete(self):
        raise PermissionDenied("The audit log is append-only.")


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(db_index=True)
    # No foreign key to the user: the log must outlive and never change with the user table.
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices, db_index=True)
    model = models.CharField(max_length=100, db_index=True, help_text="app_label.model")
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=500, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()
    audit_exclude = True

    class Meta:
        ordering = ["-seq"]
        verbose_name_plural = "audit entries"
        permissions = [("view_audit_log", "Can read the audit log")]
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.model} {self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The audit log is append-only.")

    HASHED_FIELDS = (
        "seq",
        "at",
        "actor_id",
        "actor_username",
        "action",
        "model",
        "object_id",
        "object_repr",
        "changes",
        "request_id",
        "ip_address",
        "method",
        "path",
        "prev_hash",
    )

    def compute_hash(self) -> str:
        content = {name: getattr(self, name) for name in self.HASHED_FIELDS}
        content["at"] = self.at.isoformat(timespec="microseconds")
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class AuditChainHead(models.Model):
    """One row: the sequence number and hash of the last entry. Locked to append."""

    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    audit_exclude = True

    def __str__(self) -> str:
        return f"audit chain head at #{self.seq}"
