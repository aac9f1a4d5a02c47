"""In a real browser: a member of the public reports with a chat export and checks the receipt's
hash; a triage user signs in and turns the report into an incident; the file is evidence."""

import hashlib

import pytest

from drachma.evidence.models import CustodyEvent, EvidenceItem
from drachma.incidents.models import Incident
from drachma.intake.models import Report
from tests.conftest import sign_in_through_the_form

CHAT = (
    b"12/03/2026, 19:02 - Jess: hi who is this\n"
    b"12/03/2026, 19:03 - Dave: you look older than 13 x\n"
    b"12/03/2026, 19:05 - Dave: dont tell your mum we talk <script>alert(1)</script>\n"
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_report_with_chat_export_becomes_an_incident(page, live_server, make_user, tmp_path):
    officer = make_user("safeguarding_officer", username="triage_officer")
    chat = tmp_path / "WhatsApp Chat with Dave.txt"
    chat.write_bytes(CHAT)

    # A member of the public, not signed in.
    page.goto(f"{live_server.url}/intake/report/")
    assert page.get_by_text("call 999").first.is_visible()
    assert page.get_by_role("link", name="report to CEOP at www.ceop.police.uk").is_visible()
    page.get_by_label("A member of the public").check()
    page.get_by_label("A confrontation that has happened").check()
    page.get_by_label("What happened, or what is going to happen?").fill(
        "A group met a man at the station and filmed him. The chat they had with him is attached."
    )
    page.get_by_label("Where?").fill("Wigan North Western station")
    page.get_by_label("Chat exports, screenshots, video or voice notes").set_input_files(str(chat))
    page.get_by_role("button", name="Send the report").click()

    page.get_by_role("heading", name="Your report has been received").wait_for()
    # The reference is the confirmation panel's (docs/design.md).
    reference = page.locator(".govuk-panel__body strong").inner_text().strip()
    receipt_sha = page.get_by_test_id("sha256").inner_text().strip()
    assert receipt_sha == hashlib.sha256(CHAT).hexdigest()
    assert "A group met a man" not in page.content()  # the receipt says nothing else

    # A triage user signs in through the login form and turns the report into an incident.
    page.goto(f"{live_server.url}/accounts/login/")
    sign_in_through_the_form(page, officer)
    page.goto(f"{live_server.url}/intake/reports/")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("heading", name=f"Report {reference}").wait_for()
    assert page.get_by_text(receipt_sha).is_visible()
    page.get_by_role("button", name="Turn into an incident").click()
    assert reference in page.get_by_label("Summary").input_value()
    page.get_by_role("button", name="Record the incident").click()
    page.get_by_role("heading", name="Incident DR-").wait_for()

    incident = Incident.objects.get()
    report = Report.objects.get(reference=reference)
    assert report.status == "converted" and report.incident == incident
    item = EvidenceItem.objects.get()
    assert item.incident == incident and item.sha256 == receipt_sha
    assert (
        item.original_filename == "WhatsApp Chat with Dave.txt"
        and item.received_via == "the reporting page"
    )
    event = CustodyEvent.objects.get(item=item)
    assert event.transition == "received" and event.note == "Received through the reporting page."
    assert event.sha256_verified == receipt_sha
    assert page.get_by_role(
        "link", name=reference
    ).is_visible()  # the incident's page names its report
