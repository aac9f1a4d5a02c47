"""axe-core over the intelligence pages, for each role that sees them, at 1280 and 390 pixels."""

import datetime

import pytest
from django.utils import timezone

from drachma.intelligence import services
from tests.browser.axe import PHONE, describe, no_sideways_scroll, screenshot, sign_in_page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ["analyst", "investigator", "supervisor"])
@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}])
def test_the_intelligence_pages_have_no_axe_violations(
    page, live_server, make_user, axe, role, viewport
):
    entry = services.create_entry(
        user=make_user("investigator"),
        group=None,
        learned_at=timezone.now() - datetime.timedelta(days=1),
        source_type="open_source",
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code="P",
        text="A group plans a confrontation at the station on Friday.",
        sanitised_text="A confrontation is planned.",
    )
    sign_in_page(page, live_server, make_user(role))
    page.set_viewport_size(viewport)
    page.set_default_timeout(60_000)  # a loaded machine serves the first page slowly
    for url in (
        "/intelligence/entries/",
        "/intelligence/entries/?status=requires_assessment&sort=-review",
        f"/intelligence/entries/{entry.pk}/",
        f"/intelligence/entries/{entry.pk}/edit/",
        "/intelligence/entries/new/",
    ):
        page.goto(f"{live_server.url}{url}")
        page.wait_for_selector("body[data-drachma-ready]")
        violations = axe(page)
        assert violations == [], f"{url} as {role}: " + describe(violations)
        assert no_sideways_scroll(page), f"{url} as {role} scrolls sideways"
    if role == "analyst" and viewport == PHONE:
        page.goto(f"{live_server.url}/intelligence/entries/")
        screenshot(page, "intelligence-list")
        page.goto(f"{live_server.url}/intelligence/entries/{entry.pk}/")
        screenshot(page, "intelligence-entry")
