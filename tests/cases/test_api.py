"""The cases API: reads audited, writes through the services, refusals naming the field."""

import pytest

from drachma.cases.models import Case, ChargeResult
from tests.conftest import sign_in
from tests.factories import charged_defendant, days_ago, field_of, make_case, make_incident, send

pytestmark = pytest.mark.django_db


def test_create_read_and_refuse(client, investigator, make_user):
    disclosure = make_user("disclosure_officer")
    incident = make_incident(investigator)
    sign_in(client, investigator)
    payload = {
        "urn": "06AB123",
        "officer_in_case": investigator.username,
        "disclosure_officer": disclosure.username,
        "prosecutor_name": "A. Lawyer",
        "prosecutor_contact": "a@cps.example",
        "incidents": [incident.reference],
    }
    response = send(client, "POST", "/api/cases/cases", payload)
    assert response.status_code == 422 and field_of(response) == ["urn"]
    response = send(client, "POST", "/api/cases/cases", {**payload, "incidents": ["IN-0"]})
    assert response.status_code == 422 and field_of(response) == ["incidents"]
    assert not Case.objects.exists()
    response = send(client, "POST", "/api/cases/cases", {**payload, "urn": "06AB1234526"})
    assert response.status_code == 201
    body = response.json()
    assert body["stage"] == "awaiting_charge" and body["incidents"] == [incident.reference]
    assert client.get("/api/cases/cases").json()["count"] == 1


def test_a_result_for_another_case_charge_is_refused(client, investigator, make_user):
    disclosure = make_user("disclosure_officer")
    case = make_case(investigator, disclosure)
    other = make_case(investigator, disclosure, urn="06AB5432126")
    defendant, charge = charged_defendant(case, investigator)
    _, foreign = charged_defendant(other, investigator)
    sign_in(client, investigator)
    url = f"/api/cases/cases/{case.urn}/results"
    response = send(
        client,
        "POST",
        url,
        {"charge_id": foreign.pk, "result": "convicted", "decided_on": days_ago(1).isoformat()},
    )
    assert response.status_code == 422 and field_of(response) == ["charge"]
    response = send(
        client,
        "POST",
        url,
        {"charge_id": charge.pk, "result": "convicted", "decided_on": days_ago(1).isoformat()},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["stage"] == "convicted"
    assert body["defendants"][0]["proceedings"]["active"] is True  # until sentence
    assert ChargeResult.objects.count() == 1


def test_an_analyst_gets_figures_only(client, analyst, investigator, make_user):
    case = make_case(investigator, make_user("disclosure_officer"))
    sign_in(client, analyst)
    assert client.get("/api/cases/cases").status_code == 403
    assert client.get(f"/api/cases/cases/{case.urn}").status_code == 404
    body = client.get("/api/cases/figures").json()
    assert body["stages"]["total"]["suppressed"] is True
