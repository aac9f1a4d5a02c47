"""Faults schemathesis and the probe of issue 12 found, each answered with a named refusal
instead of a 500."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from drachma.accounts.models import APIToken
from drachma.intake.files import FileRefused, check_file
from drachma.takedown import services as takedown
from drachma.takedown.models import ContentItem, PublicationRecord
from tests.conftest import sign_in
from tests.factories import make_incident
from tests.intake.conftest import upload

pytestmark = pytest.mark.django_db


def token_client(user) -> Client:
    _row, key = APIToken.issue(user, "test", second_factor=True)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}", raise_request_exception=False)


@pytest.fixture
def incident(make_user):
    return make_incident(
        make_user("analyst"),
        occurred_at=timezone.now(),
        received_at=None,
        summary="x",
        place="Bolton",
    )


@pytest.mark.parametrize("field", ["url", "platform", "description", "takedown_reference"])
def test_patching_a_publication_with_null_names_the_field(make_user, incident, field):
    record = takedown.record_publication(
        incident=incident,
        user=make_user("investigator"),
        url="https://video.example/x",
        platform="youtube",
    )
    client = token_client(make_user("disclosure_officer"))
    response = client.patch(
        f"/api/takedown/publications/{record.pk}",
        json.dumps({field: None}),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == field
    assert PublicationRecord.objects.get().url == "https://video.example/x"


def test_footage_with_an_empty_incident_reference_has_no_incident(make_user):
    client = token_client(make_user("investigator"))
    body = {"url": "https://video.example/watch?v=1", "platform": "youtube", "incident": ""}
    response = client.post("/api/takedown/items", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    assert ContentItem.objects.get().incident is None


def test_an_administrator_asking_for_a_token_is_told_why_not(make_user):
    # Once a 500 (the service's ValidationError unhandled); now the reason beside the field.
    admin = make_user("administrator")
    client = sign_in(Client(raise_request_exception=False), admin)
    response = client.post("/accounts/account/", {"name": "   "})
    assert response.status_code == 200
    assert "Name the token" in response.content.decode() or "required" in response.content.decode()
    assert not APIToken.objects.exists()
    # With a name, from a session that passed the second factor, it is issued and expires.
    response = client.post("/accounts/account/", {"name": "script"})
    assert response.status_code == 200 and "Token issued" in response.content.decode()
    token = APIToken.objects.get(user=admin)
    assert token.second_factor and token.expires_at is not None


def test_a_json_file_nested_beyond_the_parser_is_refused_by_name():
    deep = b"[" * 200_000 + b"]" * 200_000
    with pytest.raises(FileRefused, match=r"result\.json: its JSON is nested too deeply"):
        check_file(upload("result.json", deep, "application/json"))


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00"])
def test_an_intelligence_entry_learned_at_the_dawn_of_time_is_refused(make_user, when):
    client = token_client(make_user("analyst"))
    body = {
        "learned_at": when,
        "source_type": "open_source",
        "source_evaluation": "1",
        "intelligence_assessment": "A",
        "handling_code": "P",
        "text": "x",
    }
    response = client.post(
        "/api/intelligence/entries", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == "learned_at"
