"""The triage and referral workflows on the one ``apply``: every declared step leaves one event
and one audit entry, every undeclared one is refused and writes nothing, permissions and the
note rule hold, the reporting page's routing is a step like any other, and the state is never
written by hand."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from drachma.audit.models import AuditEntry
from drachma.groups.services import save_group
from drachma.intake import services
from drachma.intake.models import LinkedRecord, Referral, Report, ReportEvent
from drachma.intake.workflow import REFERRAL, TRIAGE
from tests.intake.conftest import CHAT_EXPORT, incident_fields, upload
from tests.workflows import put_in_state

pytestmark = pytest.mark.django_db

REPORT_STATES = ["new", "assigned", "converted", "linked", "referred", "closed"]
REFERRAL_STATES = ["open", "accepted", "investigating", "closed", "rejected"]


def _entries(record):
    return AuditEntry.objects.filter(model=record._meta.label_lower, object_id=str(record.pk))


def _triage_params(name, report, user, make_user):
    """What each triage step needs besides its note."""
    if name == "assign":
        return {"assignee": make_user("safeguarding_officer")}
    if name == "convert":
        return {"incident_fields": incident_fields(), "groups": []}
    if name == "link":
        group = save_group(name=f"Group for {report.reference}", status="active")
        return {"link": LinkedRecord(report=report, group=group, linked_by=user)}
    return {}


def _report_in(make_report, state):
    report = make_report(text=f"A report that is {state}.")
    return put_in_state(report, status=state, close_reason="x" if state == "closed" else "")


def test_the_machines_name_their_records_and_histories():
    assert (TRIAGE.model, TRIAGE.field, TRIAGE.event_model) == (Report, "status", ReportEvent)
    assert TRIAGE.initial == ["new"] and REFERRAL.initial == ["open"]
    assert REFERRAL.model is Referral and REFERRAL.event_model.__name__ == "ReferralEvent"
    assert sorted(p for p in REFERRAL.pairs() if p[1] == "reassign") == [
        ("accepted", "reassign", "accepted"),
        ("investigating", "reassign", "investigating"),
    ]


@pytest.mark.parametrize(("source", "name", "target"), sorted(TRIAGE.pairs()))
def test_every_triage_step_leaves_one_event_and_one_audit_entry(
    source, name, target, make_report, make_user, supervisor
):
    report = _report_in(make_report, source)
    params = _triage_params(name, report, supervisor, make_user)
    events, entries = report.events.count(), _entries(report).count()
    TRIAGE.apply(report, name, user=supervisor, note="Because.", **params)
    assert report.status == target
    assert report.events.count() == events + 1
    event = report.events.order_by("-pk").first()
    assert (event.transition, event.from_state, event.to_state, event.by, event.note) == (
        name,
        source,
        target,
        supervisor,
        "Because.",
    )
    added = list(_entries(report).order_by("seq")[entries:])
    assert len(added) == 1
    assert added[0].action == "decision" and added[0].changes["decision"] == name
    assert added[0].changes["event_id"] == event.pk
    if source != target:
        assert added[0].changes["fields"]["status"] == [source, target]


@pytest.mark.parametrize(
    ("state", "name"),
    sorted(
        {(s, t.name) for s in REPORT_STATES for t in TRIAGE.transitions}
        - {(s, n) for s, n, _ in TRIAGE.pairs()}
    ),
)
def test_a_triage_step_from_a_state_it_does_not_start_from_writes_nothing(
    state, name, make_report, make_user, supervisor
):
    report = _report_in(make_report, state)
    params = _triage_params(name, report, supervisor, make_user)
    entries = _entries(report).count()
    with pytest.raises(ValidationError, match=f"triage: cannot .* from '{state}'"):
        TRIAGE.apply(report, name, user=supervisor, note="Because.", **params)
    report.refresh_from_db()
    assert report.status == state and not report.events.exists()
    assert _entries(report).count() == entries
    assert not Referral.objects.filter(report=report).exists()
    assert not LinkedRecord.objects.filter(report=report).exists()


@pytest.mark.parametrize(("source", "name", "target"), sorted(REFERRAL.pairs()))
def test_every_referral_step_leaves_one_event_and_one_audit_entry(
    source, name, target, make_report, investigator, make_user
):
    referral = make_report(concern="possible_offender").referral
    referral = put_in_state(
        referral, status=source, owner=investigator if source != "open" else None
    )
    params = {"owner": make_user("investigator")} if name == "reassign" else {}
    events, entries = referral.events.count(), _entries(referral).count()
    REFERRAL.apply(referral, name, user=investigator, note="Reason or outcome.", **params)
    assert referral.status == target
    assert referral.events.count() == events + 1
    event = referral.events.order_by("-pk").first()
    assert (event.transition, event.from_state, event.to_state, event.by) == (
        name,
        source,
        target,
        investigator,
    )
    added = list(_entries(referral).order_by("seq")[entries:])
    assert len(added) == 1 and added[0].changes["decision"] == name


@pytest.mark.parametrize(
    ("state", "name"),
    sorted(
        {(s, t.name) for s in REFERRAL_STATES for t in REFERRAL.transitions}
        - {(s, n) for s, n, _ in REFERRAL.pairs()}
    ),
)
def test_a_referral_step_from_a_state_it_does_not_start_from_writes_nothing(
    state, name, make_report, investigator
):
    referral = make_report(concern="possible_offender").referral
    referral = put_in_state(referral, status=state, owner=investigator)
    events, entries = referral.events.count(), _entries(referral).count()
    with pytest.raises(ValidationError):
        REFERRAL.apply(referral, name, user=investigator, note="x", owner=investigator)
    referral.refresh_from_db()
    assert referral.status == state and referral.events.count() == events
    assert _entries(referral).count() == entries


def test_a_role_without_the_permission_is_refused_and_nothing_is_written(make_report, make_user):
    report = make_report()
    analyst = make_user("analyst")
    with pytest.raises(ValidationError, match="triage: your role may not close"):
        TRIAGE.apply(report, "close", user=analyst, note="Not for us.")
    referral = make_report(concern="possible_offender").referral
    with pytest.raises(ValidationError, match="referral: your role may not accept"):
        REFERRAL.apply(referral, "accept", user=make_user("safeguarding_officer"))
    report.refresh_from_db()
    referral.refresh_from_db()
    assert report.status == "new" and not report.events.exists()
    assert referral.status == "open" and list(
        referral.events.values_list("transition", flat=True)
    ) == ["create"]


def test_the_note_rule_speaks_in_the_steps_words(make_report, safeguarding_officer, supervisor):
    report = make_report()
    with pytest.raises(ValidationError) as err:
        TRIAGE.apply(report, "close", user=safeguarding_officer, note="  ")
    assert err.value.message_dict == {"note": ["Give the reason for closing the report."]}
    # The page and the API call it the reason.
    with pytest.raises(ValidationError) as err:
        services.close_report(report, user=safeguarding_officer, reason="")
    assert err.value.message_dict == {"reason": ["Give the reason for closing the report."]}
    services.close_report(report, user=safeguarding_officer, reason="Duplicate.")
    with pytest.raises(ValidationError) as err:
        services.reopen_report(report, user=supervisor, reason="")
    assert err.value.message_dict == {"reason": ["Give the reason for reopening the report."]}
    report.refresh_from_db()
    assert (report.status, report.close_reason) == ("closed", "Duplicate.")


def test_the_reporting_page_refers_a_possible_offender_through_the_machine(make_report):
    report = make_report(concern="possible_offender", files=[upload("chat.txt", CHAT_EXPORT)])
    referral = report.referral
    event = report.events.get()
    assert (event.transition, event.from_state, event.to_state) == ("refer", "new", "referred")
    assert event.by is None and event.by_description == "the public reporting page"
    assert event.note == (
        f"Routed to the online child abuse investigation team as referral {referral.reference}."
    )
    entry = _entries(report).get(action="decision")
    assert entry.changes["decision"] == "refer" and entry.changes["event_id"] == event.pk
    first = referral.events.get()
    assert (first.transition, first.from_state, first.to_state) == ("create", "", "open")
    assert first.by_description == "the public reporting page"
    assert first.note == "Routed by the reporting page: a possible offender."


def test_a_report_is_referred_once_even_by_the_machine(make_report, supervisor):
    report = make_report(concern="possible_offender")
    put_in_state(report, status="new")
    with pytest.raises(ValidationError, match="already referred"):
        TRIAGE.apply(report, "refer", user=supervisor)
    report.refresh_from_db()
    assert report.status == "new" and Referral.objects.filter(report=report).count() == 1


def test_rejecting_sends_the_report_back_to_triage_in_one_step(make_report, investigator):
    report = make_report(concern="possible_offender")
    REFERRAL.apply(report.referral, "reject", user=investigator, note="No child involved.")
    report.refresh_from_db()
    assert report.status == "new"
    back = report.events.order_by("-pk").first()
    assert (back.transition, back.from_state, back.to_state, back.by) == (
        "return_to_triage",
        "referred",
        "new",
        investigator,
    )


def test_a_failing_effect_undoes_the_whole_step(make_report, investigator):
    """Rejecting a referral whose report has left 'referred' does not touch the report; a
    rejection refused by the report's step would leave the referral as it was."""
    report = make_report(concern="possible_offender")
    put_in_state(report, status="linked")
    REFERRAL.apply(report.referral, "reject", user=investigator, note="Not ours.")
    report.refresh_from_db()
    assert report.status == "linked"
    assert not report.events.filter(transition="return_to_triage").exists()


