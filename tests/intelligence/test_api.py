"""The intelligence API: graded entries and their workflow."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from drachma.areas.models import Borough
from drachma.groups import services as group_services
from drachma.incidents import services as incident_services
from drachma.intelligence.models import IntelligenceEntry, IntelligenceEvent
from tests.conftest import sign_in
from tests.factories import ago, field_of, make_entry, send
from tests.workflows import put_in_state

pytestmark = pytest.mark.django_db


def entry_payload(**overrides) -> dict:
    payload = {
        "learned_at": ago(days=3).isoformat(),
        "source_type": "open_source",
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "P",
        "text": "Live stream announced.",
        "sanitised_text": "A stream was announced.",
    }
    payload.update(overrides)
    return payload


# --- entries ----------------------------------------------------------------------------


def test_create_entry_with_grading_group_and_incidents(client_as, make_user):
    analyst = make_user("analyst")
    group = group_services.save_group(name="Graded Group")
    incident = incident_services.create_incident(
        user=analyst,
        occurred_at=timezone.now() - datetime.timedelta(days=5),
        source="officer",
        kind="online_sting",
        summary="Sting.",
        place="Wigan",
    )
    response = send(
        client_as(user=analyst),
        "POST",
        "/api/intelligence/entries",
        entry_payload(
            group=group.pk,
            incidents=[incident.reference.lower()],
            handling_code="C",
            handling_conditions="Not to be shared with the group.",
        ),
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["grading"] == "2BC" and data["status"] == "requires_assessment"
    assert data["group"] == {"id": group.pk, "name": "Graded Group"}
    assert data["incidents"] == [incident.reference] and data["reference"].startswith("INT-")
    assert data["created_by"] == analyst.username
    # Its author may not assess it: the step is not offered.
    assert "assess" not in data["transitions"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"learned_at": (timezone.now() + datetime.timedelta(days=2)).isoformat()}, "learned_at"),
        ({"source_evaluation": "4"}, "source_evaluation"),
        ({"intelligence_assessment": "F"}, "intelligence_assessment"),
        ({"handling_code": "H"}, "handling_code"),
        ({"handling_code": "C"}, "handling_conditions"),
        ({"handling_conditions": "Only with C."}, "handling_conditions"),
        ({"text": "x" * 20001}, "text"),
        ({"source_type": "rumour"}, "source_type"),
        ({"group": 999999}, "group"),
        ({"incidents": ["DR-2020-999999"]}, "incidents"),
    ],
)
def test_bad_entry_input_names_the_field_and_saves_nothing(client_as, overrides, field):
    response = send(
        client_as("analyst"), "POST", "/api/intelligence/entries", entry_payload(**overrides)
    )
    assert response.status_code == 422, response.content
    assert field in field_of(response)
    assert IntelligenceEntry.objects.count() == 0


def test_entry_filters_and_pagination(client_as, make_user):
    analyst = make_user("analyst")
    north = group_services.save_group(name="North", home_borough=None)
    salford = Borough.objects.get(code="E08000006")
    south = group_services.save_group(name="South", home_borough=salford)
    old = make_entry(analyst, group=north, learned_at=timezone.now() - datetime.timedelta(days=400))
    new = make_entry(analyst, group=south, source_type="public", source_evaluation="3")
    client = client_as("investigator")
    assert client.get("/api/intelligence/entries").json()["count"] == 2
    recent_from = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert [
        e["id"]
        for e in client.get(f"/api/intelligence/entries?learned_from={recent_from}").json()["items"]
    ] == [new.pk]
    assert [
        e["id"] for e in client.get(f"/api/intelligence/entries?group={north.pk}").json()["items"]
    ] == [old.pk]
    assert [
        e["id"] for e in client.get("/api/intelligence/entries?borough=E08000006").json()["items"]
    ] == [new.pk]
    assert [
        e["id"] for e in client.get("/api/intelligence/entries?source=public").json()["items"]
    ] == [new.pk]
    assert [
        e["id"] for e in client.get("/api/intelligence/entries?source_evaluation=3").json()["items"]
    ] == [new.pk]
    assert client.get("/api/intelligence/entries?status=linked").json()["count"] == 0
    page = client.get("/api/intelligence/entries?page_size=1&page=2").json()
    assert page["count"] == 2 and [e["id"] for e in page["items"]] == [old.pk]
    today = timezone.localdate()
    response = client.get(
        f"/api/intelligence/entries?learned_from={today}"
        f"&learned_to={today - datetime.timedelta(days=1)}"
    )
    assert response.status_code == 422 and field_of(response) == ["learned_to"]
    response = client.get("/api/intelligence/entries?group=999999")
    assert response.status_code == 422 and field_of(response) == ["group"]
    response = client.get("/api/intelligence/entries?source_evaluation=9")
    assert response.status_code == 422 and field_of(response) == ["source_evaluation"]


def test_roles_without_intelligence_get_403_on_lists_and_404_on_entries(client_as, make_user):
    entry = make_entry(make_user("analyst"))
    for role in ("safeguarding_officer", "disclosure_officer", "auditor", "administrator"):
        client = sign_in(Client(), make_user(role))
        assert client.get("/api/intelligence/entries").status_code == 403
        assert client.get(f"/api/intelligence/entries/{entry.pk}").status_code == 404
        assert client.get("/api/intelligence/entries/999999").status_code == 404


def test_update_entry_and_linked_entries_are_final(client_as, make_user):
    author = make_user("analyst")
    entry = make_entry(author)
    client = client_as(user=author)
    response = send(
        client, "PATCH", f"/api/intelligence/entries/{entry.pk}", {"intelligence_assessment": "C"}
    )
    assert response.status_code == 200 and response.json()["grading"] == "1CP"
    response = send(
        client,
        "PATCH",
        f"/api/intelligence/entries/{entry.pk}",
        {"learned_at": ago(days=-3).isoformat()},
    )
    assert response.status_code == 422 and field_of(response) == ["learned_at"]
    entry.refresh_from_db()
    assert entry.learned_at < timezone.now()
    put_in_state(entry, status="linked")
    response = send(client, "PATCH", f"/api/intelligence/entries/{entry.pk}", {"text": "Changed."})
    assert response.status_code == 422 and field_of(response) == ["status"]


# --- the workflow -----------------------------------------------------------------------


def step(client, entry, action, note=""):
    return send(client, "POST", f"/api/intelligence/entries/{entry.pk}/{action}", {"note": note})


def test_workflow_assess_then_link(client_as, make_user):
    author = make_user("investigator")
    group = group_services.save_group(name="Workflow Group")
    entry = make_entry(author, group=group)
    assessor = client_as("analyst")
    response = step(assessor, entry, "assess")
    assert response.status_code == 200 and response.json()["status"] == "assessed"
    assert response.json()["transitions"] == ["return_for_correction", "link"]
    response = step(assessor, entry, "link")
    assert response.json()["status"] == "linked"
    events = response.json()["events"]
    assert [(e["from_state"], e["to_state"]) for e in events] == [
        ("requires_assessment", "assessed"),
        ("assessed", "linked"),
    ]
    # From linked nothing moves on.
    for action in ("assess", "return_for_correction", "resubmit", "link"):
        response = step(assessor, entry, action, note="x")
        assert response.status_code == 422 and field_of(response) == ["transition"], action


def test_workflow_return_and_resubmit(client_as, make_user):
    author = make_user("investigator")
    entry = make_entry(author)
    supervisor = client_as("supervisor")
    response = step(supervisor, entry, "return_for_correction")
    assert response.status_code == 422 and field_of(response) == ["note"]
    response = step(supervisor, entry, "return_for_correction", note="Grade the source.")
    assert (
        response.json()["status"] == "returned"
        and response.json()["returned_reason"] == "Grade the source."
    )
    response = step(supervisor, entry, "assess")
    assert response.status_code == 422 and field_of(response) == ["transition"]
    response = step(client_as(user=author), entry, "resubmit")
    assert response.status_code == 200 and response.json()["status"] == "requires_assessment"


def test_workflow_refusals_name_the_problem_and_change_nothing(client_as, make_user):
    author = make_user("analyst")
    entry = make_entry(author, sanitised_text="")
    # The author may not assess their own entry.
    response = step(client_as(user=author), entry, "assess")
    assert response.status_code == 422 and field_of(response) == ["transition"]
    other = sign_in(Client(), make_user("analyst"))
    response = step(other, entry, "assess")
    assert response.status_code == 422 and field_of(response) == ["sanitised_text"]
    # An investigator may see the entry but not assess it.
    investigator = sign_in(Client(), make_user("investigator"))
    assert step(investigator, entry, "assess").status_code == 422
    response = step(other, entry, "fly_away")
    assert response.status_code == 422 and field_of(response) == ["transition"]
    response = step(other, entry, "link")
    assert response.status_code == 422 and field_of(response) == ["transition"]
    entry.refresh_from_db()
    assert entry.status == "requires_assessment" and not IntelligenceEvent.objects.exists()


def test_link_needs_a_group_or_incident(client_as, make_user):
    entry = make_entry(make_user("analyst"))
    client = client_as("supervisor")
    assert step(client, entry, "assess").json()["status"] == "assessed"
    response = step(client, entry, "link")
    assert response.status_code == 422 and field_of(response) == ["incidents"]


def test_openapi_lists_the_intelligence_operations(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/intelligence/entries",
        "/api/intelligence/entries/{entry_id}",
        "/api/intelligence/entries/{entry_id}/{action}",
    ):
        assert path in paths, path
    assert set(paths["/api/intelligence/entries"]) == {"get", "post"}


def test_entry_list_queries_do_not_grow_with_the_page(client_as, make_user):
    author = make_user("investigator")
    group = group_services.save_group(name="Busy Group")
    client = client_as("analyst")
    for _ in range(3):
        entry = make_entry(author, group=group)
        step(client, entry, "assess")
    with CaptureQueriesContext(connection) as three:
        assert client.get("/api/intelligence/entries").json()["count"] == 3
    for _ in range(6):
        entry = make_entry(author, group=group)
        step(client, entry, "assess")
    with CaptureQueriesContext(connection) as nine:
        assert client.get("/api/intelligence/entries").json()["count"] == 9
    assert len(nine) == len(three)


def test_a_step_takes_a_note_up_to_the_one_workflow_limit(client_as, make_user):
    from drachma.core.workflow import NOTE_MAX_LENGTH

    entry = make_entry(make_user("investigator"))
    assessor = client_as("analyst")
    too_long = step(assessor, entry, "return_for_correction", note="x" * (NOTE_MAX_LENGTH + 1))
    assert too_long.status_code == 422 and field_of(too_long) == ["note"]
    entry.refresh_from_db()
    assert entry.status == "requires_assessment"
    response = step(assessor, entry, "return_for_correction", note="x" * NOTE_MAX_LENGTH)
    assert response.status_code == 200 and response.json()["status"] == "returned"
