"""Restriction of processing (DPA 2018 Part 3, s.47(2) and (3)): a record that is held but
not used.

The rights register (``drachma.rights``) places a restriction; every app honours it through
these helpers, which need nothing above core:

- ``is_restricted(obj)`` / ``restriction_for(obj)``: is this record restricted (and why)?
- ``without_restricted(queryset)``: the records of a list or an export that may be used.
- ``restricted_ids(model)``: the ids of a model's restricted records (for marking rows).
- ``may_use(viewer, obj)``: the viewer may see the record's details (it is not restricted,
  or the viewer holds ``core.view_restricted_record``: the rights handler and the auditor).

Where each door honours the mark is listed in docs/rights.md.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from drachma.core.models import Restriction

VIEW_RESTRICTED = "core.view_restricted_record"

M = TypeVar("M", bound=models.Model)


def _live() -> models.QuerySet[Restriction]:
    return Restriction.objects.filter(lifted_at__isnull=True)


def restriction_for(obj: models.Model) -> Restriction | None:
    """The live restriction on ``obj``, or None."""
    if obj is None or obj.pk is None:
        return None
    ct = ContentType.objects.get_for_model(type(obj), for_concrete_model=True)
    return _live().filter(content_type=ct, object_id=obj.pk).first()


def is_restricted(obj: models.Model) -> bool:
    return restriction_for(obj) is not None


def restricted_ids(model: type[models.Model]) -> set[int]:
    ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
    return set(_live().filter(content_type=ct).values_list("object_id", flat=True))


def without_restricted(queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """``queryset`` less the records under a live restriction."""
    ct = ContentType.objects.get_for_model(queryset.model, for_concrete_model=True)
    held = _live().filter(content_type=ct).values("object_id")
    return queryset.exclude(pk__in=models.Subquery(held))


def may_use(viewer: Any, obj: models.Model) -> bool:
    """Whether ``viewer`` may see ``obj``'s details: not restricted, or a role that must."""
    return not is_restricted(obj) or bool(viewer and viewer.has_perm(VIEW_RESTRICTED))


def restrict(
    obj: models.Model, *, reason: str, user: Any, request_reference: str = ""
) -> Restriction:
    """Mark ``obj`` as held but not used. A ValidationError naming ``restriction`` when it is
    already restricted (nothing is written), ``reason`` when none is given."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason processing is restricted."})
    existing = restriction_for(obj)
    if existing is not None:
        raise ValidationError({"restriction": _already(obj, existing)})
    ct = ContentType.objects.get_for_model(type(obj), for_concrete_model=True)
    restriction = Restriction(
        content_type=ct,
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        reason=reason,
        request_reference=request_reference,
        placed_by=user,
    )
    restriction.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            restriction.save()
    except IntegrityError:
        # Placed by someone else a moment ago: the unique index on live rows decided.
        raise ValidationError(
            {"restriction": _already(obj, restriction_for(obj) or restriction)}
        ) from None
    return restriction


def lift(restriction: Restriction, *, user: Any, reason: str) -> Restriction:
    """Lift a live restriction; the row stays, with who lifted it, when and why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"lifted_reason": "Give the reason the restriction is lifted."})
    with transaction.atomic():
        locked = Restriction.objects.select_for_update().get(pk=restriction.pk)
        if locked.lifted_at is not None:
            raise ValidationError({"restriction": f"{locked} was already lifted."})
        locked.lifted_at = timezone.now()
        locked.lifted_by = user
        locked.lifted_reason = reason
        locked.full_clean(validate_constraints=False)
        locked.save()
    return locked


def _already(obj: models.Model, existing: Restriction) -> str:
    since = timezone.localtime(existing.placed_at).strftime("%-d %B %Y")
    by = f" under {existing.request_reference}" if existing.request_reference else ""
    return f"{obj} is already restricted (since {since}{by}): it cannot be restricted twice."
