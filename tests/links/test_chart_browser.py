"""In Chromium: a supervisor opens a group's link chart from the group's page, expands an
entity, finds a connection, and exports the chart (i2 Analyst's Notebook and PNG); the page
passes axe (WCAG 2.2 AA) at 1280 and 390 pixels."""

import pytest

from tests.browser.axe import describe, screenshot, sign_in_page
from tests.links import network
from tests.links.anx_structure import problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_supervisor_opens_a_groups_chart_expands_an_entity_and_exports_it(
    page, live_server, make_user, axe
):
    # The chart page makes several requests (the page, the chart's JSON, an expansion, a path,
    # an export) to a live server answering one at a time: on a busy machine each may be slow.
    page.set_default_timeout(60_000)
    supervisor = make_user("supervisor")
    net = network.build(supervisor)
    sign_in_page(page, live_server, supervisor)

    page.goto(f"{live_server.url}/groups/{net.a.pk}/")
    page.get_by_role("link", name="Open the link chart of Alpha Hunters").click()
    page.wait_for_selector("body[data-drachma-ready]")
    chart = page.locator("#link-chart[data-links-ready]")
    chart.wait_for()
    drawn = int(chart.get_attribute("data-links-ready") or 0)
    assert drawn >= 8
    assert page.locator("#link-chart canvas").count() >= 1

    # Expand the other group (two links out, through the shared member): its own account,
    # three links out, joins the chart.
    page.get_by_role("button", name="Expand Beta Watch").click()
    page.locator("#link-chart[data-expanded='1']").wait_for()
    assert int(chart.get_attribute("data-links-ready") or 0) > drawn
    assert "Expanded Beta Watch" in page.locator("#chart-selected").inner_text()

    # The shortest connection to the other group, drawn and told.
    page.get_by_label("Shortest connection to").fill(f"group:{net.b.pk}")
    page.get_by_role("button", name="Find the connection").click()
    page.get_by_text("Connected in 2 links").wait_for()

    # Another layout redraws the same chart.
    page.get_by_label("Layout").select_option("concentric")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="i2 Analyst's Notebook (ANX)").click()
    download = download_info.value
    assert download.suggested_filename == f"link-chart-group-{net.a.pk}.anx"
    with open(download.path(), "rb") as f:
        assert problems(f.read()) == []

    with page.expect_download() as png_info:
        page.get_by_role("button", name="Download as PNG").click()
    with open(png_info.value.path(), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"

    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        violations = axe(page)
        assert not violations, describe(violations)
    screenshot(page, "link-chart")
