"""In a real browser: an investigator walks a case page from charge to result: charges the
defendant, lists a hearing, records the plea (confirming it), then the sentence; the page
passes the accessibility checks at 1280 and 390 pixels."""

import pytest

from drachma.cases.models import ChargeResult, Defendant
from tests.browser.axe import DESKTOP, PHONE, describe, no_sideways_scroll, sign_in_page
from tests.factories import ago, days_ago, make_case, make_defendant


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_case_page_from_charge_to_result(page, live_server, make_user, axe):
    officer = make_user("investigator")
    case = make_case(officer, make_user("disclosure_officer"))
    defendant = make_defendant(case, officer, family_name="Walker", arrested_at=ago(20))
    sign_in_page(page, live_server, officer)
    url = f"{live_server.url}/cases/{case.urn}/"

    page.goto(url)
    page.get_by_text("Awaiting charge").first.wait_for()
    page.get_by_role("link", name="Add a charge against Sam Walker").click()
    page.get_by_label("Offence wording").fill("Attempted to meet a child following grooming")
    page.get_by_label("Legislation").fill("Sexual Offences Act 2003, s.15")
    page.get_by_label("Home Office offence classification").fill("022/07")
    page.get_by_label("Date charged").fill(days_ago(15).isoformat())
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Sam Walker charged on").wait_for()

    page.get_by_role("link", name="List a hearing").click()
    page.get_by_label("Court").fill("Bolton Crown Court")
    page.get_by_label("Date and time").fill(ago(20).strftime("%Y-%m-%dT10:00"))
    page.get_by_label("First appearance").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("A hearing cannot be before the charge").first.wait_for()
    page.get_by_label("Date and time").fill(ago(10).strftime("%Y-%m-%dT10:00"))
    page.get_by_role("button", name="Save").click()
    page.get_by_text(f"Hearing listed on {case.urn}").wait_for()

    page.get_by_role("link", name="Record the result of Sexual Offences Act 2003, s.15").click()
    page.get_by_label("Guilty plea").check()
    page.get_by_label("Date", exact=True).fill(days_ago(10).isoformat())
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name=f"Record guilty plea on {case.urn}?").wait_for()
    assert not ChargeResult.objects.exists()
    page.get_by_role("button", name="Record the result").click()
    page.get_by_text(f"Guilty plea recorded on {case.urn}").wait_for()
    assert page.get_by_test_id("stage").inner_text().strip() == "Convicted"
    # Convicted, not yet sentenced: proceedings are still active.
    assert "Active" in page.get_by_test_id(f"proceedings-{defendant.pk}").inner_text()

    page.get_by_role("link", name="Record the sentence of Sam Walker").click()
    page.get_by_label("Date of sentence").fill(days_ago(2).isoformat())
    page.get_by_label("Sentence", exact=True).fill("Community order, 18 months")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Record the sentence").click()
    page.get_by_text("Sentence recorded for Sam Walker").wait_for()
    assert "Not active" in page.get_by_test_id(f"proceedings-{defendant.pk}").inner_text()
    assert Defendant.objects.get().sentenced_on == days_ago(2)

    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.goto(url)
        violations = axe(page)
        assert violations == [], describe(violations)
        assert no_sideways_scroll(page)
