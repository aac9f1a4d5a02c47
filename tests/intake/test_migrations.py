"""The triage and referral histories took the shared shape of workflow events: the rows stay,
with their steps and states under the new names, and events with no user name the reporting
page that took them."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from drachma.intake.models import ReferralEvent, ReportEvent
from tests.migrating import migrate_to, migrate_to_latest


@pytest.mark.django_db(transaction=True)
def test_the_events_keep_their_rows_under_the_shared_names():
    old = migrate_to([("intake", "0002_groups_register_moved")])
    officer = get_user_model().objects.create(username="kept_officer")
    report = old.get_model("intake", "Report").objects.create(
        reference="RP-KEPT-0001",
        reporter_type="public",
        concern="possible_offender",
        text="Kept.",
        status="referred",
        review_date="2030-01-01",
    )
    OldReportEvent = old.get_model("intake", "ReportEvent")
    routed = OldReportEvent.objects.create(
        report=report, decision="refer", from_status="new", to_status="referred", note="Routed."
    )
    assigned = OldReportEvent.objects.create(
        report=report,
        decision="assign",
        from_status="new",
        to_status="assigned",
        by_id=officer.pk,
        note="Assigned.",
    )
    referral = old.get_model("intake", "Referral").objects.create(
        reference="RF-2026-000001",
        report=report,
        summary="Kept.",
        due_date=timezone.localdate(),
        review_date="2030-01-01",
    )
    created = old.get_model("intake", "ReferralEvent").objects.create(
        referral=referral, transition="create", from_status="", to_status="open"
    )

    migrate_to_latest()

    kept = ReportEvent.objects.get(pk=routed.pk)
    assert (kept.transition, kept.from_state, kept.to_state, kept.note) == (
        "refer",
        "new",
        "referred",
        "Routed.",
    )
    assert kept.by is None and kept.by_description == "the public reporting page"
    by_officer = ReportEvent.objects.get(pk=assigned.pk)
    assert (by_officer.transition, by_officer.by_id, by_officer.by_description) == (
        "assign",
        officer.pk,
        "",
    )
    first = ReferralEvent.objects.get(pk=created.pk)
    assert (first.transition, first.from_state, first.to_state) == ("create", "", "open")
    assert first.by_description == "the public reporting page"
