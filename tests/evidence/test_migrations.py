"""Custody events moved onto the shared workflow shape (evidence 0006): every chain already
recorded keeps its events, each gains the states before and after it, and each exhibit the
state and holder its chain gives, as the services worked them out before."""

import datetime

import pytest
from django.utils import timezone

from drachma.evidence.models import CustodyEvent, EvidenceItem
from drachma.evidence.services import STORE_HOLDER
from tests.migrating import migrate_to, migrate_to_latest

BEFORE = [("evidence", "0005_publication_log_moved_to_takedown"), ("accounts", "0001_initial")]


@pytest.fixture
def old(transactional_db):
    """The apps before the move; the database is back at the latest state afterwards, even
    when the test fails, so the tests after it find the schema they expect."""
    yield migrate_to(BEFORE)
    migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_every_chain_is_replayed_into_states_and_holders(old):
    User = old.get_model("auth", "User")
    dana = User.objects.create(username="dana", first_name="Dana", last_name="Whitfield")
    old.get_model("accounts", "Account").objects.create(user=dana, collar_number="PC 1234")
    plain = User.objects.create(username="plain_user")
    stored = old.get_model("evidence", "StoredFile").objects.create(sha256="a" * 64, size=3)
    Item = old.get_model("evidence", "EvidenceItem")
    Event = old.get_model("evidence", "CustodyEvent")
    start = timezone.now() - datetime.timedelta(days=3)
    items = {}

    def chain(name, *steps):
        item = Item.objects.create(
            stored_file=stored,
            exhibit_ref=f"EX-T-{len(items) + 1}",
            original_filename=f"{name}.txt",
            received_from_type="group",
            received_via="upload",
            review_date="2030-01-01",
        )
        for n, (kind, fields) in enumerate(steps):
            Event.objects.create(
                item=item, kind=kind, at=start + datetime.timedelta(hours=n), **fields
            )
        items[name] = item.pk

    chain(
        "transferred",
        ("received", {"by": dana, "from_party": "Guardians North", "note": "Received."}),
        ("logged", {"by": dana, "location": "Property store"}),
        ("transferred", {"by": dana, "from_party": "Dana Whitfield (PC 1234)", "to_party": "DFU"}),
        ("examined", {"by": plain, "sha256_verified": "a" * 64}),
    )
    chain("by_itself", ("received", {"by_description": "the public reporting page"}))
    chain("named_receiver", ("received", {"by": dana, "to_party": "PC Smith"}))
    chain("plain_receiver", ("received", {"by": plain}))
    chain("collared_receiver", ("received", {"by": dana}))
    chain(
        "returned",
        ("received", {"by": dana}),
        ("logged", {"by": dana}),
        ("returned", {"by": dana, "to_party": "The owner"}),
    )
    chain("disposed", ("received", {"by": dana}), ("disposed", {"by": dana}))
    chain("no_events")

    migrate_to_latest()

    def position(name):
        item = EvidenceItem.objects.get(pk=items[name])
        return item.custody_state, item.custody_holder

    assert position("transferred") == ("in_custody", "DFU")
    assert position("by_itself") == ("received", STORE_HOLDER)
    assert position("named_receiver") == ("received", "PC Smith")
    assert position("plain_receiver") == ("received", "plain_user")
    assert position("collared_receiver") == ("received", "Dana Whitfield (PC 1234)")
    assert position("returned") == ("returned", "The owner")
    assert position("disposed") == ("disposed", "")
    assert position("no_events") == ("not_received", "")
    rows = list(
        CustodyEvent.objects.filter(item_id=items["transferred"])
        .order_by("at", "pk")
        .values_list("transition", "from_state", "to_state", "note", "location", "to_party")
    )
    assert rows == [
        ("received", "", "received", "Received.", "", ""),
        ("logged", "received", "in_custody", "", "Property store", ""),
        ("transferred", "in_custody", "in_custody", "", "", "DFU"),
        ("examined", "in_custody", "in_custody", "", "", ""),
    ]
    assert CustodyEvent.objects.count() == 13  # none lost, none added
