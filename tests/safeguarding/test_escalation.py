"""The escalation ladder, step by step with a controlled clock: an action not taken up, or
late, climbs its grade's ladder (escalation.LADDER); each rung once, recorded as an
Escalation, an event in the action's history and an audit entry, and told to whom it reaches."""

import datetime

import pytest
from django.urls import reverse

from drachma.accounts.models import Account
from drachma.audit.models import AuditEntry
from drachma.core.models import Notification
from drachma.core.scheduling import PERIODIC
from drachma.safeguarding import escalation, services, tasks
from drachma.safeguarding.models import Escalation, SafeguardingAction
from tests.conftest import sign_in
from tests.safeguarding.conftest import OUTCOME, scores

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)


def minutes(n: float) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=n)


@pytest.fixture
def inspector(make_user, sergeant):
    inspector = make_user("supervisor", username="inspector")
    Account.objects.filter(user=sergeant).update(supervisor=inspector)
    return inspector


def planned(recent_incident, assess, officer, *, grade_scores, kind="welfare_check"):
    incident = recent_incident(hours_ago=48)
    assessment = assess(incident, plan=False, scores=grade_scores, now=T0)
    return services.create_action(
        incident=incident, user=officer, kind=kind, owner=officer, assessment=assessment, now=T0
    )


def told(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, subject__startswith="Escalated")
        .order_by("pk")
        .values_list("subject", flat=True)
    )


def test_the_ladder_runs_every_minute_and_reads_as_a_table():
    registered = [p for p in PERIODIC if p.task is tasks.escalate]
    assert len(registered) == 1 and registered[0].seconds == 60
    rows = {r["grade"]: r["steps"] for r in escalation.table_rows()}
    assert rows["Emergency"] == [
        "Not taken up: at once, to the duty inspector",
        "Late: at once, to the duty inspector",
    ]
    assert rows["Priority"][0] == "Not taken up: after 30 minutes, to the sergeant"
    assert rows["Scheduled"][2] == "Late: after 1 day, to the duty inspector"
    with pytest.raises(ValueError, match="unknown rung"):
        escalation.Rung(escalation.LATE, 0, "chief_constable")
    with pytest.raises(ValueError, match="before its trigger"):
        escalation.Rung(escalation.LATE, -5, "sergeant")


def test_emergency_not_taken_up_goes_to_the_duty_inspector_at_once(
    recent_incident, assess, officer, sergeant, inspector
):
    action = planned(recent_incident, assess, officer, grade_scores=scores(threat=3, harm=3))
    assert action.grade == "emergency"
    assert services.escalate_actions(now=minutes(1)) == 1
    e = Escalation.objects.get()
    assert (e.trigger, e.rung, e.to, e.grade) == ("not_taken_up", 1, "duty_inspector", "emergency")
    assert list(e.recipients.all()) == [inspector]
    assert told(inspector) == [
        f"Escalated to you: Welfare check on the subject on {action.incident.reference}"
    ]
    assert told(sergeant) == []
    event = action.events.get(transition="escalate")
    assert event.by is None and event.by_description == "the escalation ladder"
    assert "escalated to the duty inspector" in event.note and "inspector" in event.note
    audit = AuditEntry.objects.get(
        action="decision",
        model="safeguarding.safeguardingaction",
        object_id=str(action.pk),
        changes__decision="escalate",
    )
    assert "duty inspector" in audit.changes["note"]
    assert AuditEntry.objects.filter(
        action="create", model="safeguarding.escalation", object_id=str(e.pk)
    ).exists()
    # Once: the next minute's sweep takes nothing new.
    assert services.escalate_actions(now=minutes(2)) == 0
    assert told(inspector) == told(inspector)[:1]


def test_priority_climbs_step_by_step(recent_incident, assess, officer, sergeant, inspector):
    action = planned(recent_incident, assess, officer, grade_scores=scores(risk=3))
    assert action.grade == "priority"
    due = action.due_at  # welfare check, priority: 1 hour
    assert due == minutes(60)

    assert services.escalate_actions(now=minutes(29)) == 0
    assert services.escalate_actions(now=minutes(30)) == 1  # not taken up 30 min: sergeant
    assert told(sergeant) and not told(inspector)
    assert services.escalate_actions(now=minutes(45)) == 0
    # 60 minutes: not taken up for an hour (inspector); due at 60 is not yet late.
    assert services.escalate_actions(now=minutes(60)) == 1
    assert len(told(inspector)) == 1
    # Started at 61: no longer "not taken up", but late from 60.
    services.transition_action(action, "start", user=officer, now=minutes(61))
    assert services.escalate_actions(now=minutes(61)) == 1  # late at once: sergeant
    assert len(told(sergeant)) == 2
    assert services.escalate_actions(now=minutes(119)) == 0
    assert services.escalate_actions(now=minutes(120)) == 1  # late an hour: inspector
    assert len(told(inspector)) == 2
    assert services.escalate_actions(now=minutes(600)) == 0  # the ladder's top
    steps = list(Escalation.objects.order_by("escalated_at").values_list("trigger", "rung", "to"))
    assert steps == [
        ("not_taken_up", 1, "sergeant"),
        ("not_taken_up", 2, "duty_inspector"),
        ("late", 3, "sergeant"),
        ("late", 4, "duty_inspector"),
    ]
    assert action.events.filter(transition="escalate").count() == 4


