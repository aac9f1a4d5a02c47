"""The people API: restricted, audited, identifiers only for the roles that need them."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from drachma.audit.models import AuditEntry
from drachma.people.models import Person
from drachma.people.services import create_person
from tests.conftest import sign_in
from tests.factories import field_of, send

pytestmark = pytest.mark.django_db


def views_of(person) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(action="view", model="people.person", object_id=str(person.pk))
    )


@pytest.fixture
def person(db):
    return create_person(
        given_names="Alan",
        family_name="Hartley",
        date_of_birth=datetime.date(1979, 4, 2),
        address="12 Mill Lane, Rochdale",
        postcode="ol11 1aa",
        flag_self_harm=True,
    )


def test_safeguarding_officer_sees_identifiers_and_the_read_is_audited(client_as, person):
    client = client_as("safeguarding_officer")
    response = client.get(f"/api/people/people/{person.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["full_name"] == "Alan Hartley" and data["date_of_birth"] == "1979-04-02"
    assert data["address"] == "12 Mill Lane, Rochdale" and data["postcode"] == "OL11 1AA"
    assert data["vulnerabilities"] == ["Previous self-harm"]
    [entry] = views_of(person)
    assert entry.actor_username.startswith("safeguarding_officer")
    assert entry.changes == {"fields": ["address", "date_of_birth", "postcode"]}
    assert entry.path == f"/api/people/people/{person.pk}" and entry.method == "GET"


def test_disclosure_officer_sees_the_name_not_the_address(client_as, person):
    client = client_as("disclosure_officer")
    data = client.get(f"/api/people/people/{person.pk}").json()
    assert data["full_name"] == "Alan Hartley"
    assert data["date_of_birth"] is None and data["address"] is None and data["postcode"] is None
    assert "Mill Lane" not in json.dumps(data) and "1979" not in json.dumps(data)
    [entry] = views_of(person)
    assert entry.changes == {}  # the identifiers were not seen
    listing = client.get("/api/people/people").json()
    assert (
        listing["items"][0]["address"] is None
        and listing["items"][0]["full_name"] == "Alan Hartley"
    )


@pytest.mark.parametrize("role", ["analyst", "auditor", "administrator"])
def test_roles_without_people_never_see_names(make_user, person, role):
    client = sign_in(Client(), make_user(role))
    for response in (
        client.get("/api/people/people"),
        client.get("/api/people/people/duplicates?given_names=Alan&family_name=Hartley"),
    ):
        assert response.status_code == 403 and "Hartley" not in response.content.decode()
    response = client.get(f"/api/people/people/{person.pk}")
    assert response.status_code == 404 and "Hartley" not in response.content.decode()
    assert client.get("/api/people/people/999999").status_code == 404
    assert not views_of(person)


def test_list_search_pagination_and_list_audit(client_as, person):
    for i in range(3):
        create_person(given_names=f"Person{i}", family_name="Example")
    client = client_as("investigator")
    data = client.get("/api/people/people?page_size=2").json()
    assert data["count"] == 4 and len(data["items"]) == 2
    page2 = client.get("/api/people/people?page_size=2&page=2").json()
    assert len(page2["items"]) == 2
    assert {p["id"] for p in data["items"]}.isdisjoint({p["id"] for p in page2["items"]})
    found = client.get("/api/people/people?q=hartley").json()
    assert [p["id"] for p in found["items"]] == [person.pk]
    lists = AuditEntry.objects.filter(action="view", model="people.person", object_id="").order_by(
        "seq"
    )
    assert [e.changes["ids"] for e in lists][-1] == [str(person.pk)]
    assert lists.last().changes["query"] == "hartley"
    assert [len(e.changes["ids"]) for e in lists][:2] == [2, 2]


def test_create_person_warns_of_duplicates_then_saves_when_confirmed(client_as, person):
    client = client_as("safeguarding_officer")
    payload = {"given_names": "Allan", "family_name": "Hartley", "date_of_birth": "1979-04-02"}
    response = send(client, "POST", "/api/people/people", payload)
    assert response.status_code == 409
    body = response.json()
    assert body["errors"][0]["field"] == "confirm_not_duplicate"
    assert body["duplicates"][0]["person"]["id"] == person.pk
    assert "same date of birth" in body["duplicates"][0]["reasons"]
    assert Person.objects.count() == 1
    response = send(
        client, "POST", "/api/people/people", {**payload, "confirm_not_duplicate": True}
    )
    assert response.status_code == 201 and response.json()["given_names"] == "Allan"
    assert Person.objects.count() == 2


def test_duplicates_endpoint_is_audited(client_as, person):
    client = client_as("supervisor")
    response = client.get("/api/people/people/duplicates?given_names=Alan&family_name=Hartly")
    assert response.status_code == 200
    [dup] = response.json()
    assert dup["person"]["id"] == person.pk and dup["score"] >= 80
    entry = AuditEntry.objects.filter(action="view", model="people.person").latest("seq")
    assert entry.changes == {"ids": [str(person.pk)], "query": "duplicate check"}
    response = client.get("/api/people/people/duplicates?family_name=Hartley")
    assert response.status_code == 422 and field_of(response) == ["given_names"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (
            {"date_of_birth": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()},
            "date_of_birth",
        ),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth"),
        ({"date_of_birth": "not a date"}, "date_of_birth"),
        ({"address": "x" * 501}, "address"),
        ({"notes": "x" * 5001}, "notes"),
        ({"given_names": ""}, "given_names"),
        ({"flag_other": True}, "flag_other_text"),
        ({"mopi_group": 7}, "mopi_group"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(client_as, payload, field):
    client = client_as("investigator")
    body = {"given_names": "Zed", "family_name": "Quill", "confirm_not_duplicate": True, **payload}
    response = send(client, "POST", "/api/people/people", body)
    assert response.status_code == 422, response.content
    assert field_of(response) == [field]
    assert not Person.objects.exists()


def test_update_person_and_bad_update_changes_nothing(client_as, person):
    client = client_as("investigator")
    response = send(
        client,
        "PATCH",
        f"/api/people/people/{person.pk}",
        {"known_as": "Al", "flag_children_in_household": True},
    )
    assert response.status_code == 200
    assert response.json()["known_as"] == "Al"
    assert response.json()["vulnerabilities"] == ["Previous self-harm", "Children in the household"]
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = send(
        client,
        "PATCH",
        f"/api/people/people/{person.pk}",
        {"known_as": "Changed", "date_of_birth": future},
    )
    assert response.status_code == 422 and field_of(response) == ["date_of_birth"]
    person.refresh_from_db()
    assert person.known_as == "Al" and person.date_of_birth == datetime.date(1979, 4, 2)


def test_disclosure_officer_cannot_change_people(make_user, person):
    client = sign_in(Client(), make_user("disclosure_officer"))
    assert (
        send(client, "PATCH", f"/api/people/people/{person.pk}", {"known_as": "X"}).status_code
        == 404
    )
    assert (
        send(
            client, "POST", "/api/people/people", {"given_names": "A", "family_name": "B"}
        ).status_code
        == 403
    )


def test_openapi_lists_the_people_operations(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert set(paths["/api/people/people"]) == {"get", "post"}
    assert set(paths["/api/people/people/{person_id}"]) == {"get", "patch"}
    assert "/api/people/people/duplicates" in paths


def test_a_user_without_identifier_access_may_not_write_identifiers(make_user):
    from django.contrib.auth.models import Permission

    user = make_user()
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="people", codename__in=["add_person", "view_person"]
        )
    )
    client = sign_in(Client(), user)
    response = send(
        client,
        "POST",
        "/api/people/people",
        {
            "given_names": "Nina",
            "family_name": "Vale",
            "address": "1 High St",
            "confirm_not_duplicate": True,
        },
    )
    assert response.status_code == 422 and field_of(response) == ["address"]
    assert not Person.objects.exists()
    response = send(
        client,
        "POST",
        "/api/people/people",
        {"given_names": "Nina", "family_name": "Vale", "confirm_not_duplicate": True},
    )
    assert response.status_code == 201 and response.json()["address"] is None


def test_person_incidents_are_listed_and_audited(client_as, make_user, person):
    from drachma.incidents import services as incident_services

    incident = incident_services.create_incident(
        user=make_user("investigator"),
        occurred_at=timezone.now() - datetime.timedelta(days=4),
        source="group",
        kind="online_sting",
        summary="Sting.",
        place="Rochdale",
    )
    incident_services.add_person(incident, person=person, role="subject", notes="Confronted.")
    client = client_as("disclosure_officer")
    [item] = client.get(f"/api/people/people/{person.pk}/incidents").json()
    assert (
        item["incident"] == incident.reference
        and item["role"] == "subject"
        and item["notes"] == "Confronted."
    )
    assert views_of(person)[-1].changes == {"fields": ["involvements"]}
    analyst = sign_in(Client(), make_user("analyst"))
    assert analyst.get(f"/api/people/people/{person.pk}/incidents").status_code == 404
