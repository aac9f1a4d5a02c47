"""Purposeful logging (DPA 2018 s.62): the purpose of a task, set once, is carried through
its pages in the session, shown in the header, written on every audit entry of the task
inside the entry's keyed hash; a disclosure names its recipient; the auditor searches by
purpose and reads the disclosures log."""

import pytest
from django.test import Client

from drachma.audit import chain
from drachma.audit.keys import keyring
from drachma.audit.models import AuditEntry
from drachma.audit.purpose import SESSION_KEY
from drachma.audit.services import append, seal_pending, verify
from drachma.people.services import create_person
from tests.audit.tamper import as_owner
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

CASE = {"kind": "case", "detail": "DR-2026-000019 doorstep in Bolton"}


@pytest.fixture
def person():
    return create_person(given_names="Alex", family_name="Example")


def views_of(person) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            model="people.person", object_id=str(person.pk), action="view"
        ).order_by("seq")
    )


# --- the chain ------------------------------------------------------------------------------


def test_an_entry_without_a_purpose_hashes_as_before_the_field_existed():
    entry = append("decision", model="test.thing", object_id="1")
    before = chain.canonical({name: getattr(entry, name) for name in chain.ENTRY_FIELDS})
    assert chain.entry_content(entry) == before
    assert entry.purpose == "" and entry.recipient == ""


def test_the_purpose_and_recipient_are_inside_the_keyed_hash(client_as, person):
    client = client_as("investigator")
    client.post("/audit/purpose/", {**CASE, "kind": "disclosure", "recipient": "CPS North West"})
    client.get(f"/people/{person.pk}/")
    seal_pending()
    entry = views_of(person)[-1]
    assert entry.purpose == "disclosure DR-2026-000019 doorstep in Bolton"
    assert entry.recipient == "CPS North West"
    assert entry.compute_hash(keyring().current) == entry.entry_hash
    assert verify().problem is None

    # Someone with the owner's powers rewrites why, or to whom: the entry no longer holds.
    as_owner("UPDATE audit_auditentry SET purpose = %s WHERE seq = %s", ["", entry.seq])
    found = verify().problem
    assert found is not None and found.seq == entry.seq


def test_a_recipient_added_afterwards_breaks_the_entry():
    entry = append("export", model="test.thing", object_id="1")
    seal_pending()
    as_owner("UPDATE audit_auditentry SET recipient = %s WHERE seq = %s", ["Press", entry.seq])
    assert verify().problem.seq == entry.seq


# --- the task's purpose, carried through its pages ------------------------------------------


def test_set_once_it_is_recorded_on_every_page_of_the_task_and_shown(client_as, person):
    client = client_as("safeguarding_officer")
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "Set the purpose of your task" in page
    assert views_of(person)[-1].purpose == ""  # nothing set yet: recorded as not given

    response = client.post(
        "/audit/purpose/", {**CASE, "next": f"/people/{person.pk}/"}, follow=False
    )
    assert response.status_code == 302 and response["Location"] == f"/people/{person.pk}/"
    for _ in range(2):
        page = client.get(f"/people/{person.pk}/").content.decode()
    assert "Purpose: case DR-2026-000019 doorstep in Bolton" in page
    assert [e.purpose for e in views_of(person)[-2:]] == [
        "case DR-2026-000019 doorstep in Bolton"
    ] * 2
    setting = AuditEntry.objects.filter(model="audit.purpose").latest("seq")
    assert setting.changes["decision"] == "purpose set"
    assert setting.purpose == "case DR-2026-000019 doorstep in Bolton"

    client.post("/audit/purpose/", {"clear": "1"})
    client.get(f"/people/{person.pk}/")
    assert views_of(person)[-1].purpose == ""
    assert SESSION_KEY not in client.session


def test_each_user_has_their_own_purpose(client, make_user, person):
    first = sign_in(client, make_user("investigator"))
    first.post("/audit/purpose/", CASE)
    other = sign_in(Client(), make_user("investigator"))
    other.get(f"/people/{person.pk}/")
    assert views_of(person)[-1].purpose == ""


