"""Referrals to the online child abuse investigation team: open -> accepted -> investigating ->
closed, or rejected with a reason (the report then goes back to triage)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from drachma.audit.models import AuditEntry
from drachma.intake import services
from drachma.intake.models import Referral, ReferralEvent, Report
from drachma.intake.workflow import REFERRAL
from tests.intake.conftest import CHAT_EXPORT, upload
from tests.workflows import put_in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(make_report):
    report = make_report(
        concern="possible_offender",
        handles="tiktok: @dave_k",
        files=[upload("chat.txt", CHAT_EXPORT)],
    )
    return report.referral


def _in_state(referral, status, owner=None):
    return put_in_state(referral, status=status, owner=owner)


# Reassigning keeps the state and needs a new owner: tested on its own below.
CHANGING_STATE = sorted(p for p in REFERRAL.pairs() if p[1] != "reassign")


@pytest.mark.parametrize(("source", "name", "target"), CHANGING_STATE)
def test_every_referral_transition(source, name, target, referral, investigator):
    referral = _in_state(referral, source, owner=investigator if source != "open" else None)
    services.transition_referral(referral, name, user=investigator, note="Reason or outcome.")
    referral.refresh_from_db()
    assert referral.status == target
    event = ReferralEvent.objects.filter(referral=referral).order_by("-pk").first()
    assert (event.transition, event.from_state, event.to_state, event.by) == (
        name,
        source,
        target,
        investigator,
    )
    entry = (
        AuditEntry.objects.filter(model="intake.referral", action="decision")
        .order_by("-seq")
        .first()
    )
    assert entry.changes["decision"] == name and entry.object_id == str(referral.pk)


def test_accept_makes_the_investigator_the_owner(referral, investigator):
    services.transition_referral(referral, "accept", user=investigator)
    referral.refresh_from_db()
    assert referral.owner == investigator


def test_a_supervisor_accepts_for_an_investigator(referral, supervisor, investigator):
    with pytest.raises(ValidationError, match="not in the investigation team"):
        services.transition_referral(referral, "accept", user=supervisor)
    services.transition_referral(referral, "accept", user=supervisor, owner=investigator)
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.owner == investigator


def test_reject_needs_a_reason_and_sends_the_report_back_to_triage(referral, investigator):
    with pytest.raises(ValidationError, match="reason for rejecting"):
        services.transition_referral(referral, "reject", user=investigator)
    referral.refresh_from_db()
    assert referral.status == "open"
    services.transition_referral(
        referral, "reject", user=investigator, note="No child is involved."
    )
    referral.refresh_from_db()
    report = Report.objects.get(pk=referral.report_id)
    assert referral.status == "rejected" and referral.rejected_reason == "No child is involved."
    assert report.status == "new"
    assert (
        report.events.order_by("-pk").first().note
        == f"Referral {referral.reference} rejected: No child is involved."
    )


def test_close_needs_the_outcome(referral, investigator):
    referral = _in_state(referral, "investigating", owner=investigator)
    with pytest.raises(ValidationError, match="outcome"):
        services.transition_referral(referral, "close", user=investigator)
    services.transition_referral(referral, "close", user=investigator, note="Charged under s.15.")
    referral.refresh_from_db()
    assert referral.outcome == "Charged under s.15."


def test_impossible_transitions_are_refused(referral, investigator):
    with pytest.raises(ValidationError, match="cannot close from 'open'"):
        services.transition_referral(referral, "close", user=investigator, note="x")
    with pytest.raises(ValidationError, match="no transition called 'explode'"):
        services.transition_referral(referral, "explode", user=investigator)


def test_a_safeguarding_officer_cannot_work_referrals(referral, safeguarding_officer):
    with pytest.raises(ValidationError, match="your role may not accept"):
        services.transition_referral(referral, "accept", user=safeguarding_officer)


def test_reassign_only_to_an_investigator(referral, investigator, make_user):
    referral = _in_state(referral, "accepted", owner=investigator)
    with pytest.raises(ValidationError, match="not in the investigation team"):
        services.reassign_referral(
            referral, user=investigator, owner=make_user("safeguarding_officer")
        )
    colleague = make_user("investigator")
    services.reassign_referral(referral, user=investigator, owner=colleague)
    referral.refresh_from_db()
    assert referral.owner == colleague


def test_a_report_is_referred_once(referral, supervisor):
    report = referral.report
    put_in_state(report, status="new")
    with pytest.raises(ValidationError, match="already referred"):
        services.refer_report(report, user=supervisor)
    assert Referral.objects.count() == 1


def test_triage_refers_with_a_due_date_and_owner(make_report, safeguarding_officer, investigator):
    report = make_report(concern="footage_online", links="https://www.tiktok.com/@dave_k/video/9")
    due = timezone.localdate() + datetime.timedelta(days=1)
    referral = services.refer_report(
        report,
        user=safeguarding_officer,
        due_date=due,
        owner=investigator,
        note="Looks like grooming.",
    )
    assert (referral.due_date, referral.owner, referral.created_by) == (
        due,
        investigator,
        safeguarding_officer,
    )
    assert referral.platforms == ["tiktok"] and referral.handles == [
        {"platform": "tiktok", "handle": "dave_k"}
    ]
    with pytest.raises(ValidationError, match="in the past"):
        services.refer_report(
            make_report(),
            user=safeguarding_officer,
            due_date=timezone.localdate() - datetime.timedelta(days=1),
        )


def test_overdue(referral):
    Referral.objects.filter(pk=referral.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    referral.refresh_from_db()
    assert referral.is_overdue


def test_referral_pages(client_as, referral, investigator):
    client = client_as(user=investigator)
    listing = client.get("/intake/referrals/").content.decode()
    assert referral.reference in listing
    detail = client.get(f"/intake/referrals/{referral.reference}/").content.decode()
    assert "@dave_k" in detail and "chat.txt" in detail
    response = client.post(f"/intake/referrals/{referral.reference}/accept/", {"note": ""})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.owner == investigator
    assert (
        client_as("safeguarding_officer")
        .get(f"/intake/referrals/{referral.reference}/")
        .status_code
        == 404
    )


def test_overdue_referrals_are_reminded_to_supervisors_once_a_day(
    referral, supervisor, investigator
):
    from drachma.core.models import Notification
    from drachma.intake.tasks import remind_overdue_referrals

    today = timezone.localdate()
    assert services.remind_overdue_referrals(today) == 0
    Referral.objects.filter(pk=referral.pk).update(due_date=today - datetime.timedelta(days=1))
    assert services.remind_overdue_referrals(today) == 1
    assert services.remind_overdue_referrals(today) == 0  # once a day
    from drachma.audit.models import AuditEntry

    reminded = (
        AuditEntry.objects.filter(model="intake.referral", object_id=str(referral.pk))
        .order_by("-pk")
        .first()
    )
    assert reminded.changes["reminded_on"] == [None, today.isoformat()]
    assert (
        Notification.objects.filter(
            recipient=supervisor, subject=f"Referral {referral.reference} is overdue"
        ).count()
        == 1
    )
    assert not Notification.objects.filter(
        recipient=investigator, subject__contains="overdue"
    ).exists()
    assert services.remind_overdue_referrals(today + datetime.timedelta(days=1)) == 1
    services.transition_referral(referral, "accept", user=investigator)
    assert services.remind_overdue_referrals(today + datetime.timedelta(days=2)) == 0
    assert remind_overdue_referrals.func() == 0
