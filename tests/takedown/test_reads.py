"""Reads of footage go through the selectors: the page and the API record the same view."""

from types import SimpleNamespace

import pytest

from drachma.audit.models import AuditEntry
from drachma.takedown.models import ContentItem, TakedownRequest
from tests.incidents import samples as incident_samples
from tests.takedown import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    world = SimpleNamespace(
        users={"investigator": make_user("investigator"), "analyst": make_user("analyst")}
    )
    world.keys = {**incident_samples.build(world), **samples.build(world)}
    return world


def _views() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="view").order_by("seq"))


def _read(client, url: str) -> list[AuditEntry]:
    before = len(_views())
    response = client.get(url)
    assert response.status_code == 200, url
    return _views()[before:]


def test_footage_page_and_api_record_the_same_view(client_as, world):
    client = client_as("investigator")
    item = ContentItem.objects.get(reference=world.keys["item_ref"])
    (page,) = _read(client, f"/takedown/{item.reference}/")
    (api,) = _read(client, f"/api/takedown/items/{item.reference}")
    assert (
        (page.model, page.object_id)
        == (api.model, api.object_id)
        == (
            "takedown.contentitem",
            str(item.pk),
        )
    )


def test_the_footage_list_records_the_rows_shown_by_page_and_api(client_as, world):
    client = client_as("investigator")
    (page,) = _read(client, "/takedown/?platform=youtube")
    # The API recorded nothing before.
    (api,) = _read(client, "/api/takedown/items?platform=youtube")
    item = ContentItem.objects.get(reference=world.keys["item_ref"])
    assert page.changes["ids"] == api.changes["ids"] == [str(item.pk)]


def test_the_publication_log_page_and_api_record_the_same_view(client_as, world):
    client = client_as("investigator")
    reference = world.keys["reference"]
    (page,) = _read(client, f"/takedown/incidents/{reference}/publications/")
    (api,) = _read(client, f"/api/takedown/incidents/{reference}/publications")
    assert (page.model, page.object_id, page.changes) == (api.model, api.object_id, api.changes)
    assert page.changes["fields"] == ["publications"]


def test_the_queue_and_the_requests_api_record_the_requests_shown(client_as, world):
    client = client_as("investigator")
    entries = _read(client, "/takedown/queue/")
    draft = TakedownRequest.objects.get(state="draft")
    assert [e.changes["ids"] for e in entries] == [[str(draft.pk)]]  # nothing is overdue
    (api,) = _read(client, "/api/takedown/requests?state=draft")
    assert api.changes["ids"] == [str(draft.pk)]
    (one,) = _read(client, f"/api/takedown/requests/{world.keys['request_ref']}")
    assert one.model == "takedown.takedownrequest"
