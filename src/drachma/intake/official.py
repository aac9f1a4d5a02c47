"""Official channels: referrals in (from the NCA's CEOP command, platforms and other forces),
the quarantine of material that may be indecent imagery, and onward referrals out (to CEOP,
another force, children's or adult social care). Writes only; reads are in ``selectors``.

A referral in is a ``Report`` with ``origin = referral``: it is received by the same
``services.submit_report`` as a public report (the same checks of files, the same routing,
the same matching and triage), entered by staff with the sender and the sender's reference.
See docs/intake.md, "Referrals in and out".
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from drachma.audit.services import record_decision
from drachma.core.workflow import NOTE_MAX_LENGTH
from drachma.evidence.models import EvidenceItem, EvidenceKind
from drachma.intake.models import (
    REFERRAL_SENDER_TYPES,
    Destination,
    ImageCategory,
    OnwardReferral,
    OnwardStatus,
    Origin,
    QuarantineReason,
    Report,
    ReportFile,
)
from drachma.intake.workflow import ONWARD

GRADE_PERM = "intake.grade_reportfile"
VIA_REFERRAL = "an official referral"
# Images and videos received through an official channel are quarantined whatever the sender
# said: CEOP and platforms send material because it may be indecent.
QUARANTINED_BY_DEFAULT = {EvidenceKind.IMAGE, EvidenceKind.VIDEO, EvidenceKind.SCREENSHOT}
DEFAULT_CHANNEL: dict[str, str] = {
    Destination.CEOP.value: "CEOP's referral portal (the official channel)"
}


def earlier_referral(sender: str, sender_reference: str) -> Report | None:
    """The referral in already received from this sender under this reference, if any
    (matched ignoring case and spaces around)."""
    return (
        Report.objects.filter(
            origin=Origin.REFERRAL,
            sender__iexact=sender.strip(),
            sender_reference__iexact=sender_reference.strip(),
        )
        .order_by("pk")
        .first()
    )


def _duplicate(earlier: Report) -> ValidationError:
    return ValidationError(
        {
            "sender_reference": (
                f"{earlier.sender} already sent a referral with the reference "
                f"'{earlier.sender_reference}': it is report {earlier.reference}. "
                "Add to that report instead of entering it again."
            )
        }
    )


@dataclass
class ReferralIn:
    """What ``services.submit_report`` needs to receive a referral in: who sent it, under
    what reference, who entered it, and whether the sender marked the material."""

    user: Any
    sender: str
    sender_reference: str
    may_be_indecent: bool = False
    via: str = VIA_REFERRAL

    def prepare(self, report: Report, errors: dict) -> None:
        report.origin = Origin.REFERRAL
        report.sender = (self.sender or "").strip()
        report.sender_reference = (self.sender_reference or "").strip()
        report.received_by = self.user
        if report.sender and report.sender_reference:
            earlier = earlier_referral(report.sender, report.sender_reference)
            if earlier is not None:
                for key, messages in _duplicate(earlier).message_dict.items():
                    errors.setdefault(key, []).extend(messages)

    def save(self, report: Report) -> None:
        """Saved under the unique constraint: a referral entered twice at once is refused
        naming the one that won (checked before, enforced here)."""
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            earlier = earlier_referral(report.sender, report.sender_reference)
            if earlier is None:
                raise
            raise _duplicate(earlier) from None

    def quarantine_on_arrival(self, report_file: ReportFile, kind: str) -> None:
        if self.may_be_indecent:
            reason = QuarantineReason.SENDER
        elif kind in QUARANTINED_BY_DEFAULT:
            reason = QuarantineReason.CHANNEL
        else:
            return
        _quarantine(report_file, reason=reason, user=self.user)


def receive_referral(
    *,
    user,
    reporter_type: str,
    sender: str,
    sender_reference: str,
    concern: str,
    text: str,
    may_be_indecent: bool = False,
    files: Iterable = (),
    **fields: Any,
) -> Report:
    """Receive a referral in from CEOP, a platform or another force, entered by staff. The
    sender's reference is required and unique per sender; the rest is a report's."""
    errors: dict[str, list[str]] = {}
    if reporter_type not in REFERRAL_SENDER_TYPES:
        errors["reporter_type"] = [
            "Choose who sent the referral: CEOP, a platform or another police force."
        ]
    if not (sender or "").strip():
        errors["sender"] = ["Name the organisation that sent the referral."]
    if not (sender_reference or "").strip():
        errors["sender_reference"] = [
            "Give the sender's reference: a referral in is refused without it (it is how the "
            "sender and the force find the same referral, and how a referral sent twice is "
            "recognised)."
        ]
    if errors:
        raise ValidationError(errors)
    report = _submit(
        reporter_type=reporter_type,
        concern=concern,
        text=text,
        files=files,
        official=ReferralIn(
            user=user,
            sender=sender,
            sender_reference=sender_reference,
            may_be_indecent=may_be_indecent,
        ),
        **fields,
    )
    record_decision(
        report, "receive_referral", sender=report.sender, sender_reference=report.sender_reference
    )
    return report


def _submit(**kwargs: Any) -> Report:
    from drachma.intake.services import submit_report

    return submit_report(**kwargs)


# --- quarantine ---------------------------------------------------------------------------


def _quarantine(report_file: ReportFile, *, reason: str, user) -> None:
    report_file.quarantined = True
    report_file.quarantine_reason = reason
    report_file.quarantined_by = user
    report_file.quarantined_at = timezone.now()
    report_file.save(
        update_fields=["quarantined", "quarantine_reason", "quarantined_by", "quarantined_at"]
    )
    # The evidence store's pages refuse these bytes from now on.
    EvidenceItem.objects.filter(pk=report_file.item_id).update(quarantined=True)


@transaction.atomic
def quarantine_file(report_file: ReportFile, *, user, note: str = "") -> ReportFile:
    """Triage marks a report's file as possibly indecent: it is quarantined at once. A
    quarantine is never lifted in Drachma (the unit's grade is recorded beside it)."""
    locked = ReportFile.objects.select_for_update().get(pk=report_file.pk)
    if locked.quarantined:
        raise ValidationError({"file": f"{locked.item.exhibit_ref} is already quarantined."})
    _quarantine(locked, reason=QuarantineReason.TRIAGE, user=user)
    record_decision(locked, "quarantine", exhibit=locked.item.exhibit_ref, note=note)
    return locked


@transaction.atomic
def grade_file(report_file: ReportFile, *, user, category: str, note: str = "") -> ReportFile:
    """Record the digital forensics unit's grade of a quarantined file under the national
    categories. Drachma never grades: it keeps the unit's decision, who took it and when."""
    if user is None or not user.has_perm(GRADE_PERM):
        raise PermissionDenied("Only the digital forensics unit grades quarantined material.")
    if category not in ImageCategory.values:
        raise ValidationError(
            {
                "category": (
                    f"'{category}' is not one of the national categories: choose "
                    + ", ".join(f"'{c}'" for c in ImageCategory.values)
                    + "."
                )
            }
        )
    locked = ReportFile.objects.select_for_update().get(pk=report_file.pk)
    if not locked.quarantined:
        raise ValidationError({"file": "Only quarantined material is graded."})
    if len(note or "") > NOTE_MAX_LENGTH:
        raise ValidationError({"note": f"At most {NOTE_MAX_LENGTH} characters."})
    locked.grade = category
    locked.grade_note = (note or "").strip()
    locked.graded_by = user
    locked.graded_at = timezone.now()
    locked.save(update_fields=["grade", "grade_note", "graded_by", "graded_at"])
    record_decision(locked, "grade", exhibit=locked.item.exhibit_ref, category=category)
    return locked


# --- onward referrals ---------------------------------------------------------------------


@transaction.atomic
def record_onward_referral(
    report: Report,
    *,
    user,
    destination: str,
    recipient: str,
    what_sent: str,
    channel: str = "",
    their_reference: str = "",
    sent_at: datetime.datetime | None = None,
) -> OnwardReferral:
    """Record a referral the force sent about a report: to CEOP (through the official
    channel), another force, or children's or adult social care. Never to a group: the
    destinations are only these."""
    now = timezone.now()
    errors: dict[str, str] = {}
    if destination not in Destination.values:
        errors["destination"] = "Choose CEOP, another force, children's or adult social care."
    if not (recipient or "").strip():
        errors["recipient"] = "Name the organisation the referral was sent to."
    channel = (channel or "").strip() or DEFAULT_CHANNEL.get(destination, "")
    if not channel:
        errors["channel"] = "Say how it was sent (for example secure e-mail, a portal)."
    if sent_at is not None and sent_at > now:
        errors["sent_at"] = "A referral cannot be recorded as sent in the future."
    if errors:
        raise ValidationError(errors)
    onward = OnwardReferral(
        report=report,
        destination=destination,
        recipient=recipient.strip(),
        channel=channel,
        what_sent=(what_sent or "").strip(),
        their_reference=(their_reference or "").strip(),
        sent_at=sent_at or now,
        sent_by=user,
        status=OnwardStatus.SENT,
    )
    onward.full_clean()
    onward.save()
    ONWARD.start(onward, user=user, transition="send", note=f"Sent to {onward.recipient}.")
    return onward


def answer_onward_referral(
    onward: OnwardReferral, *, user, answer: str, answered_at: datetime.datetime | None = None
) -> OnwardReferral:
    """Record the recipient's answer and when it came (``workflow.ONWARD``)."""
    return ONWARD.apply(onward, "answer", user=user, note=answer, answered_at=answered_at)


def withdraw_onward_referral(onward: OnwardReferral, *, user, reason: str) -> OnwardReferral:
    return ONWARD.apply(onward, "withdraw", user=user, note=reason)
