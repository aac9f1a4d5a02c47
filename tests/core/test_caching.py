"""Pages and API answers for a signed-in user are never cached (ASVS 8.2.1)."""

import pytest
from django.test import Client
from django.urls import reverse

from drachma.accounts.models import APIToken

pytestmark = pytest.mark.django_db


def test_a_signed_in_page_and_api_answer_are_not_cached(client_as):
    client = client_as("investigator")
    assert client.get(reverse("people:list"))["Cache-Control"] == "private, no-store"
    assert client.get("/api/people/people")["Cache-Control"] == "private, no-store"


def test_an_api_answer_to_a_token_is_not_cached(make_user):
    _, key = APIToken.issue(make_user("analyst"), "script", second_factor=True)
    answer = Client().get("/api/incidents/incidents", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.status_code == 200 and answer["Cache-Control"] == "private, no-store"
