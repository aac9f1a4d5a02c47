"""In a real browser: an analyst records an FOI request through the form (its deadline shown,
bank holidays counted), answers it from the statistics through the confirmation step with the
small-number judgement and an exemption with its reason, and sees the answer on the request;
the pages pass axe at 1280 and 390 pixels."""

import datetime

import pytest

from drachma.areas.models import Borough
from drachma.incidents.services import create_incident
from drachma.statistics.models import FOIRequest
from tests.browser.axe import DESKTOP, PHONE, describe, no_sideways_scroll, sign_in_page
from tests.factories import LONDON


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_analyst_records_an_foi_request_and_produces_its_answer(page, live_server, make_user, axe):
    analyst = make_user("analyst", username="foi_analyst")
    rochdale = Borough.objects.get(name="Rochdale")
    for day in range(1, 8):  # seven Rochdale incidents in March 2022: publishable
        when = datetime.datetime(2022, 3, day, 20, tzinfo=LONDON)
        create_incident(
            user=analyst,
            occurred_at=when,
            received_at=when,
            source="group",
            kind="doorstep",
            summary="fixture",
            borough=rochdale,
        )

    sign_in_page(page, live_server, analyst)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/statistics/foi/requests/")
    page.get_by_role("heading", name="Freedom of Information requests").wait_for()
    assert axe(page) == []
    page.get_by_role("link", name="Record a request").click()
    page.get_by_role("heading", name="Record an FOI request").wait_for()
    page.get_by_label("Received on").fill("2022-05-20")
    page.get_by_label("Requester's reference").fill("FOI/22/0415")
    page.get_by_label("The request").fill("How many reports in 2022 so far, by area?")
    page.get_by_label("Figures from").fill("2022-01-01")
    page.get_by_label("Figures to").fill("2022-04-30")
    # "Area" is ticked already; the form is sent as it is.
    page.get_by_role("button", name="Record the request").click()

    item = FOIRequest.objects.get()
    page.get_by_role("heading", name=item.reference).wait_for()
    # 20 working days after Friday 20 May 2022, past the Spring holiday moved to 2 June and
    # the Platinum Jubilee on 3 June.
    assert page.get_by_test_id("due").inner_text() == "21 June 2022"
    assert page.get_by_text(f"{item.reference} recorded: due 21 June 2022").is_visible()
    violations = axe(page)
    assert violations == [], describe(violations)

    # The dashboard lists it among the requests awaiting an answer (past its deadline).
    page.goto(f"{live_server.url}/")
    panel = page.locator("section[aria-labelledby=foi-dashboard]")
    assert item.reference in panel.inner_text() and "Overdue" in panel.inner_text()
    violations = axe(page)
    assert violations == [], describe(violations)
    panel.get_by_role("link", name=item.reference).click()
    page.get_by_role("link", name="Answer the request").click()
    page.get_by_role("heading", name=f"Answer {item.reference}?").wait_for()
    assert page.get_by_text("the force received 7 reports").is_visible()
    violations = axe(page)
    assert violations == [], describe(violations)
    # An exemption ticked without its reason is refused, nothing answered.
    page.get_by_label("The small-number judgement").fill("Only Rochdale is shown; 7 is above 4.")
    page.get_by_label("Section 30: investigations and proceedings").check()
    page.get_by_role("button", name="Answer the request").click()
    page.get_by_text("Give the reason section 30 applies.").first.wait_for()
    assert FOIRequest.objects.get().status == "open"
    page.get_by_label("Reason for section 30").fill("Two of the incidents are under investigation.")
    page.get_by_role("button", name="Answer the request").click()

    page.get_by_text(f"{item.reference} answered").wait_for()
    assert page.get_by_test_id("status").inner_text() == "Answered"
    answer = page.get_by_test_id("answer").inner_text()
    assert "the force received 7 reports" in answer and "Rochdale" in answer
    assert page.get_by_test_id("judgement").inner_text() == "Only Rochdale is shown; 7 is above 4."
    assert (
        "Two of the incidents are under investigation."
        in page.get_by_test_id("exemptions").inner_text()
    )
    assert page.get_by_role("link", name="Answer the request").count() == 0
    violations = axe(page)
    assert violations == [], describe(violations)

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/statistics/foi/requests/")
    assert page.get_by_text("1 request").first.is_visible()
    violations = axe(page)
    assert violations == [], describe(violations)
    assert no_sideways_scroll(page)
