"""The FOI request API: record, read, answer once, the on-time figure; bad input answered 422
naming the field, nothing saved."""

import datetime

import pytest
from django.utils import timezone

from drachma.statistics.models import FOIExemption, FOIRequest
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
BODY = {
    "received_on": "2026-03-02",
    "requester_reference": "REQ-API",
    "question": "How many reports in 2017?",
    "period_start": "2017-01-01",
    "period_end": "2017-12-31",
    "breakdowns": ["area", "kind"],
}


def errors(response) -> dict:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


@pytest.fixture
def api(client, analyst):
    sign_in(client, analyst)
    return client


def test_record_read_and_answer(api, small_fixture):
    response = api.post("/api/statistics/foi-requests", BODY, content_type="application/json")
    assert response.status_code == 201, response.content
    item = response.json()
    assert item["due_on"] == "2026-03-30" and item["status"] == "open"
    url = f"/api/statistics/foi-requests/{item['reference']}"
    assert api.get(url).json()["events"][0]["transition"] == "record"
    response = api.post(
        f"{url}/answer",
        {"judgement": "Rule applied.", "exemptions": {"s40": "Small wards."}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    answered = response.json()
    assert answered["status"] == "answered"
    assert answered["answer"]["headline"][0].startswith("From 1 January 2017")
    assert answered["judgement"]["note"] == "Rule applied."
    assert answered["exemptions"] == [
        {"section": "s40", "label": "Section 40: personal information", "reason": "Small wards."}
    ]
    listed = api.get("/api/statistics/foi-requests?status=answered").json()
    assert [r["reference"] for r in listed["items"]] == [item["reference"]]
    figures = api.get("/api/statistics/foi-requests/timeliness").json()
    assert figures["received"] == 1 and figures["answered"] == 1


def test_a_request_dated_in_the_future_is_422(api):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = api.post(
        "/api/statistics/foi-requests",
        {**BODY, "received_on": tomorrow},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "received in the future" in errors(response)["received_on"]
    assert not FOIRequest.objects.exists()


def test_an_exemption_without_a_reason_and_a_second_answer_are_422(api, small_fixture):
    reference = api.post(
        "/api/statistics/foi-requests", BODY, content_type="application/json"
    ).json()["reference"]
    url = f"/api/statistics/foi-requests/{reference}/answer"
    response = api.post(
        url, {"judgement": "Rule.", "exemptions": {"s31": ""}}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "applied without a reason" in errors(response)["exemptions"]
    assert FOIRequest.objects.get().status == "open"
    assert api.post(url, {"judgement": "Rule."}, content_type="application/json").status_code == 200
    again = api.post(url, {"judgement": "Again."}, content_type="application/json")
    assert again.status_code == 422 and "already answered" in errors(again)["status"]
    assert FOIRequest.objects.get().judgement["note"] == "Rule."
    assert not FOIExemption.objects.exists()


def test_an_unknown_request_is_404(api):
    assert api.get("/api/statistics/foi-requests/FOI-2026-999999").status_code == 404
