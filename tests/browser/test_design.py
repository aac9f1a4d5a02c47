"""In Chromium: the pages built on the design-system foundation have no WCAG 2.2 AA violation
(axe-core) and do not scroll sideways, at 1280 pixels and on a 390-pixel phone; autocompletes
find and narrow; the filter panel folds away on a phone.

Set DRACHMA_SCREENSHOTS=1 (make screenshots) to save the pages to docs/screenshots/."""

import pytest

from drachma.core.models import Notification
from drachma.groups.services import save_group
from tests.browser.axe import (
    DESKTOP,
    PHONE,
    describe,
    no_sideways_scroll,
    screenshot,
    sign_in_page,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def notified_analyst(make_user):
    user = make_user("analyst", username="priya_analyst")
    for i in range(12):
        Notification.objects.create(
            recipient=user,
            subject=f"Takedown request TR-2026-0000{i:02d} has had no answer for 14 days",
            body="The group has not answered. Consider reporting the footage to the platform.",
        )
    return user


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
@pytest.mark.parametrize("path,name", [("/", "dashboard"), ("/notifications/", "notifications")])
def test_core_pages_have_no_axe_violations_and_no_sideways_scroll(
    page, live_server, notified_analyst, axe, viewport, path, name
):
    sign_in_page(page, live_server, notified_analyst)
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector("body[data-drachma-ready]")  # drachma.js has run
    violations = axe(page)
    assert violations == [], describe(violations)
    assert no_sideways_scroll(page)
    screenshot(page, name, widths=(viewport["width"],))


@pytest.mark.urls("tests.browser.design_urls")
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_a_filtered_sorted_list(page, live_server, notified_analyst, axe, viewport):
    sign_in_page(page, live_server, notified_analyst)
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/design-test/messages/?sort=subject")
    page.wait_for_selector("body[data-drachma-ready]")
    assert page.get_by_role("status").filter(has_text="12 notifications").is_visible()
    violations = axe(page)
    assert violations == [], describe(violations)
    assert no_sideways_scroll(page)
    apply = page.get_by_role("button", name="Apply filters")
    if viewport is PHONE:
        # On a phone the panel is folded away behind a button.
        assert not apply.is_visible()
        page.get_by_role("button", name="Show filter").click()
    assert apply.is_visible()
    page.get_by_label("Subject").fill("TR-2026-000003")
    apply.click()
    page.wait_for_url("**subject=TR-2026-000003**")
    assert page.get_by_role("status").filter(has_text="1 notification").is_visible()
    # The order chosen before filtering is kept; the chosen filter is a tag that removes itself.
    assert "sort=subject" in page.url
    if viewport is PHONE:
        page.get_by_role("button", name="Show filter").click()
    page.get_by_role("link", name="Remove this filter TR-2026-000003").click()
    page.wait_for_selector("text=12 notifications")
    screenshot(page, "list-with-filters", widths=(viewport["width"],))


@pytest.mark.urls("tests.browser.design_urls")
def test_autocomplete_finds_and_narrows_wards_by_the_chosen_borough(
    page, live_server, notified_analyst, axe
):
    save_group(name="Roch Valley Hunters", status="active")
    save_group(name="Wigan Watchers", status="active")
    sign_in_page(page, live_server, notified_analyst)
    page.goto(f"{live_server.url}/design-test/place/")
    page.wait_for_selector("body[data-drachma-ready]")
    page.get_by_label("Borough").fill("Roch")
    page.get_by_role("option", name="Rochdale").click()
    page.get_by_label("Ward").fill("Central")
    options = page.get_by_role("option")
    options.first.wait_for()
    names = options.all_inner_texts()
    assert names and all(n.endswith("(Rochdale)") for n in names), names
    page.get_by_role("option", name="Central Rochdale (Rochdale)").click()
    # The input that replaced the select still names the field's hint.
    described = page.get_by_label("Ward").get_attribute("aria-describedby")
    assert "id_ward_helptext" in described.split()
    # Several groups: each chosen in turn, listed with a button that removes it.
    page.get_by_label("Groups").fill("Hunt")
    page.get_by_role("option", name="Roch Valley Hunters").click()
    page.get_by_label("Groups").fill("Wig")
    page.get_by_role("option", name="Wigan Watchers").click()
    page.get_by_role("button", name="Remove Wigan Watchers").click()
    violations = axe(page)
    assert violations == [], describe(violations)
    page.get_by_role("button", name="Save").click()
    chosen = page.locator("#chosen")
    chosen.wait_for()
    assert " ".join(chosen.inner_text().split()) == (
        "Rochdale / Central Rochdale (Rochdale) / Roch Valley Hunters;"
    )


@pytest.mark.urls("tests.browser.design_urls")
def test_a_borough_change_clears_a_ward_outside_it(page, live_server, notified_analyst):
    sign_in_page(page, live_server, notified_analyst)
    page.goto(f"{live_server.url}/design-test/place/")
    page.wait_for_selector("body[data-drachma-ready]")
    page.get_by_label("Borough").fill("Roch")
    page.get_by_role("option", name="Rochdale").click()
    page.get_by_label("Ward").fill("Central Roch")
    page.get_by_role("option", name="Central Rochdale (Rochdale)").click()
    page.get_by_label("Borough").fill("Wig")
    page.get_by_role("option", name="Wigan").click()
    assert page.get_by_label("Ward").input_value() == ""
    page.get_by_label("Ward").fill("Central")
    page.get_by_role("option").first.wait_for()
    assert all(n.endswith("(Wigan)") for n in page.get_by_role("option").all_inner_texts())


@pytest.mark.urls("tests.browser.design_urls")
def test_without_javascript_the_autocompletes_are_plain_selects(
    browser, live_server, notified_analyst
):
    save_group(name="Roch Valley Hunters", status="active")
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        sign_in_page(page, live_server, notified_analyst)
        page.goto(f"{live_server.url}/design-test/place/")
        assert page.locator("select#id_borough").is_visible()
        page.get_by_label("Borough").select_option(label="Rochdale")
        page.get_by_label("Ward").select_option(label="Central Rochdale (Rochdale)")
        page.get_by_label("Groups").select_option(label="Roch Valley Hunters")
        page.get_by_role("button", name="Save").click()
        assert " ".join(page.locator("#chosen").inner_text().split()) == (
            "Rochdale / Central Rochdale (Rochdale) / Roch Valley Hunters;"
        )
    finally:
        context.close()


@pytest.mark.urls("tests.browser.design_urls")
def test_a_printed_page_carries_the_marking_and_the_printer_and_no_buttons(
    page, live_server, notified_analyst
):
    sign_in_page(page, live_server, notified_analyst)
    page.goto(f"{live_server.url}/design-test/messages/")
    page.wait_for_selector("body[data-drachma-ready]")
    header = page.locator(".drachma-print-header")
    assert not header.is_visible()
    assert not page.get_by_text("Printed open.").is_visible()  # folded away on screen
    page.emulate_media(media="print")
    assert header.is_visible()
    assert "OFFICIAL-SENSITIVE" in header.inner_text()
    assert f"Printed by {notified_analyst.get_full_name()}" in header.inner_text()
    assert header.evaluate("e => getComputedStyle(e).position") == "fixed"  # every page
    for hidden in (
        ".govuk-service-navigation",
        ".moj-header__content",
        ".govuk-footer",
        ".govuk-pagination",
        ".moj-filter-layout__filter",
        "button",
    ):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.get_by_text("Printed open.").is_visible()


@pytest.mark.urls("tests.browser.design_urls")
def test_the_public_page_on_a_phone(page, live_server, axe):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/design-test/public/")
    page.wait_for_selector("body[data-drachma-ready]")
    violations = axe(page)
    assert violations == [], describe(violations)
    assert no_sideways_scroll(page)
    assert not page.locator(".govuk-service-navigation").count()
    # A refused report: the error summary, focused, links to each field.
    page.get_by_role("button", name="Send the report").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    violations = axe(page)
    assert violations == [], describe(violations)
    page.get_by_role("link", name="This field is required.").first.click()
    assert page.evaluate("document.activeElement.id") == "id_what"
    # A sent one: the confirmation panel.
    page.get_by_label("What happened").fill("A man was confronted outside a takeaway.")
    page.get_by_label("A confrontation").check()
    page.get_by_role("button", name="Send the report").click()
    page.get_by_role("heading", name="Report sent").wait_for()
    assert "RP-2026-000001" in page.locator(".govuk-panel").inner_text()
    violations = axe(page)
    assert violations == [], describe(violations)
    assert no_sideways_scroll(page)
    screenshot(page, "public-confirmation", widths=(390,))


@pytest.mark.urls("tests.browser.design_urls")
def test_a_refused_autocomplete_field_shows_its_error_and_is_reached_from_the_summary(
    page, live_server, notified_analyst, axe
):
    sign_in_page(page, live_server, notified_analyst)
    page.goto(f"{live_server.url}/design-test/place/?borough=&ward=")
    page.wait_for_selector("body[data-drachma-ready]")
    ward = page.get_by_label("Ward")
    assert "govuk-input--error" in ward.get_attribute("class")
    assert "id_ward_error" in ward.get_attribute("aria-describedby").split()
    violations = axe(page)
    assert violations == [], describe(violations)
    page.locator(".govuk-error-summary").get_by_role("link").nth(1).click()
    assert page.evaluate("document.activeElement.id") == "id_ward"
