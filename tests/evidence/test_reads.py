"""Reads of exhibits go through the selectors: the page and the API record the same view."""

from types import SimpleNamespace

import pytest

from drachma.audit.models import AuditEntry
from drachma.evidence.models import EvidenceItem
from tests.evidence import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    world = SimpleNamespace(
        users={"investigator": make_user("investigator"), "analyst": make_user("analyst")}
    )
    world.keys = samples.build(world)
    return world


def _views() -> list[AuditEntry]:
    # The conversation page also asks "already known?" about the participants: an audited
    # check of its own (intake.known), not a second view of the exhibit.
    views = AuditEntry.objects.filter(action="view").exclude(model="intake.known")
    return list(views.order_by("seq"))


def _read(client, url: str) -> AuditEntry:
    before = len(_views())
    response = client.get(url)
    assert response.status_code == 200, url
    after = _views()
    assert len(after) == before + 1, f"{url} recorded {len(after) - before} views"
    return after[-1]


def _same(a: AuditEntry, b: AuditEntry) -> None:
    assert (a.model, a.object_id, a.changes.get("fields")) == (
        b.model,
        b.object_id,
        b.changes.get("fields"),
    )


@pytest.mark.parametrize(
    ("page", "api"),
    [
        ("/evidence/items/{exhibit_ref}/", "/api/evidence/items/{exhibit_ref}"),
        (
            "/evidence/items/{exhibit_ref}/conversation/",
            "/api/evidence/items/{exhibit_ref}/conversation",
        ),
        ("/evidence/items/{exhibit_ref}/continuity/", "/api/evidence/items/{exhibit_ref}/custody"),
        (
            "/evidence/incidents/{reference}/disclosure/",
            "/api/evidence/incidents/{reference}/disclosure",
        ),
    ],
)
def test_the_page_and_the_api_record_the_same_view(client_as, world, page, api):
    client = client_as("investigator")
    _same(_read(client, page.format(**world.keys)), _read(client, api.format(**world.keys)))


def test_the_list_records_the_rows_shown_by_page_and_api(client_as, world):
    client = client_as("investigator")
    shown = _read(client, "/evidence/")
    # The API recorded an empty list before; now both record the exhibit shown.
    served = _read(client, "/api/evidence/items")
    assert shown.model == served.model == "evidence.evidenceitem"
    item = EvidenceItem.objects.get(exhibit_ref=world.keys["exhibit_ref"])
    assert shown.changes["ids"] == served.changes["ids"] == [str(item.pk)]


def test_an_empty_list_records_nothing(client_as, world):
    client = client_as("investigator")
    before = len(_views())
    assert client.get("/api/evidence/items?incident=NOPE").status_code == 200
    assert len(_views()) == before
