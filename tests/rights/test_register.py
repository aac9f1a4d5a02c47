"""Registering a request: the one-month deadline (s.54), and the requester who cannot be
identified."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from drachma.rights.models import RightsRequest, RightsRequestEvent, add_months
from tests.rights.conftest import register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (datetime.date(2026, 3, 2), datetime.date(2026, 4, 2)),
        (datetime.date(2026, 1, 31), datetime.date(2026, 2, 28)),  # no 31 February
        (datetime.date(2024, 1, 31), datetime.date(2024, 2, 29)),  # leap year
        (datetime.date(2025, 12, 15), datetime.date(2026, 1, 15)),  # over the year's end
    ],
)
def test_the_deadline_is_one_calendar_month(handler, received, due):
    assert add_months(received, 1) == due
    request = register(handler, received_on=received)
    assert request.due_on == due and request.deadline == due
    assert request.reference.startswith("RR-")
    assert request.events.get().transition == "register"


def test_a_name_alone_cannot_identify_the_requester(handler):
    with pytest.raises(ValidationError) as exc:
        register(handler, requester_date_of_birth=None)
    assert "A name alone cannot identify" in exc.value.message_dict["requester_name"][0]
    assert not RightsRequest.objects.exists() and not RightsRequestEvent.objects.exists()


def test_no_name_and_a_future_receipt_are_refused_together(handler):
    with pytest.raises(ValidationError) as exc:
        register(handler, requester_name=" ", received_on=datetime.date(2999, 1, 1))
    assert {"requester_name", "received_on"} <= set(exc.value.message_dict)
    assert not RightsRequest.objects.exists()


def test_rectification_needs_what_is_wrong(handler):
    with pytest.raises(ValidationError) as exc:
        register(handler, right="rectification", details="")
    assert "details" in exc.value.message_dict
    assert not RightsRequest.objects.exists()
