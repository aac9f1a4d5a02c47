import os

import pytest
from django.test import Client

from tests.conftest import sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_statistics_page_shows_map_and_charts(live_server, page, small_fixture, make_user):
    # The first use of the spatial statistics libraries imports them (seconds on a busy
    # machine); do it before the browser waits on the page.
    from drachma.statistics import reports
    from drachma.statistics.selectors import Period

    reports.overview_context(Period.of("2017-01-01", "2018-12-31"), None)
    client = sign_in(Client(), make_user("analyst"))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/statistics/")
    page.get_by_label("From", exact=True).fill("2017-01-01")
    page.get_by_label("To", exact=True).fill("2018-12-31")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/statistics/?**")
    borough_map = page.locator("#borough-map svg")
    assert borough_map.is_visible()
    assert borough_map.locator("path").count() >= 10  # ten boroughs drawn
    assert "Rochdale" in borough_map.inner_html()
    series = page.locator("#time-series svg")
    assert series.is_visible() and series.locator("rect").count() > 0
    assert page.locator("#chart-source svg").is_visible()
    if os.environ.get("DRACHMA_SCREENSHOTS"):  # refreshes the picture in docs/ on request only
        page.screenshot(path="docs/screenshots/statistics-page.png", full_page=False)
