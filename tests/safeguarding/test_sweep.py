"""The deadline sweep: past-due actions marked overdue, owner and supervisor told in the app and
by e-mail, once however often it runs, in a bounded number of queries."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from drachma.core.models import Notification
from drachma.core.scheduling import PERIODIC
from drachma.safeguarding import services, tasks
from drachma.safeguarding.models import SafeguardingAction
from tests.safeguarding.conftest import OUTCOME

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(recent_incident, assess):
    incident = recent_incident(hours_ago=48)
    assess(incident, plan=False)
    return incident


def _past_due(incident, owner, n=1, kind="welfare_check", hours_late=2):
    made = []
    for _ in range(n):
        a = services.create_action(incident=incident, user=owner, kind=kind, owner=owner)
        SafeguardingAction.objects.filter(pk=a.pk).update(
            due_at=timezone.now() - datetime.timedelta(hours=hours_late)
        )
        made.append(a)
    return made


def test_the_sweep_is_registered_every_minute():
    registered = [p for p in PERIODIC if p.task is tasks.check_deadlines]
    assert len(registered) == 1 and registered[0].seconds == 60


def test_past_due_actions_are_marked_and_owner_and_supervisor_told_once(
    incident, officer, sergeant, django_capture_on_commit_callbacks
):
    late = _past_due(incident, officer, n=2)
    on_time = services.create_action(
        incident=incident, user=officer, kind="victim_support", owner=officer
    )
    done = _past_due(incident, officer)[0]
    services.transition_action(done, "complete", user=officer, note="Seen.", **OUTCOME)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep_deadlines() == 2
    for a in late:
        a.refresh_from_db()
        assert a.overdue and a.overdue_notified_at is not None
    on_time.refresh_from_db()
    assert not on_time.overdue
    done.refresh_from_db()
    assert not done.overdue  # completed before it was found late

    mine = Notification.objects.get(recipient=officer)
    sarge = Notification.objects.get(recipient=sergeant)
    assert mine.subject == "2 safeguarding actions now overdue"
    assert incident.reference in mine.body and "your team" not in mine.body
    assert sarge.subject == "2 safeguarding actions now overdue" and "(your team)" in sarge.body
    assert mine.link.endswith("?overdue=true")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "officer@police.example",
        "sergeant@police.example",
    ]

    # However often it runs afterwards: nobody is told again.
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert tasks.check_deadlines.call() == 0
    assert Notification.objects.count() == 2 and len(mail.outbox) == 2


def test_an_action_found_late_later_is_told_separately(incident, officer, sergeant):
    _past_due(incident, officer)
    assert services.sweep_deadlines() == 1
    _past_due(incident, officer, kind="family_liaison")
    assert services.sweep_deadlines() == 1
    subjects = list(
        Notification.objects.filter(recipient=officer).values_list("subject", flat=True)
    )
    assert subjects == ["1 safeguarding action now overdue"] * 2


def test_a_reopened_action_is_told_again_when_it_is_late_again(incident, officer, sergeant):
    action = _past_due(incident, officer)[0]
    services.sweep_deadlines()
    services.transition_action(action, "complete", user=officer, note="Seen.", **OUTCOME)
    services.transition_action(action, "reopen", user=sergeant, note="The family called again.")
    SafeguardingAction.objects.filter(pk=action.pk).update(
        due_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert services.sweep_deadlines() == 1
    assert Notification.objects.filter(recipient=officer, subject__contains="overdue").count() == 2


def test_an_owner_without_a_supervisor_is_still_told(incident, make_user):
    lone = make_user("safeguarding_officer", username="lone")
    _past_due(incident, lone)
    assert services.sweep_deadlines() == 1
    assert (
        Notification.objects.filter(recipient=lone).count() == 1
        and Notification.objects.count() == 1
    )


def test_the_sweep_is_audited(incident, officer):
    from drachma.audit.models import AuditEntry

    late = _past_due(incident, officer, n=3)
    services.sweep_deadlines()
    entry = AuditEntry.objects.filter(object_repr="deadline sweep").get()
    # Every action marked is named, with what changed.
    assert sorted(entry.changes["rows"]) == sorted(str(a.pk) for a in late)
    for change in entry.changes["rows"].values():
        assert change["overdue"] == [False, True]
        stamp = datetime.datetime.fromisoformat(change["overdue_notified_at"][1])
        assert stamp == SafeguardingAction.objects.get(pk=late[0].pk).overdue_notified_at


def test_a_long_list_is_cut_short_and_the_supervisor_sees_the_team(
    incident, officer, sergeant, make_user
):
    other = make_user("safeguarding_officer", username="other", supervisor=sergeant)
    _past_due(incident, officer, n=20)
    _past_due(incident, other, n=2, kind="family_liaison", hours_late=30)
    assert services.sweep_deadlines() == 22
    mine = Notification.objects.get(recipient=officer)
    assert mine.subject == "20 safeguarding actions now overdue"
    assert mine.body.count("\n- ") == 14 and mine.body.endswith("… and 5 more.")
    sarge = Notification.objects.get(recipient=sergeant)
    assert sarge.subject == "22 safeguarding actions now overdue"
    lines = sarge.body.splitlines()
    assert lines[0].startswith("- Family liaison") and lines[1].startswith(
        "- Family liaison"
    )  # the longest overdue first
    assert lines[-1] == "… and 7 more."


@pytest.mark.parametrize("size", [3, 30, 300])
def test_the_sweep_takes_a_bounded_number_of_queries(
    incident, officer, sergeant, make_user, django_assert_max_num_queries, size
):
    other = make_user("safeguarding_officer", username="other", supervisor=sergeant)
    actions = [
        SafeguardingAction(
            incident=incident,
            kind="welfare_check",
            owner=officer if i % 2 else other,
            grade="priority",
            due_at=timezone.now() - datetime.timedelta(hours=1),
        )
        for i in range(size)
    ]
    SafeguardingAction.objects.bulk_create(actions)
    # Three people told (two officers and their supervisor), whatever the number of actions.
    with django_assert_max_num_queries(30):
        assert services.sweep_deadlines() == size
    assert Notification.objects.count() == 3
    assert SafeguardingAction.objects.filter(overdue=True).count() == size
