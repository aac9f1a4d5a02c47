"""The API and the pages refuse bad input naming the problem, with nothing written."""

import pytest
from django.urls import reverse
from django.utils import timezone

from drachma.rights.models import RightsRequest, RightsState
from tests.conftest import sign_in
from tests.rights.conftest import register

pytestmark = pytest.mark.django_db


def test_the_api_registers_searches_and_decides(client, handler, world):
    sign_in(client, handler)
    payload = {
        "right": "access",
        "received_on": timezone.localdate().isoformat(),
        "requester_name": "Jo Bloggs",
        "identity_check": "photo_id",
    }
    refused = client.post("/api/rights/requests", payload, content_type="application/json")
    assert refused.status_code == 422 and "A name alone" in refused.content.decode()
    assert not RightsRequest.objects.exists()
    payload["requester_date_of_birth"] = "1985-04-02"
    created = client.post("/api/rights/requests", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    reference = created.json()["reference"]
    searched = client.post(f"/api/rights/requests/{reference}/search")
    assert searched.status_code == 200
    items = searched.json()["items"]
    assert any(i["kind"] == "Incident" and "[redacted]" in i["data"]["summary"] for i in items)
    # Deciding before the search is finished is refused.
    decision = client.post(
        f"/api/rights/requests/{reference}/items/{items[0]['id']}/decision",
        {"decision": "disclose"},
        content_type="application/json",
    )
    assert decision.status_code == 422 and "search is finished" in decision.content.decode()


def test_the_api_refuses_a_search_that_finds_nobody(client, handler, world):
    sign_in(client, handler)
    request = register(handler, received_on=timezone.localdate(), requester_name="Nobody Known")
    response = client.post(f"/api/rights/requests/{request.reference}/search")
    assert response.status_code == 422 and "No record in Drachma matches" in (
        response.content.decode()
    )
    request.refresh_from_db()
    assert request.state == RightsState.REGISTERED and not request.items.exists()


def test_the_extension_page_refuses_no_reason(client, handler):
    sign_in(client, handler)
    request = register(handler, received_on=timezone.localdate())
    url = reverse("rights:extend", args=[request.reference])
    assert client.get(url).status_code == 200
    response = client.post(url, {"ground": "complexity", "reason": ""})
    assert response.status_code == 400
    assert "Give the reason for the delay" in response.content.decode()
    request.refresh_from_db()
    assert request.extended_to is None


def test_the_search_button_says_when_nobody_is_found(client, handler, world):
    sign_in(client, handler)
    request = register(handler, received_on=timezone.localdate(), requester_name="Nobody Known")
    response = client.post(reverse("rights:search", args=[request.reference]), follow=True)
    assert "No record in Drachma matches Nobody Known" in response.content.decode()


def test_other_roles_cannot_see_the_register(client, make_user, handler):
    request = register(handler, received_on=timezone.localdate())
    sign_in(client, make_user("investigator"))
    assert client.get(reverse("rights:list")).status_code == 403
    assert client.get(reverse("rights:detail", args=[request.reference])).status_code == 404
