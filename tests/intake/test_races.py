"""Two people (or two runs of the reminder) at once on one referral, on PostgreSQL (what
production runs): ``apply`` locks the row, so exactly one step wins and the other is refused
for the state the first left; the overdue reminder goes out once. (SQLite lets one writer in
at a time by itself, so there is nothing to race.)"""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from drachma.core.models import Notification
from drachma.intake import services
from drachma.intake.models import Referral
from tests.workflows import put_in_state

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
    ),
]
WAIT = 60  # seconds before a thread is taken to be stuck


def run_at_once(*targets) -> list:
    """Run each target in its own thread and connection, started together; their results
    (or the exception each raised), in order."""
    start = threading.Barrier(len(targets))
    results: list = [None] * len(targets)

    def run(i, target):
        try:
            start.wait(WAIT)
            results[i] = target()
        except BaseException as exc:  # reported in the test's thread
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    return results


def test_two_investigators_accepting_at_once_one_wins(make_report, make_user):
    referral = make_report(concern="possible_offender").referral
    first, second = make_user("investigator"), make_user("investigator")

    results = run_at_once(
        lambda: services.transition_referral(referral, "accept", user=first),
        lambda: services.transition_referral(referral, "accept", user=second),
    )

    won = [r for r in results if isinstance(r, Referral)]
    lost = [r for r in results if isinstance(r, ValidationError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert "cannot accept from 'accepted'" in str(lost[0])
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.owner == won[0].owner
    assert list(referral.events.values_list("transition", flat=True)) == ["create", "accept"]


def test_the_overdue_reminder_run_twice_at_once_reminds_once(make_report, make_user):
    supervisor = make_user("supervisor")
    referral = make_report(concern="possible_offender").referral
    today = timezone.localdate()
    put_in_state(referral, due_date=today - datetime.timedelta(days=1))

    results = run_at_once(
        lambda: services.remind_overdue_referrals(today),
        lambda: services.remind_overdue_referrals(today),
    )

    assert sorted(results) == [0, 1]
    assert (
        Notification.objects.filter(
            recipient=supervisor, subject=f"Referral {referral.reference} is overdue"
        ).count()
        == 1
    )
