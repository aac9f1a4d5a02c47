"""Assessments, the plan, every transition of an action, officer time, and bad input: each
refused with an error naming the problem and nothing saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from drachma.safeguarding import services
from drachma.safeguarding.models import (
    ActionEvent,
    SafeguardingAction,
    ThriveAssessment,
    TimeEntry,
)
from drachma.safeguarding.workflow import ACTION
from tests.safeguarding.conftest import OUTCOME, rationales, scores
from tests.workflows import put_in_state

pytestmark = pytest.mark.django_db

LD_SUBJECT = ("subject", {"flag_learning_disability": True})
SELF_HARM_SUBJECT = ("subject", {"flag_self_harm": True})
PARENT = ("subject", {"flag_children_in_household": True})


# --- assessments ----------------------------------------------------------------------------


def test_assessment_records_proposal_grade_and_plan(recent_incident, assess, officer):
    incident = recent_incident(live=True, kind="live_streamed", people=[LD_SUBJECT])
    a = assess(
        incident,
        scores=scores(harm=3, investigation=3),
        prevention="Takedown request to the platform.",
        intervention="Liaison and diversion referral.",
    )
    assert a.proposed_grade == a.grade == "priority"  # harm high (G2); not the flag
    assert a.proposal_reasons == ["G2: harm high: priority."]
    assert [c[:3] for c in a.plan_considerations] == ["P1:", "P4:"]
    assert a.prevention.startswith("Takedown") and a.intervention.startswith("Liaison")
    planned = {x.kind: x for x in incident.safeguarding_actions.all()}
    assert set(planned) == {"welfare_check", "adult_social_care"}
    welfare = planned["welfare_check"]
    assert welfare.owner == officer and welfare.grade == "priority" and welfare.assessment == a
    assert welfare.due_at - welfare.created_at == datetime.timedelta(hours=1)
    assert welfare.person.family_name == "Subject"


def test_a_vulnerable_subject_with_low_threat_harm_risk_is_checked_not_regraded(
    recent_incident, assess
):
    """Issue 15's example through the service: high investigation and vulnerability, low
    threat, harm and risk: resolution without deployment, and still a welfare check."""
    incident = recent_incident(people=[SELF_HARM_SUBJECT])
    a = assess(incident, scores=scores(investigation=3, vulnerability=3))
    assert a.proposed_grade == a.grade == "resolution"
    kinds = set(incident.safeguarding_actions.values_list("kind", flat=True))
    assert kinds == {"welfare_check", "suicide_prevention"}
    assert any(c.startswith("P2: vulnerability high") for c in a.plan_considerations)


def test_children_in_household_add_a_childrens_services_referral(recent_incident, assess):
    incident = recent_incident(people=[PARENT])
    assess(incident)
    assert incident.safeguarding_actions.filter(kind="childrens_services").count() == 1


def test_override_keeps_both_grades_and_needs_a_reason(recent_incident, assess):
    incident = recent_incident(people=[SELF_HARM_SUBJECT])
    with pytest.raises(ValidationError) as err:
        assess(incident, scores=scores(), grade="emergency")
    assert "override_reason" in err.value.message_dict
    assert not ThriveAssessment.objects.exists() and not SafeguardingAction.objects.exists()
    a = assess(
        incident,
        scores=scores(),
        grade="emergency",
        override_reason="He has called saying he will end it.",
    )
    assert (a.proposed_grade, a.grade, a.is_override) == ("resolution", "emergency", True)
    assert a.override_reason.startswith("He has called")


@pytest.mark.parametrize("missing", ["threat", "engagement"])
def test_assessment_without_a_rationale_is_refused_and_nothing_saved(
    recent_incident, assess, missing
):
    incident = recent_incident(people=[LD_SUBJECT])
    with pytest.raises(ValidationError) as err:
        assess(incident, rationales=rationales(**{missing: "   "}))
    assert err.value.message_dict[f"{missing}_rationale"] == [
        f"Write the rationale for the {missing} score."
    ]
    assert not ThriveAssessment.objects.exists() and not SafeguardingAction.objects.exists()


def test_assessment_with_a_score_out_of_range_is_refused(recent_incident, assess):
    incident = recent_incident()
    with pytest.raises(ValidationError) as err:
        assess(incident, scores=scores(harm=7))
    assert "harm_score" in err.value.message_dict and not ThriveAssessment.objects.exists()


def test_an_assessment_is_never_edited(recent_incident, assess):
    a = assess(recent_incident())
    a.grade = "emergency"
    with pytest.raises(ValidationError, match="never changed"):
        a.save()
    assert ThriveAssessment.objects.get().grade == "scheduled"


def test_reassessment_is_a_new_record_saying_what_changed(recent_incident, assess):
    incident = recent_incident(people=[("subject", {})])
    first = assess(incident, scores=scores(threat=2, harm=2))
    assert first.grade == "scheduled"
    with pytest.raises(ValidationError) as err:
        assess(incident, scores=scores(threat=3, harm=3))
    assert "reason_for_reassessment" in err.value.message_dict
    second = assess(
        incident,
        scores=scores(threat=3, harm=3),
        reason_for_reassessment="His address was published.",
    )
    assert second.previous == first and second.grade == "emergency"
    assert ThriveAssessment.objects.count() == 2
    first.refresh_from_db()
    assert first.grade == "scheduled"  # the old one is as it was


def test_a_higher_grade_brings_open_deadlines_forward(recent_incident, assess):
    incident = recent_incident(people=[("subject", {})])
    assess(incident, scores=scores(threat=2, harm=2))
    welfare = incident.safeguarding_actions.get(kind="welfare_check")
    before = welfare.due_at  # scheduled: +48 h wall-clock
    assess(incident, scores=scores(threat=3, harm=3), reason_for_reassessment="A threat was made.")
    welfare.refresh_from_db()
    assert welfare.grade == "emergency" and welfare.due_at < before
    assert welfare.events.filter(transition="retime").exists()
    assert (
        incident.safeguarding_actions.filter(kind="welfare_check").count() == 1
    )  # not planned twice


# --- actions -------------------------------------------------------------------------------


def test_action_needs_an_assessment_first(recent_incident, officer):
    incident = recent_incident()
    with pytest.raises(ValidationError) as err:
        services.create_action(incident=incident, user=officer, kind="welfare_check", owner=officer)
    assert "incident" in err.value.message_dict


def test_action_due_before_its_incident_is_refused(recent_incident, assess, officer):
    incident = recent_incident(hours_ago=5)
    assess(incident, plan=False)
    with pytest.raises(ValidationError) as err:
        services.create_action(
            incident=incident,
            user=officer,
            kind="family_liaison",
            owner=officer,
            due_at=incident.occurred_at - datetime.timedelta(minutes=1),
        )
    assert err.value.message_dict["due_at"] == [
        "An action cannot be due before its incident occurred."
    ]
    assert not SafeguardingAction.objects.exists() and not ActionEvent.objects.exists()


def test_owner_without_the_role_is_refused(recent_incident, assess, officer, make_user):
    incident = recent_incident()
    assess(incident, plan=False)
    investigator = make_user("investigator", username="det")
    with pytest.raises(ValidationError) as err:
        services.create_action(
            incident=incident, user=officer, kind="welfare_check", owner=investigator
        )
    assert "det is not a safeguarding officer or supervisor" in err.value.message_dict["owner"][0]
    assert not SafeguardingAction.objects.exists()


def test_an_other_action_needs_a_description(recent_incident, assess, officer):
    incident = recent_incident()
    assess(incident, plan=False)
    with pytest.raises(ValidationError) as err:
        services.create_action(incident=incident, user=officer, kind="other", owner=officer)
    assert "description" in err.value.message_dict


def test_a_person_not_in_the_incident_is_refused(recent_incident, assess, officer):
    from drachma.people.services import create_person

    incident = recent_incident()
    assess(incident, plan=False)
    stranger = create_person(given_names="Not", family_name="Involved")
    with pytest.raises(ValidationError) as err:
        services.create_action(
            incident=incident, user=officer, kind="welfare_check", owner=officer, person=stranger
        )
    assert "person" in err.value.message_dict


def test_giving_an_action_to_someone_tells_them(recent_incident, assess, officer, make_user):
    incident = recent_incident()
    assess(incident, plan=False)
    colleague = make_user("safeguarding_officer", username="colleague")
    action = services.create_action(
        incident=incident, user=officer, kind="victim_support", owner=colleague
    )
    assert colleague.notifications.filter(subject__contains="Victim support").exists()
    services.reassign_action(action, user=officer, owner=officer)
    assert SafeguardingAction.objects.get().owner == officer


# --- every transition ---------------------------------------------------------------------


@pytest.fixture
def action(recent_incident, assess, officer):
    incident = recent_incident()
    assess(incident, plan=False)
    return services.create_action(
        incident=incident, user=officer, kind="welfare_check", owner=officer
    )


def _put(action, status):
    return put_in_state(action, status=status, cancel_reason="x" if status == "cancelled" else "")


# The steps that keep the state (a new owner, a new due time) are tested on their own below.
KEEPING_STATE = {"reassign", "retime", "escalate"}
ALLOWED = sorted(p for p in ACTION.pairs() if p[1] not in KEEPING_STATE)
ALL_STATES = ["open", "in_progress", "done", "cancelled"]
FORBIDDEN = sorted(
    {(s, t.name) for s in ALL_STATES for t in ACTION.transitions if t.name not in KEEPING_STATE}
    - {(s, n) for s, n, _ in ALLOWED}
)


def test_the_machine_is_what_the_issue_says():
    assert (
        sorted(
            [
                ("open", "start", "in_progress"),
                ("open", "complete", "done"),
                ("in_progress", "complete", "done"),
                ("open", "cancel", "cancelled"),
                ("in_progress", "cancel", "cancelled"),
                ("done", "reopen", "open"),
                ("cancelled", "reopen", "open"),
            ]
        )
        == ALLOWED
    )
    assert sorted(p for p in ACTION.pairs() if p[1] in KEEPING_STATE) == [
        ("in_progress", "escalate", "in_progress"),
        ("in_progress", "reassign", "in_progress"),
        ("in_progress", "retime", "in_progress"),
        ("open", "escalate", "open"),
        ("open", "reassign", "open"),
        ("open", "retime", "open"),
    ]


@pytest.mark.parametrize("source", ["done", "cancelled"])
def test_a_finished_action_keeps_its_owner(action, officer, make_user, source):
    _put(action, source)
    colleague = make_user("safeguarding_officer")
    with pytest.raises(ValidationError) as err:
        services.reassign_action(action, user=officer, owner=colleague)
    assert err.value.message_dict == {
        "owner": ["Only an open or in-progress action can change hands."]
    }
    action.refresh_from_db()
    assert action.owner == officer and not action.events.filter(transition="reassign").exists()


def test_the_state_is_never_written_by_hand(action):
    from django.core.exceptions import PermissionDenied

    action.status = "done"
    with pytest.raises(PermissionDenied, match="changes only through its workflow"):
        action.save()
    with pytest.raises(PermissionDenied, match="not a bulk write"):
        SafeguardingAction.objects.filter(pk=action.pk).update(status="done")
    action.refresh_from_db()
    assert action.status == "open"


@pytest.mark.parametrize(("source", "name", "target"), ALLOWED)
def test_every_allowed_transition(action, officer, sergeant, source, name, target):
    _put(action, source)
    user = sergeant if name == "reopen" else officer
    done = services.transition_action(action, name, user=user, note="Because.", **OUTCOME)
    assert done.status == target
    event = done.events.get(transition=name)
    assert (event.from_state, event.to_state, event.by) == (source, target, user)
    if name == "complete":
        assert done.completed_at and done.started_at and done.outcome == "Because."
        assert (done.seen, done.result) == ("The subject, at home.", "safe")
        assert done.time_entries.get().minutes == 30
    if name == "cancel":
        assert done.cancel_reason == "Because."
    if name == "reopen":
        assert (
            done.overdue is False
            and done.overdue_notified_at is None
            and done.due_at > timezone.now()
        )


@pytest.mark.parametrize(("source", "name"), FORBIDDEN)
def test_every_forbidden_transition_is_refused_and_nothing_saved(action, sergeant, source, name):
    _put(action, source)
    with pytest.raises(ValidationError) as err:
        services.transition_action(action, name, user=sergeant, note="Because.")
    assert "cannot" in err.value.message_dict["transition"][0]
    action.refresh_from_db()
    assert action.status == source and not action.events.filter(transition=name).exists()


@pytest.mark.parametrize("source", ["done", "cancelled"])
def test_only_a_supervisor_reopens(action, officer, source):
    _put(action, source)
    with pytest.raises(ValidationError) as err:
        services.transition_action(action, "reopen", user=officer, note="I want it back.")
    assert "your role may not reopen" in err.value.message_dict["transition"][0]
    action.refresh_from_db()
    assert action.status == source


def test_cancel_and_reopen_need_a_reason(action, officer, sergeant):
    with pytest.raises(ValidationError) as err:
        services.transition_action(action, "cancel", user=officer, note=" ")
    assert "note" in err.value.message_dict
    action.refresh_from_db()
    assert action.status == "open"
    _put(action, "done")
    with pytest.raises(ValidationError):
        services.transition_action(action, "reopen", user=sergeant)


def test_unknown_transition(action, officer):
    with pytest.raises(ValidationError, match="no transition called"):
        services.transition_action(action, "explode", user=officer)


# --- officer time --------------------------------------------------------------------------


def test_time_is_recorded_on_an_action(action, officer):
    entry = services.record_time(
        action, user=officer, minutes=90, spent_on=timezone.localdate(), note="Visit."
    )
    assert (entry.officer, entry.minutes, entry.recorded_by) == (officer, 90, officer)


@pytest.mark.parametrize(
    ("minutes", "days", "field"),
    [(0, 0, "minutes"), (2000, 0, "minutes"), (30, -1, "spent_on"), (30, 30, "spent_on")],
)
def test_bad_time_entries(action, officer, minutes, days, field):
    with pytest.raises(ValidationError) as err:
        services.record_time(
            action,
            user=officer,
            minutes=minutes,
            spent_on=timezone.localdate() - datetime.timedelta(days=days),
        )
    assert field in err.value.message_dict and not TimeEntry.objects.exists()


def test_time_of_an_officer_without_the_role_is_refused(action, officer, make_user):
    with pytest.raises(ValidationError) as err:
        services.record_time(
            action,
            user=officer,
            officer=make_user("analyst"),
            minutes=5,
            spent_on=timezone.localdate(),
        )
    assert "officer" in err.value.message_dict
