"""What the shared mechanisms in core need from the audit log, without core importing it.

The audit app sits above core (it has pages and an API built on core), yet core's workflow and
base queryset must record what they do. So core declares here the few things it asks of the
log, and the audit app plugs its writer in when Django starts (``audit/apps.py``). Until a
writer is plugged in, every call refuses: nothing audited is ever written unrecorded.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Protocol

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

REDACTED = "[redacted]"
SECRET_FIELDS = frozenset(
    {
        "password",
        "key",
        "key_hash",
        "token",
        "secret",
        # A public reporter's address hash is for the rate limit only and dropped when it no
        # longer needs it (intake): the append-only log must not keep it for ever.
        "submitter_hash",
    }
)
# Bookkeeping that changes on every use and says nothing about anyone.
NOISE_FIELDS = frozenset({"updated_at", "created_at", "last_used_at"})
# Models outside Drachma's own apps whose changes are audited too.
EXTRA_AUDITED = frozenset(
    {"auth.user", "auth.group", "otp_totp.totpdevice", "otp_static.staticdevice"}
)
# Set on an instance whose save is recorded by its caller (a workflow transition), so the
# generic save recorder does not write a second entry for the same change.
RECORDED_ELSEWHERE = "_audit_recorded_elsewhere"


class Writer(Protocol):
    def __call__(
        self,
        action: str,
        *,
        model: str,
        object_id: str = "",
        object_repr: str = "",
        changes: dict | None = None,
        actor: Any = None,
    ) -> object: ...


_writer: Writer | None = None


def plug_in(writer: Writer) -> None:
    """Called once by the audit app when Django starts."""
    global _writer
    _writer = writer


def _write(action: str, **kwargs: Any) -> object:
    if _writer is None:
        raise RuntimeError("No audit writer is plugged in: the audit app is not installed.")
    return _writer(action, **kwargs)


def is_audited(model: type[models.Model]) -> bool:
    if getattr(model, "audit_exclude", False):
        return False
    return model._meta.label_lower in EXTRA_AUDITED or model.__module__.startswith("drachma.")


def jsonable(value: Any) -> Any:
    """Values as plain JSON types, so a stored entry hashes the same after a round trip."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, default=str))


def audited_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f for f in model._meta.concrete_fields if f.name not in NOISE_FIELDS and not f.primary_key
    ]


def field_value(f: models.Field, raw: Any) -> Any:
    return REDACTED if f.name in SECRET_FIELDS else jsonable(raw)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The audited fields of ``instance`` as JSON values (secrets redacted)."""
    return {
        f.name: field_value(f, f.value_from_object(instance))
        for f in audited_fields(type(instance))
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for each field that changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def recorded_elsewhere(instance: models.Model) -> None:
    setattr(instance, RECORDED_ELSEWHERE, True)


def label_of(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def record_transition(
    record: models.Model,
    *,
    machine: str,
    transition: str,
    from_state: str,
    to_state: str,
    note: str,
    event_id: Any,
    changes: dict[str, list[Any]],
    actor: Any = None,
) -> object:
    """One entry for one workflow step: the decision, and every field it changed."""
    return _write(
        "decision",
        model=label_of(record),
        object_id=str(record.pk),
        object_repr=str(record),
        changes={
            "decision": transition,
            "workflow": machine,
            "from_state": from_state,
            "to_state": to_state,
            "note": note[:500],
            "event_id": event_id,
            "fields": changes,
        },
        actor=actor,
    )


def record_bulk(
    model: type[models.Model],
    action: str,
    rows: dict[Any, dict[str, list[Any]]],
    *,
    how: str,
) -> object | None:
    """One entry for a bulk write: ``rows`` maps each primary key to its changed fields."""
    if not rows:
        return None
    return _write(
        action,
        model=label_of(model),
        object_repr=how,
        changes={"bulk": how, "rows": {str(pk): change for pk, change in rows.items()}},
    )


def pks(objs: Iterable[models.Model]) -> list[Any]:
    return [o.pk for o in objs]
