"""In a real browser, the supervisor who handles rights requests answers an access request
end to end: registers it, searches every app, decides each record found (withholding the
intelligence under s.45(4)(b) with its reason), answers it, and downloads the response pack,
whose PDF and JSON disclose what was decided with the other person's name redacted. The
pages pass axe at 1280 and 390 pixels."""

import json
import subprocess
from pathlib import Path

import pytest

from drachma.rights.models import RightsRequest, RightsState
from tests.browser.axe import DESKTOP, PHONE, describe, no_sideways_scroll, sign_in_page


def _accessible(page, axe):
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        violations = axe(page)
        assert violations == [], describe(violations)
        assert no_sideways_scroll(page)
    page.set_viewport_size(DESKTOP)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_access_request_answered_end_to_end(page, live_server, handler, world, axe):
    sign_in_page(page, live_server, handler)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/rights/")
    page.get_by_role("heading", name="Data protection rights requests").wait_for()
    page.wait_for_selector("body[data-drachma-ready]", state="attached")
    _accessible(page, axe)

    page.get_by_role("link", name="Register a request").click()
    page.get_by_role("heading", name="Register a rights request").wait_for()
    page.wait_for_selector("body[data-drachma-ready]", state="attached")
    # First without any identifier: refused, naming the problem.
    page.get_by_label("Access (s.45)").check()
    page.get_by_label("Received on").fill("2026-01-31")
    page.get_by_label("Requester's name").fill("Jo Bloggs")
    page.get_by_label("Photographic identity document seen").check()
    page.get_by_role("button", name="Register the request").click()
    page.get_by_text("A name alone cannot identify the requester").first.wait_for()
    assert not RightsRequest.objects.exists()
    _accessible(page, axe)
    page.get_by_label("Requester's date of birth").fill("1985-04-02")
    page.get_by_role("button", name="Register the request").click()

    request = RightsRequest.objects.get()
    page.get_by_role("heading", name=request.reference).wait_for()
    assert page.get_by_test_id("due").inner_text() == "28 February 2026"
    page.get_by_role("button", name="Search every app").click()
    page.get_by_text(f"{request.reference} searched").wait_for()
    page.get_by_role("button", name="Finish the search and decide").click()
    page.get_by_text("ready for decisions").wait_for()
    assert page.get_by_test_id("state").inner_text() == "Deciding"
    _accessible(page, axe)

    for item in request.items.order_by("pk"):
        page.goto(f"{live_server.url}/rights/{request.reference}/records/{item.pk}/decide/")
        page.get_by_role("heading", name=f"Decide: {item.kind}").wait_for()
        if item.kind == "Intelligence":
            _accessible(page, axe)
            page.get_by_label("Withhold under a restriction").check()
            page.get_by_role("button", name="Save the decision").click()
            # Withholding without the restriction and its reason is refused.
            page.get_by_text("Withholding needs the restriction").first.wait_for()
            page.get_by_label("Withhold under a restriction").check()
            page.get_by_label("Restriction of s.45(4)").select_option("s45_4_b")
            page.get_by_label("Reason").fill("The group's plans are under investigation.")
        else:
            page.get_by_label("Disclose").check()
        page.get_by_role("button", name="Save the decision").click()
        page.get_by_text(": decided").wait_for()

    page.get_by_role("link", name="Answer the request").click()
    page.get_by_role("heading", name=f"Answer {request.reference}?").wait_for()
    page.get_by_role("button", name="Answer the request").click()
    page.get_by_text(f"{request.reference} answered").wait_for()
    request.refresh_from_db()
    assert request.state == RightsState.ANSWERED
    _accessible(page, axe)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the data (JSON)").click()
    pack = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert pack["reference"] == request.reference and pack["withheld"] == 1
    kinds = {r["kind"] for r in pack["records"]}
    assert {"Person", "Incident"} <= kinds and "Intelligence" not in kinds
    incident = next(r for r in pack["records"] if r["kind"] == "Incident")
    assert incident["data"]["summary"] == "[redacted] filmed Jo Bloggs at the door and streamed it."
    assert "Kim Hunter" not in json.dumps(pack)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the response (PDF)").click()
    text = subprocess.run(
        ["pdftotext", "-layout", download.value.path(), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "OFFICIAL-SENSITIVE" in text and request.reference in text
    assert "[redacted] filmed Jo Bloggs" in text and "Kim Hunter" not in text
    assert "1 record is withheld under section 45(4)" in text
