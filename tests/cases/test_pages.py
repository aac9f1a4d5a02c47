"""The cases' pages: the list, the case page, the forms, and the confirmation of results."""

import pytest

from drachma.cases.models import Case, ChargeResult, Defendant, Hearing
from drachma.incidents.services import add_person
from drachma.people.services import create_person
from tests.conftest import sign_in
from tests.factories import ago, charged_defendant, days_ago, make_case, make_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def disclosure(disclosure_officer):
    return disclosure_officer


@pytest.fixture
def case(investigator, disclosure):
    return make_case(investigator, disclosure)


def test_the_list_counts_and_sorts(client, investigator, disclosure, case):
    make_case(investigator, disclosure, urn="06AB0000126")
    sign_in(client, investigator)
    page = client.get("/cases/?sort=urn").content.decode()
    assert "2 cases" in page
    assert page.index("06AB0000126") < page.index("06AB1234526")
    page = client.get("/cases/?sort=-urn").content.decode()
    assert page.index("06AB1234526") < page.index("06AB0000126")
    assert "Awaiting charge" in page


def test_an_analyst_sees_figures_not_cases(client, analyst, investigator, case):
    charged_defendant(case, investigator)
    sign_in(client, analyst)
    assert client.get("/cases/").status_code == 403
    assert client.get(f"/cases/{case.urn}/").status_code == 404
    page = client.get("/cases/figures/").content.decode()
    assert "Cases by stage" in page and "Subject" not in page
    assert "fewer than" in page.lower() or "*" in page  # one case: withheld


def test_recording_a_case_refuses_a_malformed_urn(client, investigator, disclosure):
    incident = make_incident(investigator)
    sign_in(client, investigator)
    data = {
        "urn": "06-AB-123",
        "officer_in_case": investigator.pk,
        "disclosure_officer": disclosure.pk,
        "prosecutor_name": "A. Lawyer",
        "prosecutor_contact": "a@cps.example",
        "incidents": [incident.pk],
    }
    response = client.post("/cases/new/", data)
    assert response.status_code == 200
    assert "is not a URN" in response.content.decode()
    assert not Case.objects.exists()
    data["urn"] = "06 ab 12345 26"
    response = client.post("/cases/new/", data)
    assert response.status_code == 302
    assert Case.objects.get().urn == "06AB1234526"


def test_the_case_page_from_defendant_to_result(client, investigator, case):
    person = create_person(given_names="Alex", family_name="Example")
    add_person(case.incidents.first(), person=person, role="subject")
    sign_in(client, investigator)
    url = f"/cases/{case.urn}/"
    response = client.post(
        f"{url}defendants/new/",
        {
            "person": person.pk,
            "arrested_at": ago(10).strftime("%Y-%m-%dT%H:%M"),
            "custody_status": "court_bail",
            "custody_since": ago(9).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert "Write the bail conditions" in response.content.decode()
    assert not Defendant.objects.exists()
    response = client.post(
        f"{url}defendants/new/",
        {
            "person": person.pk,
            "arrested_at": ago(10).strftime("%Y-%m-%dT%H:%M"),
            "custody_status": "court_bail",
            "custody_since": ago(9).strftime("%Y-%m-%dT%H:%M"),
            "bail_conditions": "Curfew",
        },
    )
    assert response.status_code == 302
    defendant = Defendant.objects.get()
    client.post(
        f"/cases/defendants/{defendant.pk}/charges/new/",
        {
            "wording": "Attempted meeting",
            "legislation": "SOA 2003 s.15",
            "charged_on": days_ago(9).isoformat(),
        },
    )
    charge = defendant.charges.get()
    response = client.post(
        f"{url}hearings/new/",
        {
            "defendant": defendant.pk,
            "court": "Bolton Crown Court",
            "at": ago(12).strftime("%Y-%m-%dT%H:%M"),
            "kind": "first_appearance",
        },
    )
    assert "A hearing cannot be before the charge" in response.content.decode()
    assert not Hearing.objects.exists()
    # A result: the first POST is the confirmation, nothing is written yet.
    data = {
        "charge": charge.pk,
        "result": "stayed",
        "decided_on": days_ago(1).isoformat(),
        "collapse_reason": "abuse_of_process",
    }
    response = client.post(f"{url}results/new/", data)
    page = response.content.decode()
    assert "Record stayed on 06AB1234526?" in page
    assert "counted as a collapse: abuse of process" in page
    assert not ChargeResult.objects.exists()
    response = client.post(f"{url}results/new/", {**data, "confirmed": "on"})
    assert response.status_code == 302
    assert ChargeResult.objects.get().result == "stayed"
    page = client.get(url).content.decode()
    assert "Collapsed" in page and "Abuse of process" in page
    assert "Exposure timeline" in page and "Charge" in page


def test_a_result_for_a_charge_not_offered_is_refused(client, investigator, disclosure, case):
    other = make_case(investigator, disclosure, urn="06AB5432126")
    _, foreign = charged_defendant(other, investigator)
    charged_defendant(case, investigator)
    sign_in(client, investigator)
    response = client.post(
        f"/cases/{case.urn}/results/new/",
        {
            "charge": foreign.pk,
            "result": "convicted",
            "decided_on": days_ago(1).isoformat(),
            "confirmed": "on",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ChargeResult.objects.exists()


def test_an_incident_outcome_from_the_framework(client, investigator):
    incident = make_incident(investigator, occurred_at=ago(30))
    sign_in(client, investigator)
    url = f"/cases/incidents/{incident.reference}/outcome/"
    page = client.get(url).content.decode()
    assert "Crime outcomes in England and Wales" in page
    assert "Outcome 1:" not in page and "Outcome 18:" in page
    response = client.post(url, {"outcome": "18", "decided_on": days_ago(1).isoformat()})
    assert response.status_code == 302
    assert incident.crime_outcome.outcome == "18"
