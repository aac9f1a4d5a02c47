"""Merging a duplicate person into the record that survives, and undoing it.

Every link to the duplicate (an incident role, a safeguarding action, an exposure event, a
defendant, an identifier, a report's match...) moves to the survivor. The links are found
from the model graph (every foreign key to ``Person``, whichever app declares it), so an app
added above people is merged without a change here. Each moved row is saved one by one (the
audit log records each change) and listed on the ``PersonMerge``, so that undoing the merge
moves back exactly those rows and leaves alone what was linked to the survivor since.

Both people are locked (``select_for_update``, in key order so two merges cannot deadlock)
before anything is checked, so two supervisors merging the same records at once cannot both
succeed: the second sees the first's merge and is refused.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from drachma.audit.services import record_decision
from drachma.people.models import Person, PersonMerge


def _links() -> list[models.ForeignKey]:
    """Every foreign key to Person outside the merge bookkeeping itself."""
    found = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if not (rel.is_relation and rel.auto_created and not rel.concrete):
            continue
        field = rel.field  # type: ignore[union-attr]  # reverse relations carry their field
        if field.model in (PersonMerge,) or (field.model is Person and field.name == "merged_into"):
            continue
        if isinstance(field, models.ForeignKey):
            found.append(field)
    return found


def _locked(*pks: Any) -> dict[Any, Person]:
    rows = Person.objects.select_for_update().filter(pk__in=pks).order_by("pk")
    return {p.pk: p for p in rows}


def _clean_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: "Give the reason (why these are the same person)."})
    if len(reason) > 2000:
        raise ValidationError({field: "The reason is longer than 2,000 characters."})
    return reason


def _move(field: models.ForeignKey, pks: list[Any], to: Person) -> list[str]:
    """Point ``field`` of rows ``pks`` at ``to``; the constraints each row breaks there."""
    model = field.model
    problems = []
    for row in model._base_manager.select_for_update().filter(pk__in=pks).order_by("pk"):
        setattr(row, field.name, to)
        try:
            row.validate_constraints()
            row.validate_unique()
        except ValidationError as exc:
            problems.append(
                f"{model._meta.verbose_name} '{row}' would then be recorded twice "
                f"({'; '.join(exc.messages)})"
            )
            continue
        row.save(update_fields=[field.name])
    return problems


@transaction.atomic
def merge_people(*, survivor: Person, merged: Person, reason: str, user=None) -> PersonMerge:
    """Merge ``merged`` into ``survivor``: ValidationError naming the field when the two are
    the same person, either is already merged into another record, or a link cannot move
    (it would then be recorded twice); nothing is written then."""
    reason = _clean_reason(reason)
    if survivor.pk == merged.pk:
        raise ValidationError({"merged": "A person cannot be merged into themselves."})
    people = _locked(survivor.pk, merged.pk)
    if len(people) != 2:
        raise ValidationError({"merged": "One of the two people no longer exists."})
    survivor, merged = people[survivor.pk], people[merged.pk]
    if survivor.merged_into_id:
        raise ValidationError(
            {
                "survivor": f"{survivor} was already merged into another record "
                f"(person {survivor.merged_into_id}); merge into that one."
            }
        )
    if merged.merged_into_id:
        raise ValidationError(
            {
                "merged": f"{merged} was already merged into person {merged.merged_into_id}; "
                "undo that merge first."
            }
        )
    moved: list[list[Any]] = []
    problems: list[str] = []
    for field in _links():
        pks = list(
            field.model._base_manager.filter(**{field.name: merged}).values_list("pk", flat=True)
        )
        if not pks:
            continue
        problems += _move(field, pks, survivor)
        moved += [[field.model._meta.label, pk, field.name] for pk in pks]
    if problems:
        # Raised inside the transaction: the rows already moved go back with it.
        raise ValidationError(
            {"merged": "These links cannot move to the surviving record: " + "; ".join(problems)}
        )
    merged.merged_into = survivor
    merged.save(update_fields=["merged_into", "updated_at"])
    merge = PersonMerge.objects.create(
        survivor=survivor, merged=merged, reason=reason, moved=moved, merged_by=user
    )
    record_decision(merged, "merged", into=survivor.pk, links=len(moved), merge=merge.pk)
    return merge


@transaction.atomic
def undo_merge(merge: PersonMerge, *, reason: str, user=None) -> PersonMerge:
    """Put back every link the merge moved (those still on the survivor) and make the merged
    record a person of its own again. ValidationError when it is already undone."""
    reason = _clean_reason(reason, "undo_reason")
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at:
        raise ValidationError({"undo_reason": "This merge has already been undone."})
    people = _locked(merge.survivor_id, merge.merged_id)
    survivor, merged = people[merge.survivor_id], people[merge.merged_id]
    restored = 0
    for label, pk, name in merge.moved:
        model = apps.get_model(label)
        row = model._base_manager.select_for_update().filter(pk=pk).first()
        # A row since deleted, or since moved on by hand, stays where it is.
        if row is None or getattr(row, f"{name}_id") != survivor.pk:
            continue
        setattr(row, name, merged)
        row.save(update_fields=[name])
        restored += 1
    merged.merged_into = None
    merged.save(update_fields=["merged_into", "updated_at"])
    merge.undone_at, merge.undone_by, merge.undo_reason = timezone.now(), user, reason
    merge.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    record_decision(merged, "merge undone", merge=merge.pk, links=restored)
    return merge
