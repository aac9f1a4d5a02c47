"""Every write to intelligence entries."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from drachma.core.models import ReferenceCounter
from drachma.incidents.services import as_aware
from drachma.intelligence.models import IntelligenceEntry, IntelligenceStatus
from drachma.intelligence.workflow import INTELLIGENCE_WORKFLOW, NOT_BY_AUTHOR, by_author

ENTRY_FIELDS = {
    "group",
    "learned_at",
    "source_type",
    "source_description",
    "source_evaluation",
    "intelligence_assessment",
    "handling_code",
    "handling_conditions",
    "legacy_grading",
    "text",
    "sanitised_text",
    "mopi_group",
    "review_date",
}


def _set(obj, fields: dict, allowed: set) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({f: "This field cannot be set." for f in sorted(unknown)})
    for name, value in fields.items():
        setattr(obj, name, value)


@transaction.atomic
def create_entry(*, user, incidents=(), **fields) -> IntelligenceEntry:
    if "learned_at" in fields:
        fields["learned_at"] = as_aware(fields["learned_at"], "learned_at")
    entry = IntelligenceEntry(created_by=user)
    _set(entry, fields, ENTRY_FIELDS)
    entry.full_clean(exclude=["reference", "review_date"])
    entry.reference = ReferenceCounter.next_reference(
        "INT", timezone.localtime(entry.learned_at).year
    )
    entry.save()
    if incidents:
        entry.incidents.set(incidents)
    return entry


@transaction.atomic
def update_entry(entry: IntelligenceEntry, *, user, incidents=None, **fields) -> IntelligenceEntry:
    if entry.status == IntelligenceStatus.LINKED:
        raise ValidationError(
            {"status": "A linked entry is final; record new intelligence instead."}
        )
    if "learned_at" in fields:
        fields["learned_at"] = as_aware(fields["learned_at"], "learned_at")
    _set(entry, fields, ENTRY_FIELDS)
    entry.full_clean()
    entry.save()
    if incidents is not None:
        entry.incidents.set(incidents)
    return entry


def available_transitions(entry: IntelligenceEntry, user) -> list[str]:
    """The workflow steps ``user`` may take on ``entry`` now."""
    return [
        t.name
        for t in INTELLIGENCE_WORKFLOW.allowed(entry.status, user)
        if not (t.name in NOT_BY_AUTHOR and by_author(entry, user))
    ]


def transition_entry(
    entry: IntelligenceEntry, action: str, *, user, note: str = ""
) -> IntelligenceEntry:
    """Take one step of the entry's workflow (see ``workflow.INTELLIGENCE_WORKFLOW``)."""
    return INTELLIGENCE_WORKFLOW.apply(entry, action, user=user, note=note)
