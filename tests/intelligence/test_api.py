"""The intelligence API: groups with aliases and accounts, graded entries and their workflow."""

import datetime
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from drachma.areas.models import Borough
from drachma.incidents import services as incident_services
from drachma.intelligence import services
from drachma.intelligence.models import Group, IntelligenceEntry, IntelligenceEvent
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def send(client, method, url, payload):
    return client.generic(method, url, data=json.dumps(payload), content_type="application/json")


def ago(days: int) -> str:
    return (timezone.now() - datetime.timedelta(days=days)).isoformat()


def entry_payload(**overrides) -> dict:
    payload = {
        "learned_at": ago(3),
        "source_type": "open_source",
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "P",
        "text": "Live stream announced.",
        "sanitised_text": "A stream was announced.",
    }
    payload.update(overrides)
    return payload


def field_of(response) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


def make_entry(user, **fields):
    data = {
        "learned_at": timezone.now() - datetime.timedelta(days=1),
        "source_type": "officer",
        "source_evaluation": "1",
        "intelligence_assessment": "A",
        "handling_code": "P",
        "text": "Seen outside.",
        "sanitised_text": "Seen.",
    }
    data.update(fields)
    return services.create_entry(user=user, **data)


# --- groups -----------------------------------------------------------------------------


def test_create_group_with_aliases_accounts_and_borough(client_as):
    client = client_as("analyst")
    response = send(
        client,
        "POST",
        "/api/intelligence/groups",
        {
            "name": "Northern Justice",
            "home_borough": "E08000005",
            "aliases": ["NJ", "Northern J"],
            "accounts": [
                {
                    "platform": "facebook",
                    "handle": "northernjustice",
                    "url": "https://facebook.com/nj",
                }
            ],
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["home_borough"] == "E08000005" and data["home_borough_name"] == "Rochdale"
    assert data["aliases"] == ["NJ", "Northern J"]
    assert data["accounts"] == [
        {"platform": "facebook", "handle": "northernjustice", "url": "https://facebook.com/nj"}
    ]
    assert data["first_seen"] is None and data["status"] == "active"


def test_group_first_and_last_seen_come_from_incidents_and_intelligence(client_as, make_user):
    analyst = make_user("analyst")
    group = services.save_group(name="Seen Group")
    incident_services.create_incident(
        user=analyst,
        occurred_at=timezone.now() - datetime.timedelta(days=30),
        source="group",
        kind="doorstep",
        summary="At the door.",
        place="Bury",
        groups=[group],
    )
    entry = make_entry(analyst, group=group)
    data = client_as(user=analyst).get(f"/api/intelligence/groups/{group.pk}").json()
    assert (
        data["first_seen"][:10] == (timezone.now() - datetime.timedelta(days=30)).date().isoformat()
    )
    # JSON carries milliseconds.
    assert abs(
        datetime.datetime.fromisoformat(data["last_seen"]) - entry.learned_at
    ) < datetime.timedelta(milliseconds=1)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "G", "home_borough": "E09999999"}, "home_borough"),
        (
            {
                "name": "G",
                "accounts": [{"platform": "facebook", "handle": "g", "url": "javascript:alert(1)"}],
            },
            "accounts.0.url",
        ),
        (
            {"name": "G", "accounts": [{"platform": "myspace", "handle": "g"}]},
            "accounts.0.platform",
        ),
        ({"name": "G" * 121}, "name"),
        ({"name": "G", "description": "x" * 5001}, "description"),
        ({"name": "G", "aliases": ["a" * 121]}, "aliases.0"),
        ({"name": "G", "status": "asleep"}, "status"),
    ],
)
def test_bad_group_input_names_the_field_and_saves_nothing(client_as, payload, field):
    response = send(client_as("investigator"), "POST", "/api/intelligence/groups", payload)
    assert response.status_code == 422
    assert field in field_of(response)
    assert not Group.objects.filter(name="G").exists()


def test_duplicate_group_name_is_refused(client_as):
    services.save_group(name="Taken")
    response = send(client_as("analyst"), "POST", "/api/intelligence/groups", {"name": "Taken"})
    assert response.status_code == 422 and field_of(response) == ["name"]


def test_update_group_replaces_aliases_and_keeps_all_or_nothing(client_as):
    group = services.save_group(name="Old Name", aliases=["One"])
    client = client_as("supervisor")
    response = send(
        client,
        "PATCH",
        f"/api/intelligence/groups/{group.pk}",
        {"name": "New Name", "aliases": ["Two"], "status": "dormant"},
    )
    assert response.status_code == 200
    assert response.json()["aliases"] == ["Two"] and response.json()["status"] == "dormant"
    response = send(
        client,
        "PATCH",
        f"/api/intelligence/groups/{group.pk}",
        {"name": "Newer", "accounts": [{"platform": "x", "handle": "h", "url": "ftp://x"}]},
    )
    assert response.status_code == 422 and set(field_of(response)) == {"accounts.0.url"}
    group.refresh_from_db()
    assert group.name == "New Name" and list(group.aliases.values_list("name", flat=True)) == [
        "Two"
    ]


