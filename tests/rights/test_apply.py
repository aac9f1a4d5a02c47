"""Rectification, erasure and restriction through the register: applied through the owning
apps' services with their audit; an erasure under a legal hold and a second restriction are
refused with nothing changed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from drachma.audit.models import AuditEntry
from drachma.core import restrictions
from drachma.core.models import Restriction
from drachma.people.models import Person
from drachma.people.services import create_person
from drachma.rights import services
from drachma.rights.models import Outcome
from tests.cases.helpers import make_case
from tests.rights.conftest import register

pytestmark = pytest.mark.django_db


def _deciding(handler, right, **fields):
    request = register(
        handler,
        received_on=timezone.localdate(),
        right=right,
        details="As the requester wrote.",
        **fields,
    )
    services.run_search(request, user=handler)
    services.finish_search(request, user=handler)
    request.refresh_from_db()
    return request


def test_rectification_corrects_the_person_through_the_people_services(handler, world):
    request = _deciding(handler, "rectification")
    item = request.items.get(kind="Person")
    services.rectify(item, user=handler, field="address", value="2 Low Street")
    world["jo"].refresh_from_db()
    assert world["jo"].address == "2 Low Street"
    item.refresh_from_db()
    assert item.outcome == Outcome.RECTIFIED
    update = AuditEntry.objects.filter(
        model="people.person", object_id=str(world["jo"].pk), action="update"
    ).first()
    assert update is not None and "address" in update.changes
    assert AuditEntry.objects.filter(
        action="decision", purpose=f"rights request {request.reference}"
    ).exists()


def test_rectification_of_a_field_that_cannot_be_corrected_is_refused(handler, world):
    request = _deciding(handler, "rectification")
    item = request.items.get(kind="Person")
    with pytest.raises(ValidationError) as exc:
        services.rectify(item, user=handler, field="mopi_group", value="1")
    assert "field" in exc.value.message_dict
    item.refresh_from_db()
    assert item.outcome == ""


def test_erasure_of_a_record_under_a_legal_hold_is_refused(handler, world, make_user):
    oic = world["officer"]
    make_case(oic, make_user("disclosure_officer"), incident=world["incident"])
    request = _deciding(handler, "erasure")
    item = request.items.get(kind="Person")
    with pytest.raises(ValidationError) as exc:
        services.erase(item, user=handler)
    message = exc.value.message_dict["erasure"][0]
    assert "legal hold" in message and "06AB1234526" in message
    assert Person.objects.filter(pk=world["jo"].pk).exists()
    item.refresh_from_db()
    assert item.outcome == "" and item.data["address"] == "1 High Street"


def test_erasure_of_a_person_nothing_else_uses(handler, world):
    alone = create_person(
        given_names="Alex", family_name="Lone", date_of_birth=datetime.date(1970, 5, 5)
    )
    request = _deciding(
        handler,
        "erasure",
        requester_name="Alex Lone",
        requester_date_of_birth=datetime.date(1970, 5, 5),
    )
    item = request.items.get(kind="Person")
    services.erase(item, user=handler)
    assert not Person.objects.filter(pk=alone.pk).exists()
    item.refresh_from_db()
    assert item.outcome == Outcome.ERASED and item.data == {}
    assert AuditEntry.objects.filter(
        model="people.person", object_id=str(alone.pk), action="delete"
    ).exists()


def test_erasure_of_a_person_other_records_use_is_refused(handler, world):
    request = _deciding(handler, "erasure")
    item = request.items.get(kind="Person")
    with pytest.raises(ValidationError) as exc:
        services.erase(item, user=handler)
    assert "other records refer to them" in exc.value.message_dict["erasure"][0]
    assert Person.objects.filter(pk=world["jo"].pk).exists()


def test_a_restriction_on_a_record_already_restricted_is_refused(handler, world):
    restrictions.restrict(world["jo"], reason="Accuracy contested.", user=handler)
    request = _deciding(handler, "restriction")
    item = request.items.get(kind="Person")
    with pytest.raises(ValidationError) as exc:
        services.restrict(item, user=handler, reason="Asked again.")
    assert "already restricted" in exc.value.message_dict["restriction"][0]
    assert Restriction.objects.count() == 1
    item.refresh_from_db()
    assert item.outcome == ""


def test_a_restriction_marks_the_record_and_can_be_lifted(handler, world):
    request = _deciding(handler, "restriction")
    item = request.items.get(kind="Person")
    with pytest.raises(ValidationError) as exc:
        services.restrict(item, user=handler, reason=" ")
    assert "reason" in exc.value.message_dict and not Restriction.objects.exists()
    services.restrict(item, user=handler, reason="Accuracy contested (s.47(2)(a)).")
    mark = restrictions.restriction_for(world["jo"])
    assert mark is not None and mark.request_reference == request.reference
    assert restrictions.is_restricted(world["jo"])
    assert not restrictions.is_restricted(world["member"])
    assert world["jo"].pk in restrictions.restricted_ids(Person)
    assert world["jo"] not in restrictions.without_restricted(Person.objects.all())
    restrictions.lift(mark, user=handler, reason="Accuracy confirmed.")
    assert not restrictions.is_restricted(world["jo"])
    with pytest.raises(ValidationError):
        restrictions.lift(mark, user=handler, reason="Again.")
    # Lifted, it may be restricted again.
    restrictions.restrict(world["jo"], reason="Contested again.", user=handler)
    assert Restriction.objects.count() == 2
