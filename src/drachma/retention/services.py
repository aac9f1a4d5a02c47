import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from drachma.groups.models import Group
from drachma.incidents.models import Incident
from drachma.incidents.services import delete_incident, unlink_group
from drachma.intake.models import Report
from drachma.intake.services import remove_report
from drachma.retention.models import RetentionDecision, ReviewOutcome


def _dispose(record, user, reason: str) -> None:
    """Delete the record; incidents (and a group's links to them) through incidents'
    services, which keep the statistics in step; a public report through intake's removal,
    which disposes of its exhibits through the custody chain (nothing it brought in is left
    behind without a reason)."""
    if isinstance(record, Incident):
        delete_incident(record, user=user)
        return
    if isinstance(record, Report):
        remove_report(
            record,
            why=f"Disposed of at its review: {reason}",
            decision="disposed of at review",
            user=user,
        )
        return
    if isinstance(record, Group):
        unlink_group(record, user=user)
    record.delete()


@transaction.atomic
def review_record(
    record, *, outcome: str, reason: str, user, next_review_date: datetime.date | None = None
) -> RetentionDecision:
    """Record a review decision. Retaining sets the next review date; disposing deletes the
    record, unless other records depend on it (then nothing changes and the error says what)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the decision."})
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": f"Choose one of: {', '.join(ReviewOutcome.values)}."})
    today = timezone.localdate()
    if outcome == ReviewOutcome.RETAIN:
        if next_review_date is None or next_review_date <= today:
            raise ValidationError(
                {"next_review_date": "A retained record needs a review date in the future."}
            )
        if next_review_date > today.replace(year=today.year + 10):
            raise ValidationError({"next_review_date": "Review at least every ten years."})
    decision = RetentionDecision(
        content_type=ContentType.objects.get_for_model(record),
        object_id=str(record.pk),
        record_repr=str(record)[:200],
        outcome=outcome,
        reason=reason,
        previous_review_date=record.review_date,
        next_review_date=next_review_date if outcome == ReviewOutcome.RETAIN else None,
        decided_by=user,
    )
    decision.save()
    if outcome == ReviewOutcome.RETAIN:
        record.review_date = next_review_date
        record.save(update_fields=["review_date", "updated_at"])
    else:
        try:
            with transaction.atomic():
                _dispose(record, user, reason)
        except ProtectedError as exc:
            blockers = sorted({f"{o._meta.verbose_name} {o}" for o in exc.protected_objects})[:5]
            raise ValidationError(
                {
                    "outcome": (
                        "This record cannot be disposed of while other records depend on it: "
                        + "; ".join(blockers)
                        + ". Review those first."
                    )
                }
            ) from None
    return decision
