"""The group register's API: groups with aliases and accounts, first and last seen, and the
timeline the apps above contribute to."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from drachma.groups import services
from drachma.groups.models import Group
from drachma.incidents import services as incident_services
from tests.conftest import sign_in
from tests.factories import field_of, make_entry, send

pytestmark = pytest.mark.django_db


def test_create_group_with_aliases_accounts_and_borough(client_as):
    client = client_as("analyst")
    response = send(
        client,
        "POST",
        "/api/groups/groups",
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
    data = client_as(user=analyst).get(f"/api/groups/groups/{group.pk}").json()
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
    response = send(client_as("investigator"), "POST", "/api/groups/groups", payload)
    assert response.status_code == 422
    assert field in field_of(response)
    assert not Group.objects.filter(name="G").exists()


def test_duplicate_group_name_is_refused(client_as):
    services.save_group(name="Taken")
    response = send(client_as("analyst"), "POST", "/api/groups/groups", {"name": "Taken"})
    assert response.status_code == 422 and field_of(response) == ["name"]


def test_update_group_replaces_aliases_and_keeps_all_or_nothing(client_as):
    group = services.save_group(name="Old Name", aliases=["One"])
    client = client_as("supervisor")
    response = send(
        client,
        "PATCH",
        f"/api/groups/groups/{group.pk}",
        {"name": "New Name", "aliases": ["Two"], "status": "dormant"},
    )
    assert response.status_code == 200
    assert response.json()["aliases"] == ["Two"] and response.json()["status"] == "dormant"
    response = send(
        client,
        "PATCH",
        f"/api/groups/groups/{group.pk}",
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
    assert client.get("/api/groups/groups").json()["count"] == 4
    assert [g["name"] for g in client.get("/api/groups/groups?status=dormant").json()["items"]] == [
        "Dormant Crew"
    ]
    assert client.get("/api/groups/groups?q=sleepers").json()["count"] == 1
    assert client.get("/api/groups/groups?platform=tiktok").json()["count"] == 1
    page = client.get("/api/groups/groups?page=2&page_size=3").json()
    assert page["count"] == 4 and len(page["items"]) == 1
    response = client.get("/api/groups/groups?borough=E00000000")
    assert response.status_code == 422 and field_of(response) == ["borough"]
    response = client.get("/api/groups/groups?status=asleep")
    assert response.status_code == 422 and field_of(response) == ["status"]


def test_unknown_group_is_404(client_as):
    assert client_as("analyst").get("/api/groups/groups/999999").status_code == 404


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
    url = f"/api/groups/groups/{group.pk}/timeline"
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
    assert officer.get("/api/groups/groups/999999/timeline").status_code == 404


def test_openapi_lists_the_group_operations(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/groups/groups",
        "/api/groups/groups/{group_id}",
        "/api/groups/groups/{group_id}/timeline",
    ):
        assert path in paths, path
    assert set(paths["/api/groups/groups"]) == {"get", "post"}
