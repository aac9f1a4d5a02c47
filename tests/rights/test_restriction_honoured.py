"""Where a restriction of processing is honoured: the person's page and list, the people API
and the prosecutor's bundle (docs/rights.md)."""

import pytest
from django.urls import reverse

from drachma.core import restrictions
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted(world, handler):
    restrictions.restrict(
        world["jo"],
        reason="Accuracy contested by the subject.",
        user=handler,
        request_reference="RR-2026-000001",
    )
    return world["jo"]


def test_the_person_page_shows_the_banner_and_hides_the_details(client, make_user, restricted):
    sign_in(client, make_user("investigator"))
    page = client.get(reverse("people:detail", args=[restricted.pk])).content.decode()
    assert 'data-testid="restricted-banner"' in page
    assert "held but must not be used" in page and "RR-2026-000001" in page
    assert "1 High Street" not in page
    assert '<h2 class="govuk-heading-m">Incidents</h2>' not in page
    assert "Accuracy contested" not in page


def test_the_rights_handler_still_sees_the_details(client, handler, restricted):
    sign_in(client, handler)
    page = client.get(reverse("people:detail", args=[restricted.pk])).content.decode()
    assert 'data-testid="restricted-banner"' in page and "1 High Street" in page
    assert "Accuracy contested by the subject." in page


def test_the_list_marks_the_restricted_person(client, make_user, restricted):
    sign_in(client, make_user("investigator"))
    page = client.get(reverse("people:list")).content.decode()
    assert "Restricted" in page


def test_the_api_leaves_the_restricted_person_out(client, make_user, restricted, world):
    sign_in(client, make_user("investigator"))
    listed = client.get("/api/people/people").json()
    names = {p["full_name"] for p in listed["items"]}
    assert "Jo Bloggs" not in names and "Kim Hunter" in names
    one = client.get(f"/api/people/people/{restricted.pk}")
    assert one.status_code == 409 and "restricted" in one.content.decode()
    other = client.get(f"/api/people/people/{world['member'].pk}")
    assert other.status_code == 200


def test_the_edit_page_refuses_a_restricted_person(client, make_user, restricted):
    sign_in(client, make_user("investigator"))
    response = client.get(reverse("people:edit", args=[restricted.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[restricted.pk])
    posted = client.post(
        reverse("people:edit", args=[restricted.pk]),
        {"given_names": "Changed", "family_name": "Bloggs"},
    )
    assert posted.status_code == 302
    restricted.refresh_from_db()
    assert restricted.given_names == "Jo"
