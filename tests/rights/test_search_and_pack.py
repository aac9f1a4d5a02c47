"""The search across the apps, the decisions, and the response pack with its redaction and
its disclosure logged with purpose and recipient."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from drachma.audit.models import AuditEntry
from drachma.rights import services
from drachma.rights.models import Decision, RightsRequestItem, RightsState
from tests.rights.conftest import register

pytestmark = pytest.mark.django_db


def _searched(handler, **fields):
    request = register(handler, received_on=timezone.localdate(), **fields)
    services.run_search(request, user=handler)
    request.refresh_from_db()
    return request


def test_the_search_finds_the_person_and_what_is_linked_to_them(handler, world):
    request = _searched(handler)
    assert request.state == RightsState.SEARCHING
    kinds = {i.kind for i in request.items.all()}
    assert {"Person", "Incident", "Intelligence", "Audit log entry"} <= kinds
    person = request.items.get(kind="Person")
    assert person.object_id == world["jo"].pk
    assert person.data["address"] == "1 High Street"
    assert not request.items.filter(kind="Person", object_id=world["member"].pk).exists()
    # Third parties' names are redacted; the requester's own are kept.
    incident = request.items.get(kind="Incident")
    assert incident.data["summary"] == ("[redacted] filmed Jo Bloggs at the door and streamed it.")
    assert incident.redactions >= 1
    # Each record consulted is logged with the request as its purpose (s.62).
    logged = AuditEntry.objects.filter(purpose=f"rights request {request.reference}")
    assert logged.filter(model="people.person", object_id=str(world["jo"].pk)).exists()
    assert logged.filter(model="incidents.incident").exists()


def test_a_different_date_of_birth_rules_a_namesake_out(handler, world):
    """Jo Bloggs born in 1990 is not the Jo Bloggs born in 1985: that person's record and
    incident are not found; only text naming "Jo Bloggs" is, for the reviewer to set aside."""
    request = _searched(handler, requester_date_of_birth=datetime.date(1990, 1, 1))
    kinds = set(request.items.values_list("kind", flat=True))
    assert "Person" not in kinds and "Incident" not in kinds
    assert request.items.get(kind="Intelligence").matched_on == "names them or their identifiers"


def test_a_requester_nobody_matches_is_refused_and_nothing_is_written(handler, world):
    request = register(
        handler,
        received_on=timezone.localdate(),
        requester_name="Nobody Known",
        requester_email="nobody@example.org",
    )
    with pytest.raises(ValidationError) as exc:
        services.run_search(request, user=handler)
    assert "No record in Drachma matches Nobody Known" in exc.value.message_dict["search"][0]
    request.refresh_from_db()
    assert request.state == RightsState.REGISTERED and request.searched_at is None
    assert not request.items.exists() and request.events.count() == 1


def test_searching_again_adds_only_new_records(handler, world):
    request = _searched(handler)
    before = request.items.count()
    assert services.run_search(request, user=handler) == [] or request.items.count() > before
    kinds = list(request.items.values_list("content_type", "object_id"))
    assert len(kinds) == len(set(kinds))


def test_withholding_needs_a_ground_and_a_reason(handler, world):
    request = _searched(handler)
    item = request.items.get(kind="Intelligence")
    with pytest.raises(ValidationError) as exc:
        services.decide(item, user=handler, decision="withhold")
    assert "decided only once the search is finished" in exc.value.message_dict["decision"][0]
    services.finish_search(request, user=handler)
    with pytest.raises(ValidationError) as exc:
        services.decide(item, user=handler, decision="withhold", ground="s45_4_b")
    assert "reason" in exc.value.message_dict
    item.refresh_from_db()
    assert item.decision == Decision.PENDING and item.decided_by is None


def test_the_pack_discloses_what_was_decided_and_logs_the_disclosure(handler, world):
    request = _searched(handler)
    services.finish_search(request, user=handler)
    for item in request.items.all():
        if item.kind == "Intelligence":
            services.decide(
                item,
                user=handler,
                decision="withhold",
                ground="s45_4_b",
                reason="The group's plans are under investigation.",
            )
        else:
            services.decide(item, user=handler, decision="disclose")
    services.answer(request, user=handler, note="Sent by post.")
    request.refresh_from_db()
    assert request.state == RightsState.ANSWERED and request.answered_at

    data = json.loads(services.pack_json(request, user=handler))
    kinds = [r["kind"] for r in data["records"]]
    assert "Intelligence" not in kinds and data["withheld"] == 1
    incident = next(r for r in data["records"] if r["kind"] == "Incident")
    assert "[redacted] filmed Jo Bloggs" in incident["data"]["summary"]
    assert "Kim Hunter" not in json.dumps(data)
    pdf = services.pack_pdf(request, user=handler)
    assert pdf.startswith(b"%PDF")
    exports = AuditEntry.objects.filter(action="export", model="rights.rightsrequest")
    assert exports.count() == 2
    entry = exports.first()
    assert entry.purpose == f"rights request {request.reference}"
    assert entry.recipient == "Jo Bloggs (the data subject)"


def test_items_are_unique_per_record(handler, world):
    request = _searched(handler)
    item = request.items.first()
    with pytest.raises(Exception):  # noqa: B017 - the database's unique constraint
        RightsRequestItem.objects.create(
            request=request,
            content_type=item.content_type,
            object_id=item.object_id,
            kind="dup",
            summary="dup",
            matched_on="dup",
        )
