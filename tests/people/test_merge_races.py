"""Two supervisors merging the same duplicate at the same moment, on PostgreSQL: both people are
locked before anything is checked, so exactly one merge happens and the other is refused with
the reason, and no link is left half-moved. (SQLite lets one writer in at a time by itself.)"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from drachma.incidents.models import IncidentPerson
from drachma.incidents.services import add_person
from drachma.people import merging
from drachma.people.models import Person, PersonMerge
from drachma.people.services import create_person
from tests.factories import make_incident
from tests.safeguarding.test_races import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
    ),
]
ROUNDS = 5


def test_two_merges_of_one_duplicate_at_once_leave_exactly_one(make_user, analyst):
    supervisors = [make_user("supervisor") for _ in range(2)]
    for n in range(ROUNDS):
        dup = create_person(given_names="Alan", family_name=f"Dup{n}")
        targets = [create_person(given_names="Alan", family_name=f"Keep{n}{i}") for i in range(2)]
        add_person(make_incident(analyst), person=dup, role="subject")
        outcomes = race(
            *(
                lambda t=t, s=s, d=dup: merging.merge_people(
                    survivor=Person.objects.get(pk=t.pk),
                    merged=Person.objects.get(pk=d.pk),
                    reason="Same person",
                    user=s,
                )
                for t, s in zip(targets, supervisors, strict=True)
            )
        )
        merged = [o for o in outcomes if isinstance(o, PersonMerge)]
        refused = [o for o in outcomes if isinstance(o, ValidationError)]
        assert len(merged) == 1 and len(refused) == 1, outcomes
        assert "undo that merge first" in refused[0].message_dict["merged"][0]
        dup.refresh_from_db()
        assert dup.merged_into_id == merged[0].survivor_id
        assert (
            IncidentPerson.objects.get(
                person__family_name__in=[t.family_name for t in targets]
            ).person_id
            == merged[0].survivor_id
        )
        assert PersonMerge.objects.filter(merged=dup).count() == 1


def test_merges_crossing_each_other_neither_deadlock_nor_both_succeed(make_user):
    supervisors = [make_user("supervisor") for _ in range(2)]
    for n in range(ROUNDS):
        a = create_person(given_names="Ann", family_name=f"A{n}")
        b = create_person(given_names="Ann", family_name=f"B{n}")
        outcomes = race(
            lambda a=a, b=b: merging.merge_people(
                survivor=a, merged=b, reason="Same", user=supervisors[0]
            ),
            lambda a=a, b=b: merging.merge_people(
                survivor=b, merged=a, reason="Same", user=supervisors[1]
            ),
        )
        assert sum(isinstance(o, PersonMerge) for o in outcomes) == 1, outcomes
        assert sum(isinstance(o, ValidationError) for o in outcomes) == 1, outcomes
