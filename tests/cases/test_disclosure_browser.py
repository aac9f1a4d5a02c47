"""In a real browser: the disclosure officer records material, is refused certifying while it
is undecided, decides it, certifies the MG6C through the confirmation step; the disclosure
page, the schedule page and the certification step pass the accessibility checks at 1280 and
390 pixels."""

import pytest

from drachma.cases.models import Schedule
from tests.browser.axe import DESKTOP, PHONE, describe, no_sideways_scroll, sign_in_page
from tests.cases.helpers import make_case


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_recording_material_and_certifying_the_mg6c(page, live_server, make_user, axe):
    officer = make_user("disclosure_officer")
    case = make_case(make_user("investigator"), officer)
    sign_in_page(page, live_server, officer)
    url = f"{live_server.url}/cases/{case.urn}/disclosure/"

    page.goto(url)
    page.get_by_role("link", name="Record material").click()
    page.get_by_label("Description").fill("Pocket notebook entries of the arresting officers")
    page.get_by_label("Location").fill("Bolton police station")
    page.get_by_role("button", name="Save").click()
    page.get_by_text(f"Item 1 recorded on {case.urn}").wait_for()

    page.get_by_role("link", name="MG6C for all defendants").click()
    schedule_url = page.url
    page.get_by_role("link", name="Certify the schedule").click()
    page.get_by_role("heading", name=f"Certify the MG6C of {case.urn}?").wait_for()
    confirm_url = page.url
    _accessible(page, axe, confirm_url)
    page.get_by_role("button", name="Certify the schedule").click()
    page.get_by_text("still undecided").first.wait_for()
    assert Schedule.objects.get(case=case, kind="MG6C").state == "draft"

    page.goto(f"{live_server.url}/cases/disclosure/material/{case.material.get().pk}/")
    page.get_by_label("Status").select_option("scheduled")
    page.get_by_role("button", name="Save").click()
    page.get_by_text(f"Item 1 on {case.urn} updated").wait_for()
    page.goto(confirm_url)
    page.get_by_label("Your role").fill("DC 1234, disclosure officer")
    page.get_by_role("button", name="Certify the schedule").click()
    page.get_by_text(f"MG6C version 1 of {case.urn} certified").wait_for()
    assert Schedule.objects.get(case=case, kind="MG6C").state == "certified"

    for target in (url, schedule_url):
        _accessible(page, axe, target)


def _accessible(page, axe, target):
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.goto(target)
        violations = axe(page)
        assert violations == [], describe(violations)
        assert no_sideways_scroll(page)
    page.set_viewport_size(DESKTOP)