def test_only_an_accepted_referral_changes_hands(make_report, investigator, make_user):
    referral = make_report(concern="possible_offender").referral
    with pytest.raises(ValidationError) as err:
        services.reassign_referral(referral, user=investigator, owner=make_user("investigator"))
    assert err.value.message_dict == {
        "owner": ["Only an accepted referral has an owner to change."]
    }
    referral.refresh_from_db()
    assert referral.owner is None and not referral.events.filter(transition="reassign").exists()


def test_reassigning_names_both_owners_and_tells_the_new_one(make_report, investigator, make_user):
    from drachma.core.models import Notification

    referral = make_report(concern="possible_offender").referral
    services.transition_referral(referral, "accept", user=investigator)
    colleague = make_user("investigator")
    services.reassign_referral(referral, user=investigator, owner=colleague)
    event = referral.events.get(transition="reassign")
    assert event.note == f"Owner {investigator.username} → {colleague.username}."
    assert (event.from_state, event.to_state) == ("accepted", "accepted")
    assert Notification.objects.filter(
        recipient=colleague, subject=f"Referral {referral.reference} is now yours"
    ).exists()


def test_the_state_is_never_written_by_hand(make_report):
    report = make_report()
    report.status = "closed"
    report.close_reason = "x"
    with pytest.raises(PermissionDenied, match="changes only through its workflow"):
        report.save()
    with pytest.raises(PermissionDenied, match="not a bulk write"):
        Report.objects.filter(pk=report.pk).update(status="closed")
    referral = make_report(concern="possible_offender").referral
    with pytest.raises(PermissionDenied, match="not a bulk write"):
        Referral.objects.filter(pk=referral.pk).update(status="accepted")


def test_the_pages_show_the_history_in_words(client_as, make_report, investigator):
    report = make_report(concern="possible_offender")
    services.transition_referral(report.referral, "accept", user=investigator)
    client = client_as(user=investigator)
    page = client.get(f"/intake/reports/{report.reference}/").content.decode()
    assert "Refer to the online child abuse investigation team</h3>" in page
    assert "From new to referred to the investigation team" in page
    assert "by the public reporting page" in page
    page = client.get(f"/intake/referrals/{report.referral.reference}/").content.decode()
    assert "Accept</h3>" in page and "From open (awaiting the team) to accepted" in page
    # Reassigning has its own form, not a second "Reassign" decision card.
    assert page.count(">Reassign</h3>") == 1
