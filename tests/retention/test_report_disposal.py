"""Disposing of a public report at its MoPI review goes through intake's removal: its
exhibits are disposed of through the custody chain by the reviewing supervisor and their bytes
leave the store, not left behind without a reason; a report a referral depends on is refused
with nothing changed."""

import pytest
from django.core.exceptions import ValidationError

from drachma.audit.models import AuditEntry
from drachma.evidence.models import CustodyState, EvidenceItem
from drachma.evidence.store import get_store
from drachma.intake import services as intake
from drachma.intake.models import Report
from drachma.retention.services import review_record
from tests.intake.conftest import PNG, upload

pytestmark = pytest.mark.django_db


def test_a_report_disposed_of_at_review_takes_its_exhibits_with_it(
    supervisor, django_capture_on_commit_callbacks
):
    report = intake.submit_report(
        reporter_type="public",
        concern="confrontation_happened",
        text="Filmed outside the shop.",
        files=[upload("shot.png", PNG, "image/png")],
    )
    item, report_pk = report.files.get().item, report.pk

    with django_capture_on_commit_callbacks(execute=True):
        review_record(report, outcome="dispose", reason="Nothing came of it.", user=supervisor)

    assert not Report.objects.filter(pk=report_pk).exists()
    item = EvidenceItem.objects.get(pk=item.pk)
    assert item.custody_state == CustodyState.DISPOSED
    event = item.custody_events.order_by("-pk").first()
    assert event.by == supervisor and "Nothing came of it." in event.note
    assert not get_store().exists(item.sha256)
    assert AuditEntry.objects.filter(
        model="intake.report", object_id=str(report_pk), changes__decision="disposed of at review"
    ).exists()


def test_a_report_a_referral_depends_on_is_refused_and_nothing_changes(supervisor):
    report = intake.submit_report(
        reporter_type="group",
        concern="possible_offender",
        text="Chatting to a decoy.",
        files=[upload("shot.png", PNG, "image/png")],
    )
    item = report.files.get().item

    with pytest.raises(ValidationError, match="depend on it"):
        review_record(report, outcome="dispose", reason="Nothing came of it.", user=supervisor)

    assert Report.objects.filter(pk=report.pk).exists()
    assert report.files.count() == 1
    item.refresh_from_db()
    assert item.custody_state == CustodyState.RECEIVED
    assert get_store().exists(item.sha256)
