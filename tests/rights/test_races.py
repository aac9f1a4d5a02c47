"""Two restrictions of one record at the same moment, on PostgreSQL: the unique index on live
restrictions settles it, so exactly one is kept and the other is refused as "already
restricted", having written nothing. And two searches of one request at once add each record
found once (the request's row is locked). (SQLite lets one writer in at a time by itself.)"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from drachma.core import restrictions
from drachma.core.models import Restriction
from drachma.people.models import Person
from drachma.people.services import create_person
from drachma.rights import services
from drachma.rights.models import RightsRequest
from tests.rights.conftest import register
from tests.safeguarding.test_races import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
    ),
]
ROUNDS = 4


def test_two_restrictions_at_once_keep_exactly_one(make_user):
    first, second = make_user("supervisor"), make_user("supervisor")
    for n in range(ROUNDS):
        person = create_person(given_names="Race", family_name=f"Subject{n}")

        def place(user, pk=person.pk):
            return restrictions.restrict(
                Person.objects.get(pk=pk), reason=f"By {user.username}.", user=user
            )

        outcomes = race(lambda: place(first), lambda: place(second))
        refused = [o for o in outcomes if isinstance(o, ValidationError)]
        kept = [o for o in outcomes if isinstance(o, Restriction)]
        assert len(kept) == 1 and len(refused) == 1, outcomes
        assert "already restricted" in " ".join(refused[0].messages)
        assert Restriction.objects.filter(object_id=person.pk).count() == 1


def test_two_searches_at_once_keep_each_record_once(make_user):
    handler = make_user("supervisor")
    create_person(given_names="Jo", family_name="Racer")
    for _ in range(ROUNDS):
        request = register(
            handler,
            received_on=timezone.localdate(),
            requester_name="Jo Racer",
            requester_email="jo@example.org",
        )

        def search(pk=request.pk):
            return services.run_search(RightsRequest.objects.get(pk=pk), user=handler)

        race(search, search)
        found = list(request.items.values_list("content_type", "object_id"))
        assert found and len(found) == len(set(found))
