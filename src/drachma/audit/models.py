"""The audit log. Entries are written in the request's own transaction, each with a keyed hash
of its content; after commit one sealer gives each its place in the chain (an ``AuditSeal``).
Nothing in either table is ever updated or deleted: the database refuses it (migrations), and
the application's database role is not granted it (``create_db_roles``)."""

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models

from drachma.audit import chain


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


class AppendOnly(models.Model):
    """Rows are inserted once and never changed or removed through the ORM."""

    objects = AppendOnlyQuerySet.as_manager()
    audit_exclude = True

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("The audit log is append-only.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The audit log is append-only.")


class AuditEntry(AppendOnly):
    # Fields holding personal data: each is in docs/personal-data.md (tested there).
    personal_fields = (
        "actor_id",
        "actor_username",
        "object_repr",
        "changes",
        "ip_address",
        "path",
        "purpose",
        "recipient",
    )

    # The entry's number, given when it is written (a failed request rolls its entries back
    # and leaves a gap). Its place in the chain is its seal's position, which has no gaps.
    seq = models.BigAutoField(primary_key=True, serialize=False)
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
    nonce = models.CharField(max_length=32, blank=True)
    # Why the record was consulted or disclosed (DPA 2018 s.62): the purpose of the user's
    # task ("case DR-2026-000019"), set once and carried through its pages
    # (``drachma.audit.purpose``); and, for a disclosure, to whom. Part of the hashed content
    # when given (``chain.entry_content``).
    purpose = models.CharField(max_length=200, blank=True, db_index=True)
    recipient = models.CharField(max_length=200, blank=True)
    key_id = models.CharField(max_length=16, help_text="The key that hashed it, or 'unkeyed'")
    # HMAC-SHA256 of the content above (for unkeyed entries: the first chain's SHA-256).
    # Unique, so that a copy of a genuine row cannot be slipped in as a new one.
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name_plural = "audit entries"
        permissions = [
            ("view_audit_log", "Can read the audit log"),
            ("set_purpose", "Can set the purpose of their task (recorded with what they read)"),
        ]
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.model} {self.object_id}"

    def compute_hash(self, key) -> str:
        """The keyed hash of this entry's content, under ``key`` (an ``AuditKey``)."""
        return key.mac(chain.entry_content(self))

    @property
    def record_type(self) -> str:
        """The kind of record in words ("Person"), or the stored label of a model that no
        longer exists (the log outlives its models)."""
        if not self.model:
            return ""
        try:
            model = apps.get_model(self.model)
        except (LookupError, ValueError):
            return self.model
        return str(model._meta.verbose_name).capitalize()

    @property
    def sealed(self) -> "AuditSeal | None":
        try:
            return self.seal
        except ObjectDoesNotExist:
            return None


class AuditSeal(AppendOnly):
    """An entry's place in the chain: given after the entry's transaction commits, in the order
    the sealer sees entries committed, each linked to the seal before it."""

    position = models.PositiveBigIntegerField(primary_key=True)
    entry = models.OneToOneField(
        AuditEntry, on_delete=models.PROTECT, related_name="seal", db_column="entry_seq"
    )
    prev_hash = models.CharField(max_length=64)
    # HMAC of the above: the hash of the chain up to and including this entry.
    chain_hash = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(max_length=16)
    sealed_at = models.DateTimeField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"seal #{self.position} of entry #{self.entry_id}"

    def compute_hash(self, key, *, entry_hash: str) -> str:
        return key.mac(chain.seal_content(self, entry_hash=entry_hash))


class AuditPending(models.Model):
    """Entries written and not yet sealed: the sealer's queue (rows leave it when sealed).
    Not part of the log: losing a row here leaves its entry unsealed, which verify reports."""

    entry = models.OneToOneField(
        AuditEntry,
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="+",
        db_column="entry_seq",
    )

    audit_exclude = True

    def __str__(self) -> str:
        return f"entry #{self.entry_id} waiting to be sealed"
