"""Two analysts answering one FOI request at the same moment, on PostgreSQL (what production
runs): the answer is taken under the row's lock, so exactly one answer is kept, with its own
judgement and exemptions, and the other is refused having written nothing. (SQLite lets one
writer in at a time by itself, so there is nothing to race.)"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from drachma.statistics import services
from drachma.statistics.models import FOIEvent, FOIExemption, FOIRequest
from tests.safeguarding.test_races import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
    ),
]
WAIT = 60
ROUNDS = 6


def test_two_answers_at_once_keep_exactly_one(make_user):
    first, second = make_user("analyst"), make_user("supervisor")
    for n in range(ROUNDS):
        request = services.record_request(
            user=first,
            received_on=datetime.date(2026, 3, 2),
            requester_reference=f"RACE-{n}",
            question="Figures for 2017.",
            period_start=datetime.date(2017, 1, 1),
            period_end=datetime.date(2017, 12, 31),
            breakdowns=["area"],
        )

        def answer(user, section, pk=request.pk):
            return services.answer_request(
                FOIRequest.objects.get(pk=pk),
                user=user,
                judgement_note=f"Judged by {user.username}.",
                exemptions={section: f"Reason given by {user.username}."},
            )

        outcomes = race(lambda: answer(first, "s40"), lambda: answer(second, "s31"))
        refused = [o for o in outcomes if isinstance(o, ValidationError)]
        kept = [o for o in outcomes if isinstance(o, FOIRequest)]
        assert len(kept) == 1 and len(refused) == 1, outcomes
        assert "already" in " ".join(refused[0].messages)
        answered = FOIRequest.objects.get(pk=request.pk)
        winner = answered.answered_by
        assert answered.judgement["note"] == f"Judged by {winner.username}."
        exemptions = list(FOIExemption.objects.filter(request=answered))
        assert len(exemptions) == 1 and exemptions[0].reason.endswith(f"{winner.username}.")
        assert FOIEvent.objects.filter(request=answered, transition="answer").count() == 1
