import datetime

import pytest

from drachma.incidents.services import add_person
from drachma.intelligence.models import IntelligenceEntry
from drachma.people.services import create_person
from drachma.rights import services
from tests.factories import make_entry, make_incident


@pytest.fixture
def handler(make_user):
    return make_user("supervisor", username="dpo")


@pytest.fixture
def world(handler, make_user):
    """Jo Bloggs, confronted at a doorstep with a group member named in the summary, with
    intelligence about the incident; and an unrelated Joe Other."""
    officer = make_user("investigator", username="officer1")
    jo = create_person(
        given_names="Jo",
        family_name="Bloggs",
        date_of_birth=datetime.date(1985, 4, 2),
        address="1 High Street",
        postcode="M1 1AA",
    )
    member = create_person(given_names="Kim", family_name="Hunter")
    incident = make_incident(
        officer, summary="Kim Hunter filmed Jo Bloggs at the door and streamed it."
    )
    add_person(incident, person=jo, role="subject")
    add_person(incident, person=member, role="group_member")
    entry: IntelligenceEntry = make_entry(officer, text="Group planning to visit Jo Bloggs again.")
    entry.incidents.add(incident)
    create_person(given_names="Joe", family_name="Other")
    return {"jo": jo, "member": member, "incident": incident, "entry": entry, "officer": officer}


def register(user, **fields):
    data = {
        "right": "access",
        "received_on": datetime.date(2026, 1, 31),
        "requester_name": "Jo Bloggs",
        "requester_date_of_birth": datetime.date(1985, 4, 2),
        "identity_check": "photo_id",
    }
    data.update(fields)
    return services.register_request(user=user, **data)
