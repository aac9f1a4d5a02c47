""" "Already known?": identifiers checked against people, groups' accounts, incidents and
reports (exact, and fuzzy with a score), the answer shaped by what the viewer's role may see,
the national systems asked through the configured backend, every check audited."""

import datetime

import pytest

from drachma.audit.models import AuditEntry
from drachma.groups.services import save_group
from drachma.incidents.services import add_person
from drachma.intake import known
from drachma.intake.known import Query
from drachma.people.services import add_identifier, create_person
from tests.factories import field_of, make_incident, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def alan(db, analyst):
    person = create_person(
        given_names="Alan",
        family_name="Hartley",
        date_of_birth=datetime.date(1979, 4, 2),
        flag_learning_disability=True,
    )
    add_identifier(person, kind="phone", value="0161 496 0123", source="Report R-1")
    add_identifier(person, kind="handle", value="@dave_k99", platform="tiktok", source="Stream")
    incident = make_incident(analyst)
    add_person(incident, person=person, role="subject")
    return person, incident


def checks() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(model="intake.known"))


def test_an_exact_match_describes_the_person_to_a_role_that_may_see_people(
    alan, safeguarding_officer
):
    person, incident = alan
    [answer] = known.check(safeguarding_officer, [Query("phone", "+44 161 496 0123")], via="test")
    assert answer.normalized == "+441614960123" and answer.known and not answer.hidden
    [hit] = answer.hits
    assert hit.record == person and hit.exact and hit.shown
    assert hit.facts.incidents == [f"{incident.reference} (subject (person confronted))"]
    assert hit.facts.vulnerabilities == ["Learning disability"]
    [entry] = checks()
    assert entry.changes["checked"] == [{"kind": "phone", "value": "+441614960123", "error": ""}]
    assert entry.changes["found"][0]["shown"] is True
    assert AuditEntry.objects.filter(
        model="people.person", object_id=str(person.pk), action="view"
    ).exists()


def test_a_role_that_may_not_see_people_is_told_only_that_it_is_known_and_whom_to_ask(
    alan, analyst, supervisor
):
    [answer] = known.check(analyst, [Query("phone", "01614960123")], via="test")
    assert answer.known and answer.hidden == 1
    assert all(not h.shown and h.facts is None for h in answer.hits)
    assert supervisor.get_full_name() in answer.ask
    # Nothing of the person was shown, so no view of them is recorded; the check is.
    person, _ = alan
    assert not AuditEntry.objects.filter(
        model="people.person", object_id=str(person.pk), action="view"
    ).exists()
    assert checks()[0].changes["found"][0]["shown"] is False


def test_a_close_handle_matches_fuzzily_with_its_score(alan, investigator):
    [answer] = known.check(investigator, [Query("handle", "@dave_k98", "tiktok")], via="test")
    [hit] = answer.hits
    assert not hit.exact and 85 <= hit.score < 100
    assert "similar to dave_k99" in hit.reason


def test_a_groups_account_and_a_national_record_are_found(investigator):
    group = save_group(
        name="Decoy Watch",
        status="active",
        accounts=[{"platform": "tiktok", "handle": "@Decoy_Hunter_99"}],
    )
    [answer] = known.check(
        investigator, [Query("url", "https://www.tiktok.com/@decoy_hunter_99")], via="test"
    )
    accounts = [h for h in answer.hits if h.what == "account"]
    assert accounts and accounts[0].record.group == group
    assert [e.reference for e in answer.external] == ["NICHE-77812"]


def test_a_name_with_its_date_of_birth_finds_the_person(alan, investigator):
    person, _ = alan
    [answer] = known.check(
        investigator,
        [Query("name", "Alan Hartly", date_of_birth=datetime.date(1979, 4, 2))],
        via="test",
    )
    assert person in [h.record for h in answer.hits]


def test_nothing_known_is_said_so(investigator):
    [answer] = known.check(investigator, [Query("email", "nobody@example.org")], via="test")
    assert not answer.known and answer.hits == [] and answer.external == []


def test_an_identifier_that_does_not_normalise_is_refused_before_anything_is_looked_up(
    client_as,
):
    client = client_as("investigator")
    response = send(
        client,
        "POST",
        "/api/intake/known",
        {"identifiers": [{"kind": "email", "value": "a@b.com"}, {"kind": "phone", "value": "12"}]},
    )
    assert response.status_code == 422 and field_of(response) == ["identifiers.1.value"]
    assert (
        "not a phone number" in response.json()["errors"][0]["message"]
        or "valid phone" in response.json()["errors"][0]["message"]
    )
    assert checks() == []


def test_the_api_answers_by_role(client_as, alan):
    payload = {"identifiers": [{"kind": "phone", "value": "0161 496 0123"}], "where": "PND check"}
    seen = send(client_as("safeguarding_officer"), "POST", "/api/intake/known", payload).json()
    assert seen[0]["hits"][0]["person"]["vulnerabilities"] == ["Learning disability"]
    told = send(client_as("analyst"), "POST", "/api/intake/known", payload).json()
    assert told[0]["known"] and told[0]["hits"] == [] and told[0]["hidden"] == 1
    assert "Hartley" not in str(told)
    assert client_as("auditor").post("/api/intake/known").status_code == 403


def test_the_check_page_and_the_incident_page_show_answers(client_as, alan):
    person, incident = alan
    client = client_as("investigator")
    page = client.post(
        "/intake/known/", {"identifiers": "phone: 0161 496 0123\nname: Alan Hartley, 02/04/1979"}
    )
    assert page.status_code == 200 and b"Learning disability" in page.content
    bad = client.post("/intake/known/", {"identifiers": "fax: 0161"})
    assert bad.status_code == 400 and b"Line 1" in bad.content
    streamed = make_incident(
        alan[1].created_by,
        kind="live_streamed",
        live_streamed=True,
        stream_platform="tiktok",
        stream_url="https://www.tiktok.com/@Dave_K99/live",
    )
    shown = client.get(f"/incidents/{streamed.reference}/")
    assert b"Already known?" in shown.content and b"Alan Hartley" in shown.content