@pytest.mark.parametrize(
    "data, field, words",
    [
        ({"detail": "DR-1"}, "kind", "This field is required"),
        ({"kind": "gossip", "detail": "DR-1"}, "kind", "Select a valid choice"),
        ({"kind": "case", "detail": "   "}, "detail", "This field is required"),
        ({"kind": "case", "detail": "x" * 151}, "detail", "at most 150 characters"),
        ({"kind": "case", "detail": "DR-1\x07"}, "detail", "control characters"),
        ({"kind": "disclosure", "detail": "DR-1"}, "recipient", "names who receives it"),
    ],
)
def test_a_purpose_that_says_nothing_is_refused_naming_the_field(client_as, data, field, words):
    client = client_as("investigator")
    response = client.post("/audit/purpose/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page and words in page
    assert SESSION_KEY not in client.session
    assert not AuditEntry.objects.filter(model="audit.purpose").exists()


def test_it_goes_back_only_to_a_page_of_this_site(client_as):
    client = client_as("investigator")
    response = client.post("/audit/purpose/", {**CASE, "next": "https://evil.example/"})
    assert response["Location"] == "/"


# --- the auditor ----------------------------------------------------------------------------


def test_the_auditor_searches_by_purpose(client_as, make_user, person):
    investigator = client_as("investigator")
    investigator.post("/audit/purpose/", CASE)
    investigator.get(f"/people/{person.pk}/")
    investigator.post("/audit/purpose/", {"kind": "safeguarding", "detail": "SA-2026-000004 visit"})
    investigator.get(f"/people/{person.pk}/")

    auditor = sign_in(Client(), make_user("auditor"))
    page = auditor.get("/audit/", {"purpose": "DR-2026-000019", "model": "people.person"})
    assert page.status_code == 200
    shown = [e.seq for e in page.context["page_obj"]]
    expected = [e.seq for e in views_of(person) if e.purpose.startswith("case DR-2026-000019")]
    assert shown == expected and len(shown) == 1
    assert "case DR-2026-000019 doorstep in Bolton" in page.content.decode()

    api = auditor.get("/api/audit/entries", {"purpose": "SA-2026-000004"})
    assert api.status_code == 200
    items = api.json()["items"]
    assert items and all("SA-2026-000004" in item["purpose"] for item in items)


def test_the_disclosures_log_lists_recipients(client_as, make_user):
    analyst = client_as("analyst")
    analyst.post(
        "/audit/purpose/",
        {"kind": "disclosure", "detail": "FOI-2026-0042 answer", "recipient": "Bolton Council"},
    )
    response = analyst.get("/statistics/incidents.csv")
    assert response.status_code == 200
    export = AuditEntry.objects.filter(action="export").latest("seq")
    assert export.recipient == "Bolton Council"
    assert export.purpose == "disclosure FOI-2026-0042 answer"

    auditor = sign_in(Client(), make_user("auditor"))
    page = auditor.get("/audit/disclosures/")
    assert page.status_code == 200
    assert export.seq in [e.seq for e in page.context["page_obj"]]
    text = page.content.decode()
    assert "Bolton Council" in text and "disclosure FOI-2026-0042 answer" in text
    narrowed = auditor.get("/audit/disclosures/", {"recipient": "Wigan"})
    assert list(narrowed.context["page_obj"]) == []
    # Reading the log is itself recorded.
    assert AuditEntry.objects.filter(
        model="audit.auditentry", action="view", actor_username__startswith="auditor"
    ).exists()


def test_only_the_auditor_reads_the_disclosures_log(client_as):
    assert client_as("supervisor").get("/audit/disclosures/").status_code == 403


# --- API clients, which have no session -------------------------------------------------------


def test_an_api_client_gives_the_purpose_in_a_header(client_as, person):
    client = client_as("investigator")
    response = client.get(
        f"/api/people/people/{person.pk}",
        HTTP_X_DRACHMA_PURPOSE="case DR-2026-000019",
        HTTP_X_DRACHMA_RECIPIENT="CPS North West",
    )
    assert response.status_code == 200
    entry = views_of(person)[-1]
    assert (entry.purpose, entry.recipient) == ("case DR-2026-000019", "CPS North West")


@pytest.mark.parametrize(
    "headers, field",
    [
        ({"HTTP_X_DRACHMA_PURPOSE": "x" * 201}, "X-Drachma-Purpose"),
        ({"HTTP_X_DRACHMA_PURPOSE": "   "}, "X-Drachma-Purpose"),
        ({"HTTP_X_DRACHMA_PURPOSE": "case\x01"}, "X-Drachma-Purpose"),
        ({"HTTP_X_DRACHMA_RECIPIENT": "CPS"}, "X-Drachma-Purpose"),
        (
            {"HTTP_X_DRACHMA_PURPOSE": "case", "HTTP_X_DRACHMA_RECIPIENT": "y" * 201},
            "X-Drachma-Recipient",
        ),
    ],
)
def test_a_purpose_header_that_cannot_be_recorded_is_refused(client_as, person, headers, field):
    client = client_as("investigator")
    response = client.get(f"/api/people/people/{person.pk}", **headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert views_of(person) == []
