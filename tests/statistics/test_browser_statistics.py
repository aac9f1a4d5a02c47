import pytest

from tests.browser.axe import PHONE, describe, no_sideways_scroll, screenshot, sign_in_page

PERIOD = "start=2017-01-01&end=2018-12-31"


def _warm_up():
    # The first use of the spatial statistics libraries imports them (seconds on a busy
    # machine); do it before the browser waits on the page.
    from drachma.statistics import reports
    from drachma.statistics.selectors import Period

    reports.overview_context(Period.of("2017-01-01", "2018-12-31"), None)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_statistics_page_shows_map_and_charts(live_server, page, small_fixture, make_user, axe):
    _warm_up()
    sign_in_page(page, live_server, make_user("analyst"))
    page.goto(f"{live_server.url}/statistics/")
    page.get_by_label("From", exact=True).fill("2017-01-01")
    page.get_by_label("To", exact=True).fill("2018-12-31")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/statistics/?**")
    borough_map = page.locator("#borough-map svg")
    assert borough_map.is_visible()
    assert borough_map.locator("path").count() >= 10  # ten boroughs drawn
    assert "Rochdale" in borough_map.inner_html()
    series = page.locator("#time-series svg")
    assert series.is_visible() and series.locator("rect").count() > 0
    assert page.locator("#chart-source svg").is_visible()
    # The chosen period is a filter tag in words, and the areas read "any".
    assert page.get_by_role("link", name="Remove this filter 1 January 2017").is_visible()
    assert "None ticked: any area." in page.content()
    violations = axe(page)
    assert violations == [], describe(violations)
    screenshot(page, "statistics-page")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "path",
    [f"/statistics/?{PERIOD}", f"/statistics/foi/?{PERIOD}&by=area", "/statistics/board-report/"],
)
def test_statistics_pages_on_a_phone(live_server, page, small_fixture, make_user, axe, path):
    _warm_up()
    sign_in_page(page, live_server, make_user("supervisor"))
    page.set_viewport_size(PHONE)
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == 200
    assert page.locator("h1").is_visible()
    violations = axe(page)
    assert violations == [], describe(violations)
    assert no_sideways_scroll(page), path
