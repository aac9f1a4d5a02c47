"""Two officers acting on one action at the same moment, on PostgreSQL (what production runs):
each step is checked under the row's lock, so a reassignment never lands on an action completed
a moment earlier and the history names the owner each reassignment really replaced. (SQLite lets
one writer in at a time by itself, so there is nothing to race.)"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from drachma.safeguarding import services
from drachma.safeguarding.models import ActionEvent, SafeguardingAction
from tests.safeguarding.conftest import OUTCOME

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
    ),
]
WAIT = 60
ROUNDS = 8


def race(*steps) -> list:
    """Run ``steps`` at once (each in its own thread and connection); what each returned or
    raised, in order."""
    start = threading.Barrier(len(steps))
    outcomes: list = [None] * len(steps)

    def run(i):
        try:
            start.wait(WAIT)
            outcomes[i] = steps[i]()
        except BaseException as exc:  # compared by the test
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(steps))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    return outcomes


@pytest.fixture
def team(make_user, sergeant):
    return [
        make_user("safeguarding_officer", username=f"officer_{n}", supervisor=sergeant)
        for n in range(3)
    ]


def _action(incident, owner):
    return services.create_action(incident=incident, user=owner, kind="welfare_check", owner=owner)


def test_a_reassignment_never_lands_on_an_action_completed_a_moment_earlier(
    recent_incident, assess, team, sergeant
):
    incident = recent_incident()
    assess(incident, plan=False)
    for _ in range(ROUNDS):
        action = _action(incident, team[0])
        done, moved = race(
            lambda a=action: services.transition_action(
                SafeguardingAction.objects.get(pk=a.pk),
                "complete",
                user=team[0],
                note="Seen.",
                **OUTCOME,
            ),
            lambda a=action: services.reassign_action(
                SafeguardingAction.objects.get(pk=a.pk), user=sergeant, owner=team[1]
            ),
        )
        assert not isinstance(done, BaseException), done
        steps = list(ActionEvent.objects.filter(action=action).values_list("transition", flat=True))
        if isinstance(moved, ValidationError):
            # Completed first: the reassignment was refused and changed nothing.
            assert steps == ["plan", "complete"]
            assert SafeguardingAction.objects.get(pk=action.pk).owner == team[0]
        else:
            assert not isinstance(moved, BaseException), moved
            assert steps == ["plan", "reassign", "complete"]
        assert SafeguardingAction.objects.get(pk=action.pk).status == "done"


def test_two_reassignments_at_once_both_apply_in_turn_and_name_the_owner_replaced(
    recent_incident, assess, team, sergeant
):
    incident = recent_incident()
    assess(incident, plan=False)
    for _ in range(ROUNDS):
        action = _action(incident, team[0])
        outcomes = race(
            *(
                lambda a=action, to=to: services.reassign_action(
                    SafeguardingAction.objects.get(pk=a.pk), user=sergeant, owner=to
                )
                for to in (team[1], team[2])
            )
        )
        assert not any(isinstance(o, BaseException) for o in outcomes), outcomes
        notes = list(
            ActionEvent.objects.filter(action=action, transition="reassign")
            .order_by("at", "pk")
            .values_list("note", flat=True)
        )
        first, second = notes
        # The second names, as the owner it replaced, the one the first handed to.
        first_to = first.split("→")[1].strip(" .")
        assert first.startswith(f"Owner {team[0].username} →")
        assert second.startswith(f"Owner {first_to} →")
        final = SafeguardingAction.objects.get(pk=action.pk).owner.username
        assert second.split("→")[1].strip(" .") == final
