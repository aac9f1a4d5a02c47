"""Signal handlers that write an audit entry for every create, update and delete."""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from drachma.audit.models import AuditAction
from drachma.audit.services import append, jsonable, label_of
from drachma.core import auditing

# What is audited and how a record is written down are core's (``core.auditing``), shared
# with the workflow and the bulk-write queryset, so every path records the same way.
is_audited = auditing.is_audited
snapshot = auditing.snapshot
_fields = auditing.audited_fields
_value = auditing.field_value


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or not is_audited(sender) or instance._state.adding or instance.pk is None:
        instance._audit_before = None
        return
    fields = _fields(sender)
    row = sender._base_manager.filter(pk=instance.pk).values(*[f.attname for f in fields]).first()
    instance._audit_before = (
        None if row is None else {f.name: _value(f, row[f.attname]) for f in fields}
    )


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw or not is_audited(sender):
        return
    if getattr(instance, auditing.RECORDED_ELSEWHERE, False):
        # A workflow transition records this change itself, with the transition (once).
        delattr(instance, auditing.RECORDED_ELSEWHERE)
        return
    after = snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        changes = {k: [None, v] for k, v in after.items() if v not in (None, "", [], {})}
        action = AuditAction.CREATE
    else:
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        if not changes:
            return
        action = AuditAction.UPDATE
    append(
        action, model=label_of(sender), object_id=instance.pk, object_repr=instance, changes=changes
    )


def _after_delete(sender, instance, **kwargs):
    if not is_audited(sender):
        return
    append(
        AuditAction.DELETE,
        model=label_of(sender),
        object_id=instance.pk,
        object_repr=instance,
        changes={k: [v, None] for k, v in snapshot(instance).items()},
    )


def _m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"} or not is_audited(type(instance)):
        return
    field = next(
        (f.name for f in type(instance)._meta.many_to_many if f.remote_field.through is sender),
        sender._meta.model_name,
    )
    verb = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
    append(
        AuditAction.UPDATE,
        model=label_of(instance),
        object_id=instance.pk,
        object_repr=instance,
        changes={field: {verb: sorted(jsonable(list(pk_set or [])), key=str)}},
    )


def connect() -> None:
    pre_save.connect(_before_save, dispatch_uid="audit-pre-save")
    post_save.connect(_after_save, dispatch_uid="audit-post-save")
    post_delete.connect(_after_delete, dispatch_uid="audit-post-delete")
    m2m_changed.connect(_m2m, dispatch_uid="audit-m2m")
    get_user_model()  # the user model must be loaded before signals refer to it