def test_group_list_filters_and_pagination(client_as):
    for i in range(3):
        services.save_group(name=f"Rochdale Watch {i}", home_borough=None, status="active")
    services.save_group(
        name="Dormant Crew",
        status="dormant",
        aliases=["Sleepers"],
        accounts=[{"platform": "tiktok", "handle": "sleepy"}],
    )
    client = client_as("disclosure_officer")
    assert client.get("/api/intelligence/groups").json()["count"] == 4
    assert [
        g["name"] for g in client.get("/api/intelligence/groups?status=dormant").json()["items"]
    ] == ["Dormant Crew"]
    assert client.get("/api/intelligence/groups?q=sleepers").json()["count"] == 1
    assert client.get("/api/intelligence/groups?platform=tiktok").json()["count"] == 1
    page = client.get("/api/intelligence/groups?page=2&page_size=3").json()
    assert page["count"] == 4 and len(page["items"]) == 1
    response = client.get("/api/intelligence/groups?borough=E00000000")
    assert response.status_code == 422 and field_of(response) == ["borough"]
    response = client.get("/api/intelligence/groups?status=asleep")
    assert response.status_code == 422 and field_of(response) == ["status"]


def test_unknown_group_is_404(client_as):
    assert client_as("analyst").get("/api/intelligence/groups/999999").status_code == 404


# --- entries ----------------------------------------------------------------------------


def test_create_entry_with_grading_group_and_incidents(client_as, make_user):
    analyst = make_user("analyst")
    group = services.save_group(name="Graded Group")
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
    north = services.save_group(name="North", home_borough=None)
    salford = Borough.objects.get(code="E08000006")
    south = services.save_group(name="South", home_borough=salford)
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
        client, "PATCH", f"/api/intelligence/entries/{entry.pk}", {"learned_at": ago(-3)}
    )
    assert response.status_code == 422 and field_of(response) == ["learned_at"]
    entry.refresh_from_db()
    assert entry.learned_at < timezone.now()
    IntelligenceEntry.objects.filter(pk=entry.pk).update(status="linked")
    response = send(client, "PATCH", f"/api/intelligence/entries/{entry.pk}", {"text": "Changed."})
    assert response.status_code == 422 and field_of(response) == ["status"]


# --- the workflow -----------------------------------------------------------------------


def step(client, entry, action, note=""):
    return send(client, "POST", f"/api/intelligence/entries/{entry.pk}/{action}", {"note": note})


def test_workflow_assess_then_link(client_as, make_user):
    author = make_user("investigator")
    group = services.save_group(name="Workflow Group")
    entry = make_entry(author, group=group)
    assessor = client_as("analyst")
    response = step(assessor, entry, "assess")
    assert response.status_code == 200 and response.json()["status"] == "assessed"
    assert response.json()["transitions"] == ["return_for_correction", "link"]
    response = step(assessor, entry, "link")
    assert response.json()["status"] == "linked"
    events = response.json()["events"]
    assert [(e["from_status"], e["to_status"]) for e in events] == [
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
        "/api/intelligence/groups",
        "/api/intelligence/groups/{group_id}",
        "/api/intelligence/entries",
        "/api/intelligence/entries/{entry_id}",
        "/api/intelligence/entries/{entry_id}/{action}",
    ):
        assert path in paths, path
    assert set(paths["/api/intelligence/entries"]) == {"get", "post"}


def test_entry_list_queries_do_not_grow_with_the_page(client_as, make_user):
    author = make_user("investigator")
    group = services.save_group(name="Busy Group")
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


def test_group_timeline_shows_intelligence_only_to_roles_that_may_see_it(client_as, make_user):
    analyst = make_user("analyst")
    group = services.save_group(name="Timeline Group")
    incident = incident_services.create_incident(
        user=analyst,
        occurred_at=timezone.now() - datetime.timedelta(days=10),
        source="group",
        kind="doorstep",
        summary="At the door.",
        place="Oldham",
        groups=[group],
    )
    entry = make_entry(analyst, group=group)
    url = f"/api/intelligence/groups/{group.pk}/timeline"
    items = client_as(user=analyst).get(url).json()["items"]
    assert [(i["kind"], i["reference"]) for i in items] == [
        ("intelligence", entry.reference),
        ("incident", incident.reference),
    ]
    assert items[0]["summary"] == "Graded 1AP"
    officer = sign_in(Client(), make_user("safeguarding_officer"))
    items = officer.get(url).json()["items"]
    assert [i["kind"] for i in items] == ["incident"]
    assert sign_in(Client(), make_user("auditor")).get(url).status_code == 404
    assert officer.get("/api/intelligence/groups/999999/timeline").status_code == 404
