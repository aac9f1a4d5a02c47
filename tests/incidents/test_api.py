"""The incidents API: list with filters and pages, create, read and update, the people involved
(never shown to analysts), linked cases, every refusal (field named, nothing saved), and access
by token and by session."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from drachma.accounts.models import APIToken
from drachma.areas.models import Ward
from drachma.areas.services import save_district
from drachma.audit.models import AuditEntry
from drachma.core.models import ReferenceCounter
from drachma.groups.services import save_group
from drachma.incidents import services
from drachma.incidents.models import Incident, IncidentPerson, LinkedCase, PersonRole
from drachma.people.services import create_person
from tests.conftest import sign_in
from tests.factories import LONDON, ago, field_of, make_incident, send
from tests.incidents.statuses import move_to

pytestmark = pytest.mark.django_db
URL = "/api/incidents/incidents"


def payload(**overrides) -> dict:
    data = {
        "occurred_at": ago(2).isoformat(),
        "source": "public",
        "kind": "doorstep",
        "summary": "Four men filmed a man at his front door.",
        "place": "Mill Lane",
        "borough": "E08000005",
    }
    data.update(overrides)
    return data


def make(user, status="new", **fields) -> Incident:
    fields = {
        "received_at": None,
        "kind": "online_sting",
        "summary": "Sting.",
        "place": "Somewhere",
        **fields,
    }
    return move_to(make_incident(user, **fields), status)


def state() -> dict:
    """What a refused call must leave untouched."""
    return {
        "incidents": list(Incident.objects.order_by("pk").values()),
        "people": list(IncidentPerson.objects.order_by("pk").values()),
        "links": list(LinkedCase.objects.order_by("pk").values()),
        "audit": AuditEntry.objects.count(),
        "references": list(ReferenceCounter.objects.values()),  # no reference spent
    }


@pytest.fixture
def world(make_user):
    analyst = make_user("analyst")
    red = save_group(name="Red Watch")
    blue = save_group(name="Blue Crew")
    deansgate = Ward.objects.get(name="Deansgate")
    district = save_district(name="City centre", ward_codes=[deansgate.code])
    incidents = {
        "old": make(
            analyst,
            occurred_at=datetime.datetime(2019, 5, 4, 21, 0, tzinfo=LONDON),
            received_at=datetime.datetime(2019, 5, 5, 9, 0, tzinfo=LONDON),
            source="public",
            kind="doorstep",
            ward=deansgate,
            groups=[red],
            status="closed",
        ),
        "salford": make(
            analyst,
            occurred_at=datetime.datetime(2024, 3, 1, 20, 0, tzinfo=LONDON),
            source="platform",
            kind="live_streamed",
            live_streamed=True,
            stream_platform="facebook",
            stream_url="https://facebook.com/live/1",
            ward=Ward.objects.get(name="Ordsall"),
            groups=[blue],
            outcome="arrest",
            status="investigating",
        ),
        "away": make(
            analyst,
            occurred_at=datetime.datetime(2025, 1, 10, 12, 0, tzinfo=LONDON),
            source="officer",
            kind="publication",
            place="Preston",
            groups=[red, blue],
        ),
    }
    return {"analyst": analyst, "red": red, "blue": blue, "district": district, **incidents}


def refs(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {i["reference"] for i in response.json()["items"]}


# --- the list ---------------------------------------------------------------------------


def test_list_with_each_filter(client_as, world):
    client = client_as("disclosure_officer")
    old, salford, away = (world[k].reference for k in ("old", "salford", "away"))
    assert refs(client.get(URL)) == {old, salford, away}
    assert refs(client.get(URL, {"occurred_from": "2024-03-01"})) == {salford, away}
    assert refs(client.get(URL, {"occurred_to": "2024-03-01"})) == {old, salford}
    assert refs(client.get(URL, {"occurred_from": "2020-01-01", "occurred_to": "2024-12-31"})) == {
        salford
    }
    assert refs(client.get(URL, {"borough": "E08000003"})) == {old}
    assert refs(client.get(URL, {"borough": "E08000006"})) == {salford}
    assert refs(client.get(URL, {"ward": Ward.objects.get(name="Ordsall").code})) == {salford}
    assert refs(client.get(URL, {"district": world["district"].pk})) == {old}
    assert refs(client.get(URL, {"group": world["red"].pk})) == {old, away}
    assert refs(client.get(URL, {"group": world["blue"].pk, "kind": "publication"})) == {away}
    assert refs(client.get(URL, {"kind": "live_streamed"})) == {salford}
    assert refs(client.get(URL, {"source": "officer"})) == {away}
    assert refs(client.get(URL, {"status": "closed"})) == {old}
    assert refs(client.get(URL, {"outcome": "arrest"})) == {salford}
    assert refs(client.get(URL, {"live_streamed": "true"})) == {salford}
    assert refs(client.get(URL, {"q": "red watch"})) == {old, away}
    assert refs(client.get(URL, {"q": old})) == {old}


def test_list_is_newest_first_in_pages(client_as, world):
    client = client_as("analyst")
    first = client.get(URL, {"page_size": 2}).json()
    assert first["count"] == 3
    assert [i["reference"] for i in first["items"]] == [
        world["away"].reference,
        world["salford"].reference,
    ]
    second = client.get(URL, {"page_size": 2, "page": 2}).json()
    assert [i["reference"] for i in second["items"]] == [world["old"].reference]
    assert client.get(URL, {"page": 9}).json()["items"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"borough": "E09999999"}, "borough"),
        ({"ward": "E05999999"}, "ward"),
        ({"district": 999999}, "district"),
        ({"group": 999999}, "group"),
        ({"group": "red"}, "group"),
        ({"kind": "picnic"}, "kind"),
        ({"source": "rumour"}, "source"),
        ({"status": "lost"}, "status"),
        ({"outcome": "pardon"}, "outcome"),
        ({"occurred_from": "31/12/2024"}, "occurred_from"),
        ({"occurred_from": "2024-06-01", "occurred_to": "2024-01-01"}, "occurred_to"),
        ({"page": 0}, "page"),
        ({"page_size": 0}, "page_size"),
    ],
)
def test_a_bad_filter_names_the_field(client_as, world, params, field):
    response = client_as("analyst").get(URL, params)
    assert response.status_code == 422, response.content
    assert field_of(response) == [field]


# --- create, read, update -----------------------------------------------------------------


def test_create_read_and_update(client_as, world, make_user):
    investigator = make_user("investigator")
    client = client_as(user=investigator)
    response = send(
        client,
        "POST",
        URL,
        payload(
            occurred_at="2025-07-04T22:30:00",
            received_at="2025-07-05T08:00:00+01:00",
            groups=[world["red"].pk],
            latitude="53.61600",
            longitude="-2.15600",
            borough=None,
            place="",
            live_streamed=True,
            stream_platform="tiktok",
            stream_url="https://www.tiktok.com/@x/live",
            police_attended=True,
            outcome="voluntary_interview",
            mopi_group=3,
        ),
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["reference"].startswith("DR-2025-")
    # A time without an offset is UK time: 22:30 BST is 21:30 UTC.
    assert (
        data["occurred_at"] == "2025-07-04T21:30:00Z"
        and data["received_at"] == "2025-07-05T07:00:00Z"
    )
    incident = Incident.objects.get(reference=data["reference"])
    assert incident.occurred_at == datetime.datetime(2025, 7, 4, 21, 30, tzinfo=datetime.UTC)
    # The ward comes from the coordinates, the borough from the ward.
    assert data["borough"] == "E08000005" and data["borough_name"] == "Rochdale" and data["ward"]
    assert data["groups"] == [{"id": world["red"].pk, "name": "Red Watch"}]
    assert incident.created_by == investigator
    assert AuditEntry.objects.filter(
        action="create",
        model="incidents.incident",
        object_id=str(incident.pk),
        actor_id=investigator.pk,
    ).exists()

    got = client.get(f"{URL}/{incident.reference}")
    assert got.status_code == 200 and got.json() == data
    assert AuditEntry.objects.filter(
        action="view", model="incidents.incident", object_id=str(incident.pk)
    ).exists()

    response = send(
        client,
        "PATCH",
        f"{URL}/{incident.reference}",
        {
            "outcome": "nfa",
            "groups": [world["blue"].pk],
            "ward": "",
            "borough": None,
            "latitude": None,
            "longitude": None,
            "place": "Preston",
        },
    )
    assert response.status_code == 200, response.content
    # The status moves only by a transition (it is no longer a field of the update).
    response = send(
        client,
        "POST",
        f"{URL}/{incident.reference}/transitions",
        {"transition": "close", "note": "No further action."},
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["status"], data["outcome"], data["borough"], data["ward"], data["place"]) == (
        "closed",
        "nfa",
        None,
        None,
        "Preston",
    )
    assert data["groups"] == [{"id": world["blue"].pk, "name": "Blue Crew"}]
    assert data["reference"] == incident.reference
    updates = AuditEntry.objects.filter(
        action="update", model="incidents.incident", object_id=str(incident.pk)
    )
    assert updates.exists()
    decision = AuditEntry.objects.get(
        action="decision", model="incidents.incident", object_id=str(incident.pk)
    )
    assert decision.changes["fields"]["status"] == ["new", "closed"]
    assert [(e["transition"], e["from_state"], e["to_state"]) for e in data["events"]] == [
        ("record", "", "new"),
        ("close", "new", "closed"),
    ]


def test_a_patch_changes_only_what_it_names(client_as, world):
    incident = world["salford"]
    response = send(
        client_as("supervisor"), "PATCH", f"{URL}/{incident.reference}", {"outcome": None}
    )
    assert response.status_code == 200, response.content
    incident.refresh_from_db()
    assert incident.outcome == "" and incident.status == "investigating" and incident.live_streamed


def test_unknown_reference_is_404(client_as):
    client = client_as("supervisor")
    assert client.get(f"{URL}/DR-2020-999999").status_code == 404
    assert (
        send(client, "PATCH", f"{URL}/DR-2020-999999", {"summary": "Changed."}).status_code == 404
    )
    assert client.get(f"{URL}/DR-2020-999999/people").status_code == 404
    assert client.get(f"{URL}/DR-2020-999999/linked-cases").status_code == 404


# --- bad input: the field named, nothing saved -----------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"occurred_at": (timezone.now() + datetime.timedelta(days=1)).isoformat()}, "occurred_at"),
        ({"received_at": (timezone.now() + datetime.timedelta(days=1)).isoformat()}, "received_at"),
        ({"occurred_at": ago(1).isoformat(), "received_at": ago(3).isoformat()}, "occurred_at"),
        # 01:30 on the last Sunday of March 2025 never happened in the UK.
        ({"occurred_at": "2025-03-30T01:30:00"}, "occurred_at"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": None}, "occurred_at"),
        ({"borough": "E09999999"}, "borough"),
        ({"borough": None, "ward": "E05999999"}, "ward"),
        ({"ward": "WARD:Ordsall"}, "ward"),
        ({"groups": [999999]}, "groups"),
        ({"groups": ["red"]}, "groups.0"),
        ({"kind": "picnic"}, "kind"),
        ({"source": "rumour"}, "source"),
        ({"status": "lost"}, "status"),
        ({"outcome": "pardon"}, "outcome"),
        (
            {
                "live_streamed": True,
                "stream_platform": "facebook",
                "stream_url": "javascript:alert(1)",
            },
            "stream_url",
        ),
        (
            {
                "live_streamed": True,
                "stream_platform": "facebook",
                "stream_url": "ftp://example.org/v.mp4",
            },
            "stream_url",
        ),
        (
            {
                "live_streamed": True,
                "stream_platform": "facebook",
                "stream_url": "https://x.example/" + "a" * 500,
            },
            "stream_url",
        ),
        ({"live_streamed": True, "stream_platform": "myspace"}, "stream_platform"),
        ({"kind": "live_streamed"}, "live_streamed"),
        ({"summary": "x" * 5001}, "summary"),
        ({"summary": ""}, "summary"),
        ({"summary": "   \n "}, "summary"),
        ({"summary": "Filmed at \x00 the door."}, "summary"),
        ({"place": "Mill\x00Lane"}, "place"),
        ({"place": "p" * 201}, "place"),
        ({"borough": None, "place": ""}, "place"),
        ({"latitude": "53.4"}, "longitude"),
        ({"latitude": "91", "longitude": "0"}, "latitude"),
        ({"mopi_group": 5}, "mopi_group"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(client_as, world, overrides, field):
    client = client_as("analyst")
    before = state()
    response = send(client, "POST", URL, payload(**overrides))
    assert response.status_code == 422, response.content
    assert field in field_of(response), response.json()
    assert all(set(e) == {"field", "message"} and e["message"] for e in response.json()["errors"])
    assert state() == before


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        (
            {"occurred_at": (timezone.now() + datetime.timedelta(hours=2)).isoformat()},
            "occurred_at",
        ),
        ({"ward": "E05999999"}, "ward"),
        ({"borough": "E09999999"}, "borough"),
        ({"borough": "E08000001"}, "ward"),  # the ward kept, Ordsall, is in Salford, not Bolton
        ({"groups": [999999]}, "groups"),
        ({"stream_url": "data:text/html,hi"}, "stream_url"),
        ({"summary": "y" * 5001}, "summary"),
        ({"summary": None}, "summary"),
        ({"kind": "picnic"}, "kind"),
        ({"source": None}, "source"),
        ({"live_streamed": False}, "live_streamed"),
        ({"received_at": "2024-02-01T00:00:00Z"}, "occurred_at"),  # received before it occurred
        ({"received_at": None}, "received_at"),
        ({"place": "x\x00"}, "place"),
    ],
)
def test_a_bad_update_names_the_field_and_changes_nothing(client_as, world, patch, field):
    incident = world["salford"]
    client = client_as("investigator")
    before = state()
    response = send(client, "PATCH", f"{URL}/{incident.reference}", patch)
    assert response.status_code == 422, response.content
    assert field in field_of(response), response.json()
    assert state() == before


def test_fields_the_api_does_not_take_are_ignored_not_saved(client_as, world):
    response = send(
        client_as("analyst"), "POST", URL, payload(reference="DR-1999-000001", created_by=1)
    )
    assert response.status_code == 201
    assert response.json()["reference"] != "DR-1999-000001"


# --- the people involved -----------------------------------------------------------------


@pytest.fixture
def involved(world):
    incident = world["salford"]
    subject = create_person(given_names="Dale", family_name="Example")
    member = create_person(given_names="Vic", family_name="Hunter")
    return {
        "incident": incident,
        "subject": subject,
        "member": member,
        "subject_inv": services.add_person(incident, person=subject, role=PersonRole.SUBJECT),
        "member_inv": services.add_person(incident, person=member, role=PersonRole.GROUP_MEMBER),
    }


def test_people_involved_are_listed_added_and_removed(client_as, involved):
    client = client_as("safeguarding_officer")
    url = f"{URL}/{involved['incident'].reference}/people"
    listed = client.get(url).json()
    assert {(p["person_name"], p["role"]) for p in listed} == {
        ("Dale Example", "subject"),
        ("Vic Hunter", "group_member"),
    }
    assert AuditEntry.objects.filter(
        action="view",
        model="incidents.incident",
        object_id=str(involved["incident"].pk),
        changes__fields=["involvements"],
    ).exists()
    mother = create_person(given_names="Ann", family_name="Example")
    response = send(client, "POST", url, {"person": mother.pk, "role": "family", "notes": "Mother"})
    assert response.status_code == 201, response.content
    added = response.json()
    assert (added["person"], added["person_name"], added["role"], added["notes"]) == (
        mother.pk,
        "Ann Example",
        "family",
        "Mother",
    )
    response = client.delete(f"{url}/{added['id']}")
    assert response.status_code == 204
    assert not IncidentPerson.objects.filter(pk=added["id"]).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"person": 999999, "role": "witness"}, "person"),
        ({"person": "PERSON", "role": "witness"}, "person"),
        ({"role": "witness"}, "person"),
        ("SUBJECT", "role"),
        ({"person": "SUBJECT", "role": "bystander"}, "role"),
        ({"person": "SUBJECT", "role": "witness", "notes": "n" * 501}, "notes"),
        ({"person": "SUBJECT", "role": "witness", "notes": "\x00"}, "notes"),
    ],
)
def test_bad_involvement_names_the_field_and_saves_nothing(client_as, involved, body, field):
    subject = involved["subject"].pk
    if body == "SUBJECT":
        body = {"person": subject, "role": "subject"}  # already the subject of this incident
    elif body.get("person") == "SUBJECT":
        body = {**body, "person": subject}
    client = client_as("investigator")
    before = state()
    response = send(client, "POST", f"{URL}/{involved['incident'].reference}/people", body)
    assert response.status_code == 422, response.content
    assert field in field_of(response), response.json()
    assert state() == before


def test_an_involvement_of_another_incident_cannot_be_removed_through_this_one(
    client_as, involved, world
):
    response = client_as("supervisor").delete(
        f"{URL}/{world['old'].reference}/people/{involved['subject_inv'].pk}"
    )
    assert response.status_code == 404
    assert IncidentPerson.objects.filter(pk=involved["subject_inv"].pk).exists()


def test_analysts_never_see_who_was_involved(client_as, involved):
    client = client_as("analyst")
    incident = involved["incident"]
    before = state()
    for response in (
        client.get(f"{URL}/{incident.reference}/people"),
        send(
            client,
            "POST",
            f"{URL}/{incident.reference}/people",
            {"person": involved["member"].pk, "role": "witness"},
        ),
        client.delete(f"{URL}/{incident.reference}/people/{involved['subject_inv'].pk}"),
        client.get(f"{URL}/{incident.reference}/linked-cases"),
        send(
            client,
            "POST",
            f"{URL}/{incident.reference}/linked-cases",
            {"suspect": involved["subject_inv"].pk, "group_member": involved["member_inv"].pk},
        ),
    ):
        # 404, as for a record that does not exist: the analyst learns nothing.
        assert response.status_code == 404, response.content
        assert response.json() == {"errors": [{"field": "__all__", "message": "Not found."}]}
    assert state() == before
    # The incident itself, its list and its search carry no names.
    for response in (
        client.get(f"{URL}/{incident.reference}"),
        client.get(URL),
        client.get(URL, {"q": "Example"}),
    ):
        text = response.content.decode()
        assert response.status_code == 200
        assert "Dale" not in text and "Example" not in text and "Hunter" not in text
    assert client.get(URL, {"q": "Example"}).json()["count"] == 0


@pytest.mark.parametrize("role", ["auditor", "administrator"])
def test_roles_without_incidents_get_404_for_a_record_and_403_for_the_list(
    make_user, involved, role
):
    client = sign_in(Client(), make_user(role))
    reference = involved["incident"].reference
    assert client.get(URL).status_code == 403
    assert send(client, "POST", URL, payload()).status_code == 403
    for path in ("", "/people", "/linked-cases"):
        assert client.get(f"{URL}/{reference}{path}").status_code == 404
    assert send(client, "PATCH", f"{URL}/{reference}", {"summary": "Changed."}).status_code == 404


def test_the_disclosure_officer_reads_but_does_not_write(client_as, involved):
    client = client_as("disclosure_officer")
    reference = involved["incident"].reference
    assert client.get(f"{URL}/{reference}/people").status_code == 200
    assert client.get(f"{URL}/{reference}/linked-cases").status_code == 200
    before = state()
    assert send(client, "POST", URL, payload()).status_code == 403
    assert send(client, "PATCH", f"{URL}/{reference}", {"summary": "Changed."}).status_code == 404
    assert (
        send(
            client,
            "POST",
            f"{URL}/{reference}/people",
            {"person": involved["member"].pk, "role": "witness"},
        ).status_code
        == 404
    )
    assert state() == before


# --- linked cases --------------------------------------------------------------------------


def test_the_suspects_case_is_linked_to_the_group_members(client_as, involved):
    client = client_as("investigator")
    url = f"{URL}/{involved['incident'].reference}/linked-cases"
    assert client.get(url).json() == []
    response = send(
        client,
        "POST",
        url,
        {
            "suspect": involved["subject_inv"].pk,
            "group_member": involved["member_inv"].pk,
            "note": "Charge the group member first.",
        },
    )
    assert response.status_code == 201, response.content
    link = response.json()
    assert (link["suspect_name"], link["group_member_name"], link["note"]) == (
        "Dale Example",
        "Vic Hunter",
        "Charge the group member first.",
    )
    assert client.get(url).json() == [link]
    assert AuditEntry.objects.filter(
        action="create", model="incidents.linkedcase", object_id=str(link["id"])
    ).exists()


def test_bad_links_name_the_field_and_save_nothing(client_as, involved, world):
    client = client_as("supervisor")
    url = f"{URL}/{involved['incident'].reference}/linked-cases"
    subject, member = involved["subject_inv"].pk, involved["member_inv"].pk
    elsewhere = services.add_person(
        world["old"], person=involved["subject"], role=PersonRole.SUBJECT
    ).pk
    services.link_cases(
        involved["incident"], suspect=involved["subject_inv"], group_member=involved["member_inv"]
    )
    before = state()
    for body, field in [
        ({"suspect": member, "group_member": subject}, "suspect"),  # the roles swapped
        ({"suspect": 999999, "group_member": member}, "suspect"),
        ({"suspect": elsewhere, "group_member": member}, "suspect"),  # from another incident
        ({"suspect": subject, "group_member": 999999}, "group_member"),
        ({"suspect": subject, "group_member": member, "note": "n" * 2001}, "note"),
        ({"suspect": subject, "group_member": member, "note": "a\x00"}, "note"),
        ({"suspect": "one", "group_member": member}, "suspect"),
        ({"suspect": subject, "group_member": member}, "group_member"),  # already linked
    ]:
        response = send(client, "POST", url, body)
        assert response.status_code == 422, (body, response.content)
        assert field in field_of(response), (body, response.json())
    assert state() == before


def test_only_investigators_and_supervisors_link_cases(client_as, involved):
    url = f"{URL}/{involved['incident'].reference}/linked-cases"
    body = {"suspect": involved["subject_inv"].pk, "group_member": involved["member_inv"].pk}
    for role in ("safeguarding_officer", "disclosure_officer"):
        assert send(client_as(role), "POST", url, body).status_code == 404
    assert not LinkedCase.objects.exists()


# --- authentication: token and session ---------------------------------------------------


def test_a_token_reads_and_writes_without_csrf(make_user, world):
    user = make_user("investigator")
    _, key = APIToken.issue(user, "script", second_factor=True)
    client = Client(enforce_csrf_checks=True)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get(URL, **auth).json()["count"] == 3
    response = send(client, "POST", URL, payload(), **auth)
    assert response.status_code == 201, response.content
    assert Incident.objects.get(reference=response.json()["reference"]).created_by == user
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer drt_not_a_token").status_code == 401
    assert client.get(URL).status_code == 401


def test_a_revoked_token_is_refused(make_user, world):
    token, key = APIToken.issue(make_user("analyst"), "old", second_factor=True)
    token.revoked_at = timezone.now()
    token.save()
    response = Client().get(URL, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401
    assert response.json() == {
        "errors": [{"field": "__all__", "message": "Authentication required."}]
    }


def test_a_session_must_send_the_csrf_token_to_write(make_user, world):
    client = sign_in(Client(enforce_csrf_checks=True), make_user("analyst"))
    assert client.get(URL).status_code == 200  # reading needs no token
    before = state()
    response = send(client, "POST", URL, payload())
    assert response.status_code == 403 and "CSRF" in response.json()["errors"][0]["message"]
    response = send(client, "PATCH", f"{URL}/{world['away'].reference}", {"summary": "Changed."})
    assert response.status_code == 403
    assert state() == before
    client.get("/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = send(client, "POST", URL, payload(), HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content


def test_anonymous_callers_get_401_everywhere(world):
    client = Client()
    reference = world["away"].reference
    assert client.get(URL).status_code == 401
    assert client.get(f"{URL}/{reference}").status_code == 401
    assert send(client, "POST", URL, payload()).status_code == 401
    assert client.get(f"{URL}/{reference}/people").status_code == 401


def test_openapi_lists_the_incident_operations(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        URL,
        f"{URL}/{{reference}}",
        f"{URL}/{{reference}}/people",
        f"{URL}/{{reference}}/people/{{involvement_id}}",
        f"{URL}/{{reference}}/linked-cases",
    ):
        assert path in paths, path
