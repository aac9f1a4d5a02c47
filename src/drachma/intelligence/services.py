"""Every write to intelligence entries."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from drachma.core.models import ReferenceCounter
from drachma.incidents.services import as_aware
from drachma.intelligence.models import IntelligenceEntry, IntelligenceEvent, IntelligenceStatus
from drachma.intelligence.workflow import INTELLIGENCE_WORKFLOW

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


# An entry is assessed and linked by someone other than its author.
NOT_BY_AUTHOR = {"assess", "link"}


def available_transitions(entry: IntelligenceEntry, user) -> list[str]:
    """The workflow steps ``user`` may take on ``entry`` now."""
    return [
        t.name
        for t in INTELLIGENCE_WORKFLOW.allowed(entry.status, user)
        if not (t.name in NOT_BY_AUTHOR and entry.created_by_id == user.pk)
    ]


@transaction.atomic
def transition_entry(
    entry: IntelligenceEntry, action: str, *, user, note: str = ""
) -> IntelligenceEntry:
    entry = IntelligenceEntry.objects.select_for_update().get(pk=entry.pk)
    t = INTELLIGENCE_WORKFLOW.check(entry.status, action, user)
    if action in NOT_BY_AUTHOR and entry.created_by_id == user.pk:
        raise ValidationError(
            {"transition": "An entry is assessed by someone other than its author."}
        )
    if action == "assess" and not entry.sanitised_text.strip():
        raise ValidationError(
            {"sanitised_text": "Write the sanitised text before the entry is assessed."}
        )
    if len(note) > 2000:
        raise ValidationError(
            {"note": f"Ensure this value has at most 2000 characters (it has {len(note)})."}
        )
    if action == "return_for_correction" and not note.strip():
        raise ValidationError({"note": "Say what needs correcting."})
    if action == "link" and not (entry.group_id or entry.incidents.exists()):
        raise ValidationError({"incidents": "Link the entry to a group or an incident first."})
    IntelligenceEvent.objects.create(
        entry=entry,
        transition=action,
        from_status=entry.status,
        to_status=t.target,
        by=user,
        note=note,
    )
    entry.status = t.target
    entry.returned_reason = note if action == "return_for_correction" else entry.returned_reason
    entry.save(update_fields=["status", "returned_reason", "updated_at"])
    return entry
