"""In Chromium: the takedown and evidence pages (footage, match review, exhibits, disclosure,
the schedules to review) have no WCAG 2.2 AA violation and do not scroll sideways, at 1280
pixels and on a 390-pixel phone, for the roles that see them.

Set DRACHMA_SCREENSHOTS=1 (make screenshots) to save the pages to docs/screenshots/."""

from types import SimpleNamespace

import pytest

from tests.browser.axe import DESKTOP, PHONE, describe, no_sideways_scroll, screenshot, sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("investigator", "/takedown/", "footage-list"),
    ("investigator", "/takedown/{item_ref}/", "footage"),
    ("investigator", "/takedown/matches/{match_id}/", "match-review"),
    ("investigator", "/takedown/queue/", "takedown-queue"),
    ("investigator", "/evidence/", "evidence-list"),
    ("investigator", "/evidence/items/{exhibit_ref}/", "exhibit"),
    ("investigator", "/evidence/items/{exhibit_ref}/conversation/", "conversation"),
    ("disclosure_officer", "/evidence/incidents/{reference}/disclosure/", "disclosure"),
    ("disclosure_officer", "/evidence/disclosure/to-review/", "schedules-to-review"),
]


@pytest.fixture
def keys(make_user):
    from tests.evidence import samples as evidence_samples
    from tests.incidents import samples as incident_samples
    from tests.takedown import samples as takedown_samples

    world = SimpleNamespace(users={role: make_user(role) for role in ("analyst", "investigator")})
    keys = {**incident_samples.build(world), **takedown_samples.build(world)}
    keys.update(evidence_samples.build(world))
    return keys


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
@pytest.mark.parametrize("role,path,name", PAGES)
def test_takedown_and_evidence_pages(
    page, live_server, make_user, axe, keys, viewport, role, path, name
):
    sign_in_page(page, live_server, make_user(role, username=f"{role}_axe"))
    page.set_viewport_size(viewport)
    response = page.goto(f"{live_server.url}{path.format(**keys)}")
    assert response.status == 200
    page.wait_for_selector("body[data-drachma-ready]")
    violations = axe(page)
    assert violations == [], describe(violations)
    assert no_sideways_scroll(page)
    screenshot(page, name, widths=(viewport["width"],))
