"""In a real browser, keyboard only: a member of the public sends a report of a planned
confrontation with a phone number that cannot be read, and keeps the receipt (issue 11). Then
axe-core over the public page (on a phone) and the intake pages for the roles that see them."""

import pytest

from drachma.intake import services
from drachma.intake.models import Report
from tests.browser.axe import PHONE, describe, no_sideways_scroll, screenshot, sign_in_page


def _focused(page) -> dict:
    return page.evaluate(
        "(() => { const e = document.activeElement;"
        " return {id: e.id, text: (e.innerText || '').trim(), tag: e.tagName}; })()"
    )


def tab_to(page, *, id: str = "", text: str = "", limit: int = 120) -> None:
    """Press Tab until the element with ``id`` (or whose text is ``text``) has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if (id and focused["id"] == id) or (text and focused["text"] == text):
            return
    raise AssertionError(f"Tab never reached {id or text!r}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_public_report_by_keyboard_alone(page, live_server, axe):
    page.set_viewport_size(PHONE)
    page.set_default_timeout(60_000)  # a loaded machine serves the first page slowly
    page.goto(f"{live_server.url}/intake/report/")
    page.wait_for_selector("body[data-drachma-ready]")
    assert axe(page) == [], describe(axe(page))
    assert no_sideways_scroll(page)
    screenshot(page, "public-report", widths=(390, 1280))

    # The first Tab reaches the skip link.
    page.keyboard.press("Tab")
    assert _focused(page)["text"].startswith("Skip to main content")

    tab_to(page, id="id_reporter_type_0")  # "A member of the public"
    page.keyboard.press("Space")
    tab_to(page, id="id_concern_0")
    # Arrow keys move within a group of radios: down to "A confrontation that is planned".
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert _focused(page)["id"] == "id_concern_2"
    tab_to(page, id="id_text")
    page.keyboard.type("A group says on Facebook they will go to his house on Saturday.")
    tab_to(page, id="id_planned_at")
    page.keyboard.type("14122030")  # day, month, year in an en-GB datetime-local input
    page.keyboard.press("Tab")
    page.keyboard.type("1830")
    tab_to(page, id="id_place")
    page.keyboard.type("Bury")
    tab_to(page, id="id_reporter_phone")
    page.keyboard.type("my mobile, ask for Sam")
    tab_to(page, text="Send the report")
    page.keyboard.press("Enter")

    page.get_by_role("heading", name="Your report has been received").wait_for()
    report = Report.objects.get()
    assert report.concern == "confrontation_planned" and report.urgent
    assert report.reporter_phone == "my mobile, ask for Sam"  # kept as written
    assert [f["field"] for f in report.unreadable] == ["reporter_phone"]
    assert report.planned_at is not None
    # Typed into Chromium's date-and-time segments; the year is what the test can rely on.
    assert report.planned_at.year == 2030
    assert report.reference in page.locator(".govuk-panel").inner_text()
    # The receipt's buttons are reached by keyboard too.
    tab_to(page, text="Print the receipt")
    tab_to(page, text="Download the receipt")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    saved = download.value
    assert saved.suggested_filename == f"receipt-{report.reference}.txt"
    with open(saved.path(), encoding="utf-8") as text:
        assert report.reference in text.read()
    assert axe(page) == [], describe(axe(page))
    assert no_sideways_scroll(page)
    screenshot(page, "public-receipt", widths=(390, 1280))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ["safeguarding_officer", "investigator", "supervisor"])
@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}])
def test_the_intake_pages_have_no_axe_violations(page, live_server, make_user, axe, role, viewport):
    report = services.submit_report(
        reporter_type="group",
        concern="possible_offender",
        text="He arranged to meet a 13-year-old.",
        handles="TikTok: @someone\njohn smith",
        reporter_name="Northern Watch",
        reporter_phone="not a number",
    )
    user = make_user(role)
    sign_in_page(page, live_server, user)
    page.set_viewport_size(viewport)
    page.set_default_timeout(60_000)  # a loaded machine serves the first page slowly
    urls = [
        "/intake/reports/",
        f"/intake/reports/{report.reference}/",
        f"/intake/reports/{report.reference}/close/",
    ]
    if user.has_perm("intake.view_referral"):
        ref = report.referral.reference
        urls += [
            "/intake/referrals/",
            f"/intake/referrals/{ref}/",
            f"/intake/referrals/{ref}/reject/",
        ]
    if user.has_perm("incidents.add_incident"):
        urls.append(f"/intake/reports/{report.reference}/incident/")
    for url in urls:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_selector("body[data-drachma-ready]")
        violations = axe(page)
        assert violations == [], f"{url} as {role}: " + describe(violations)
        assert no_sideways_scroll(page), f"{url} as {role} scrolls sideways"
    if role == "investigator" and viewport == PHONE:
        page.goto(f"{live_server.url}/intake/reports/")
        screenshot(page, "intake-queue")
        page.goto(f"{live_server.url}/intake/reports/{report.reference}/")
        screenshot(page, "intake-report")
