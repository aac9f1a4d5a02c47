"""Every write to intelligence entries."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from drachma.core.models import ReferenceCounter
from drachma.incidents.services import as_aware
from drachma.intelligence.models import (
    HandlingCode,
    IntelligenceEntry,
    IntelligenceStatus,
    SanitisedDisclosure,
)
from drachma.intelligence.workflow import (
    BY_EDIT,
    INTELLIGENCE_WORKFLOW,
    NOT_BY_AUTHOR,
    by_author,
)

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
    # What is stored, not what ``entry`` holds: a ModelForm has already set its cleaned values
    # on the instance by the time the page calls this.
    stored = IntelligenceEntry.objects.select_for_update().get(pk=entry.pk)
    grading_before, text_before = stored.grading, stored.text
    _set(entry, fields, ENTRY_FIELDS)
    entry.full_clean()
    entry.save()
    if incidents is not None:
        entry.incidents.set(incidents)
    changed = _what_changed(entry, grading_before, text_before)
    if changed and entry.status == IntelligenceStatus.ASSESSED:
        # The assessment was of the old grading or text: it is assessed again.
        INTELLIGENCE_WORKFLOW.apply(entry, "send_back_for_assessment", user=user, note=changed)
    return entry


def _what_changed(entry: IntelligenceEntry, grading_before: str, text_before: str) -> str:
    """In words, what of the grading and the text changed ("" if neither did)."""
    parts = []
    if entry.grading != grading_before:
        parts.append(f"Grading changed from {grading_before} to {entry.grading}.")
    if entry.text != text_before:
        parts.append("The intelligence text changed.")
    return " ".join(parts)


def available_transitions(entry: IntelligenceEntry, user) -> list[str]:
    """The workflow steps ``user`` may take on ``entry`` now."""
    return [
        t.name
        for t in INTELLIGENCE_WORKFLOW.allowed(entry.status, user)
        if t.name not in BY_EDIT and not (t.name in NOT_BY_AUTHOR and by_author(entry, user))
    ]


def transition_entry(
    entry: IntelligenceEntry, action: str, *, user, note: str = ""
) -> IntelligenceEntry:
    """Take one step of the entry's workflow (see ``workflow.INTELLIGENCE_WORKFLOW``)."""
    if action in BY_EDIT:
        raise ValidationError(
            {"transition": "An entry is sent back for assessment by changing its grading or text."}
        )
    return INTELLIGENCE_WORKFLOW.apply(entry, action, user=user, note=note)


@transaction.atomic
def disclose_entry(
    entry: IntelligenceEntry,
    *,
    user,
    recipient: str,
    handling_code: str,
    disclosed_on: datetime.date,
    reason: str,
) -> SanitisedDisclosure:
    """Record that the entry's sanitised copy went to ``recipient`` under ``handling_code``.
    Every problem is reported at once, by field, and nothing is written."""
    errors: dict[str, str] = {}
    if not entry.sanitised_text.strip():
        errors["sanitised_text"] = (
            f"{entry.reference} has no sanitised text; write it before disclosing the entry."
        )
    recipient = (recipient or "").strip()
    if not recipient:
        errors["recipient"] = "Say to which organisation or person the copy was disclosed."
    if handling_code not in HandlingCode.values:
        errors["handling_code"] = (
            f"Unknown handling code {handling_code!r}: use "
            + " or ".join(HandlingCode.values)
            + "."
        )
    if disclosed_on is None:
        errors["disclosed_on"] = "Give the date the copy was disclosed."
    elif disclosed_on > timezone.localdate():
        errors["disclosed_on"] = "The date of disclosure cannot be in the future."
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Say why the copy was disclosed."
    if errors:
        raise ValidationError(errors)
    disclosure = SanitisedDisclosure(
        entry=entry,
        recipient=recipient,
        handling_code=handling_code,
        disclosed_on=disclosed_on,
        by=user,
        reason=reason,
    )
    disclosure.full_clean()
    disclosure.save()
    return disclosure
