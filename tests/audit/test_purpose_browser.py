"""The purpose of a task in the browser: set from the header on the page being read, carried
to the next pages, and the page that sets it accessible at 1280 and 390 pixels."""

import pytest

from drachma.people.services import create_person
from tests.browser.axe import DESKTOP, PHONE, describe, no_sideways_scroll, sign_in_page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_set_from_the_header_and_carried_through_the_task(page, live_server, make_user, axe):
    person = create_person(given_names="Alex", family_name="Example")
    sign_in_page(page, live_server, make_user("safeguarding_officer"))
    page.goto(f"{live_server.url}/people/{person.pk}/")

    page.get_by_role("link", name="Set the purpose of your task").click()
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        violations = axe(page)
        assert violations == [], describe(violations)
        assert no_sideways_scroll(page)
    page.set_viewport_size(DESKTOP)
    page.get_by_label("A safeguarding action").check()
    page.get_by_label("Which case, action or request?").fill("SA-2026-000004 home visit")
    page.get_by_role("button", name="Set the purpose").click()

    assert page.url.endswith(f"/people/{person.pk}/")
    header = page.get_by_test_id("task-purpose")
    assert header.inner_text() == "Purpose: safeguarding action SA-2026-000004 home visit"
    page.set_viewport_size(PHONE)
    assert no_sideways_scroll(page)
    # The next page of the task carries it (what each page records is tested without a
    # browser, in test_purpose.py: reading the log here would race the live server's writes).
    page.goto(f"{live_server.url}/people/")
    assert "SA-2026-000004 home visit" in page.get_by_test_id("task-purpose").inner_text()
