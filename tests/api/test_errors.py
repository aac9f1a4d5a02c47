"""Errors at every door: text no field may hold, JSON too deep, page numbers past the
database's range, unexpected exceptions and the database unavailable (drachma.core.errors)."""

import json
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from drachma.groups.models import Group
from drachma.intake.models import Report
from tests.intake.test_report_page import post as post_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(make_user, settings):
    """A client of the API holding an analyst's bearer token."""
    from drachma.accounts.models import APIToken

    _row, key = APIToken.issue(make_user("analyst"), "test", second_factor=True)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}", raise_request_exception=False)


def only_error(response) -> dict:
    body = response.json()
    assert len(body["errors"]) == 1, body
    return body["errors"][0]


def test_a_nul_in_an_api_filter_is_refused_naming_it(api):
    response = api.get("/api/groups/groups", {"q": "a\x00b"})
    assert response.status_code == 422
    assert only_error(response)["field"] == "q"
    assert "NUL" in only_error(response)["message"]


def test_a_nul_in_a_json_body_is_refused_naming_the_field_and_nothing_is_saved(api):
    body = {"name": "Group", "aliases": ["fine", "bad\x00"], "mopi_group": 2}
    response = api.post("/api/groups/groups", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert only_error(response)["field"] == "aliases.1"
    assert not Group.objects.exists()


def test_a_json_body_nested_beyond_reason_is_refused(api):
    deep = "[" * 100_000 + "]" * 100_000
    response = api.post("/api/groups/groups", deep, content_type="application/json")
    assert response.status_code == 422
    assert "nested" in only_error(response)["message"]


def test_a_nul_in_a_page_filter_is_refused_naming_it(client_as):
    client = client_as("analyst")
    response = client.get("/groups/", {"q": "x\x00"})
    assert response.status_code == 400
    assert b"<strong>q</strong>" in response.content


def test_a_nul_in_a_posted_form_is_refused_naming_it(client):
    from urllib.parse import urlencode

    from tests.intake.test_report_page import URL, form_data

    # Sent as a plain form: refused at the door.
    body = urlencode(form_data(text="Help\x00"))
    response = client.post(URL, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert b"<strong>text</strong>" in response.content
    # Sent as multipart (files are data, left to their readers): the form refuses the field.
    response = post_report(client, text="Help\x00")
    assert response.status_code == 400
    assert b"Null characters are not allowed" in response.content
    assert not Report.objects.exists()


@pytest.mark.parametrize("page", [2**31, 2**63, 10**30])
def test_a_page_beyond_the_database_range_is_refused(api, page):
    response = api.get("/api/groups/groups", {"page": page})
    assert response.status_code == 422
    assert only_error(response)["field"] == "page"


def test_an_unexpected_api_failure_answers_json_with_the_request_id(api):
    with mock.patch("drachma.groups.api.selectors.groups_with_activity", side_effect=KeyError):
        response = api.get("/api/groups/groups")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["errors"][0]["field"] == "__all__"
    assert len(body["request_id"]) == 36


def _database_down():
    return mock.patch.object(
        BaseDatabaseWrapper, "cursor", side_effect=OperationalError("connection refused")
    )


def test_the_api_with_the_database_unavailable_answers_json_503_with_retry_after(api):
    with _database_down():
        response = api.get("/api/groups/groups")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert int(response["Retry-After"]) > 0
    assert "unavailable" in only_error(response)["message"]


def test_the_public_page_with_the_database_unavailable_says_the_report_was_not_received():
    client = Client(raise_request_exception=False)
    with _database_down():
        response = post_report(client)
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    text = response.content.decode()
    assert "your report was not received" in text
    assert "999" in text and "101" in text


class Explode:
    """A middleware failing outside any view (handler500's case)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise RuntimeError("boom")


def test_a_failure_outside_the_views_answers_api_clients_json_and_pages_a_page(settings, api):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.api.test_errors.Explode"]
    response = api.get("/api/groups/groups")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert len(response.json()["request_id"]) == 36
    response = Client(raise_request_exception=False).get("/intake/report/")
    assert response.status_code == 500
    assert "If you were making a report, it was not received" in response.content.decode()