def test_a_completed_action_never_escalates(recent_incident, assess, officer, sergeant):
    action = planned(recent_incident, assess, officer, grade_scores=scores(risk=3))
    services.transition_action(
        action, "complete", user=officer, note="Seen.", now=minutes(5), **OUTCOME
    )
    assert services.escalate_actions(now=minutes(600)) == 0


def test_an_action_whose_owner_can_no_longer_act_is_owned_by_nobody(
    recent_incident, assess, officer, sergeant
):
    """Started, so taken up; but its owner's account is disabled: it escalates as not taken
    up. With no inspector above the sergeant, every active supervisor hears of the top rung."""
    action = planned(recent_incident, assess, officer, grade_scores=scores(risk=3))
    services.transition_action(action, "start", user=officer, now=minutes(1))
    assert services.escalate_actions(now=minutes(30)) == 0
    officer.is_active = False
    officer.save()
    assert services.escalate_actions(now=minutes(30)) == 1
    assert services.escalate_actions(now=minutes(59)) == 0
    assert services.escalate_actions(now=minutes(60)) == 1  # no inspector: all supervisors
    top = Escalation.objects.get(rung=2)
    assert list(top.recipients.all()) == [sergeant]


def test_a_reopened_action_can_climb_again(recent_incident, assess, officer, sergeant):
    action = planned(recent_incident, assess, officer, grade_scores=scores(risk=3))  # priority
    services.transition_action(action, "start", user=officer, now=minutes(1))
    assert services.escalate_actions(now=minutes(61)) == 1  # late at once: sergeant
    services.transition_action(
        action, "complete", user=officer, note="Seen.", now=minutes(70), **OUTCOME
    )
    services.transition_action(action, "reopen", user=sergeant, note="Not seen.", now=minutes(80))
    action.refresh_from_db()
    assert action.due_at == minutes(140)  # a fresh due time: priority, 1 hour
    assert services.escalate_actions(now=minutes(139)) == 0
    assert services.escalate_actions(now=minutes(141)) == 1
    assert Escalation.objects.filter(trigger="late", rung=3).count() == 2


def test_nobody_escalates_by_hand(recent_incident, assess, officer, sergeant):
    from django.core.exceptions import ValidationError

    action = planned(recent_incident, assess, officer, grade_scores=scores(risk=3))
    with pytest.raises(ValidationError, match="escalation ladder, not by hand"):
        services.transition_action(action, "escalate", user=sergeant)
    assert not action.events.filter(transition="escalate").exists()


def test_the_supervisors_view_shows_the_escalations_and_the_ladder(
    client, recent_incident, assess, officer, sergeant, inspector
):
    action = planned(recent_incident, assess, officer, grade_scores=scores(threat=3, harm=3))
    assert services.escalate_actions(now=minutes(1)) == 1
    sign_in(client, sergeant)
    page = client.get(reverse("safeguarding:overview")).content.decode()
    assert "1 escalation in the last 14 days" in page
    assert action.incident.reference in page and "escalated to the duty inspector" in page
    assert "Not taken up: at once, to the duty inspector" in page
    detail = client.get(reverse("safeguarding:action", args=[action.pk])).content.decode()
    assert "escalated to the duty inspector" in detail
    assert SafeguardingAction.objects.get().status == "open"


def test_the_ladder_takes_a_bounded_number_of_queries(
    recent_incident, assess, officer, sergeant, inspector, django_assert_max_num_queries
):
    """Idle (nothing new): one query per rung of the table, whatever the number of actions.
    Each escalation then costs a fixed number of queries (record, recipients, history, audit,
    notification), never a scan per action."""
    incident = recent_incident(hours_ago=48)
    assessment = assess(incident, plan=False, scores=scores(risk=3), now=T0)
    for _ in range(20):
        services.create_action(
            incident=incident,
            user=officer,
            kind="welfare_check",
            owner=officer,
            assessment=assessment,
            now=T0,
        )
        # Started at once: not "not taken up"; due an hour on, so not late either before then.
    for action in SafeguardingAction.objects.all():
        services.transition_action(action, "start", user=officer, now=minutes(1))
    with django_assert_max_num_queries(len(escalation.rungs()) + 2):
        assert services.escalate_actions(now=minutes(30)) == 0
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as taken:
        made = services.escalate_actions(now=minutes(61))  # all 20 late at once: the sergeant
    assert made == 20
    # Measured 7 December 2026: 752 queries for 20 (about 37 each, half of them the
    # savepoints and row checks of the workflow's apply); held under 40 each.
    assert len(taken.captured_queries) < 40 * made
    with django_assert_max_num_queries(len(escalation.rungs()) + 2):
        assert services.escalate_actions(now=minutes(62)) == 0
