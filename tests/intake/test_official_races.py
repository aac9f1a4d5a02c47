"""Two people entering the same referral in at once, on PostgreSQL (what production runs): the
unique constraint lets one in, and the other is refused naming the report that won; nothing of
the loser is kept. (SQLite lets one writer in at a time, so there is nothing to race.)"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from drachma.intake import official
from drachma.intake.models import Report
from tests.safeguarding.test_races import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
    ),
]


def test_the_same_sender_reference_entered_twice_at_once(make_user):
    officers = [make_user("safeguarding_officer") for _ in range(2)]

    def enter(user):
        return lambda: official.receive_referral(
            user=user,
            reporter_type="ceop",
            sender="NCA CEOP",
            sender_reference="CEOP-RACE-1",
            concern="confrontation_happened",
            text="Entered by two officers at once.",
        )

    for _ in range(3):
        Report.objects.all().delete()
        outcomes = race(*(enter(u) for u in officers))
        won = [o for o in outcomes if isinstance(o, Report)]
        refused = [o for o in outcomes if isinstance(o, ValidationError)]
        assert len(won) == 1 and len(refused) == 1, outcomes
        assert won[0].reference in refused[0].message_dict["sender_reference"][0]
        assert Report.objects.count() == 1
