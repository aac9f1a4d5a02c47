"""In a real browser: an investigator takes in a WhatsApp export, reads its quality report and
conversation, records a transfer, and a disclosure officer downloads the bundle."""

import zipfile

import pytest

from drachma.evidence.models import CustodyEvent, EvidenceItem
from tests.conftest import sign_in_through_the_form
from tests.evidence.factories import whatsapp_bytes


def _sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    sign_in_through_the_form(page, user)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_take_in_a_chat_read_it_transfer_it_and_bundle_it(page, live_server, make_user, tmp_path):
    from django.utils import timezone

    from drachma.incidents.services import create_incident

    investigator = make_user("investigator", username="inv_browser")
    incident = create_incident(
        user=investigator,
        occurred_at=timezone.now(),
        source="group",
        kind="doorstep",
        summary="Confrontation at the retail park",
        place="Bolton",
    )
    chat = tmp_path / "WhatsApp Chat with Mark B.txt"
    chat.write_bytes(whatsapp_bytes())

    _sign_in(page, live_server, investigator)
    page.goto(f"{live_server.url}/incidents/{incident.reference}/")
    page.get_by_role("link", name="Take in a file").click()
    assert page.get_by_label("Incident").input_value() == incident.reference
    page.get_by_label("File").set_input_files(str(chat))
    page.get_by_label("What it is").select_option("chat_export")
    page.get_by_label("Received from (kind)").select_option("group")
    page.get_by_label("Received from (who)").fill("Guardians North")
    page.get_by_role("button", name="Take in").click()
    page.get_by_role("heading", name="Exhibit EX-").wait_for()

    item = EvidenceItem.objects.get()
    assert page.get_by_text(item.sha256, exact=True).is_visible()
    assert page.get_by_text("Deleted messages").is_visible()
    page.get_by_role("link", name="Read the conversation").click()
    assert page.get_by_text("dont tell your mum we talk ok").is_visible()

    page.goto(f"{live_server.url}/evidence/items/{item.exhibit_ref}/")
    page.get_by_text("Record the next step").click()
    page.get_by_label("Step").select_option("logged")
    page.get_by_role("button", name="Record").click()
    page.get_by_text("Logged recorded").wait_for()
    assert list(CustodyEvent.objects.filter(item=item).values_list("transition", flat=True)) == [
        "received",
        "logged",
    ]

    page.goto(f"{live_server.url}/incidents/{incident.reference}/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the prosecutor's bundle").click()
    with zipfile.ZipFile(download.value.path()) as zf:
        names = zf.namelist()
    assert "case.jsonld" in names and f"conversations/{item.exhibit_ref}.html" in names
