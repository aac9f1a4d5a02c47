"""The evidence points of the walk-through: duplicates flagged on both exhibits, one numbering
of a conversation's messages in the app and the bundle, attachments nobody supplied counted,
the schedules awaiting the disclosure officer's review, and the print views."""

import io
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from drachma.evidence import documents, selectors, services
from drachma.evidence.models import DisclosureStatus
from tests.evidence.factories import build_incident_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    user = make_user("investigator")
    incident, things = build_incident_evidence(user)
    return user, incident, things


def _receive(user, data: bytes, name: str, incident=None, kind="image"):
    return services.receive_file(
        io.BytesIO(data),
        original_filename=name,
        received_from_type="public",
        via="upload",
        user=user,
        incident=incident,
        kind=kind,
    )


def test_the_same_file_received_twice_is_flagged_on_both_exhibits(world, client_as):
    user, incident, _ = world
    first = _receive(user, b"the same bytes", "first.png", incident)
    second = _receive(user, b"the same bytes", "again.png")
    other = _receive(user, b"other bytes", "other.png")
    client = client_as(user=user)
    for item, twin in ((first, second), (second, first)):
        html = client.get(reverse("evidence:detail", args=[item.exhibit_ref])).content.decode()
        assert "Duplicate: the same file (the same SHA-256)" in html
        assert f'data-duplicate-of="{twin.exhibit_ref}"' in html
        api = client.get(f"/api/evidence/items/{item.exhibit_ref}").json()
        assert api["duplicate_of"] == [twin.exhibit_ref]
    html = client.get(reverse("evidence:detail", args=[other.exhibit_ref])).content.decode()
    assert "Duplicate:" not in html
    assert client.get(f"/api/evidence/items/{other.exhibit_ref}").json()["duplicate_of"] == []


def _number_of(html: str, text: str) -> int:
    """The message number shown just before ``text``."""
    before = html[: html.index(text)]
    return int(re.findall(r"Message (\d+)", before)[-1])


def test_a_conversation_numbers_its_messages_the_same_in_the_app_and_the_bundle(world, client_as):
    user, _, things = world
    chat = things["chat"]
    page = client_as(user=user).get(reverse("evidence:conversation", args=[chat.exhibit_ref]))
    bundle = documents.conversation_html(selectors.parsed_conversation(chat))
    for text in ("hi who is this", "im 13 tho", "can you get the bus"):
        assert _number_of(page.content.decode(), text) == _number_of(bundle, text)
    # The first message of the file is message 1 in both (the bundle counted from 0).
    assert _number_of(bundle, "Messages and calls are end-to-end encrypted") == 1
    api = client_as(user=user).get(f"/api/evidence/items/{chat.exhibit_ref}/conversation")
    assert [m["number"] for m in api.json()["messages"][:2]] == [1, 2]


def test_the_quality_report_counts_attachments_the_chat_names_but_nobody_supplied(world, client_as):
    user, incident, _ = world
    _receive(user, b"a photo", "IMG-20260312-WA0001.jpg", incident)
    chat_bytes = (
        b"12/03/2026, 19:02 - Jess: hi\n"
        b"12/03/2026, 19:06 - Mark B: IMG-20260312-WA0001.jpg (file attached)\n"
        b"12/03/2026, 19:07 - Mark B: PTT-20260312-WA0002.opus (file attached)\n"
    )
    chat = services.upload_evidence(
        io.BytesIO(chat_bytes),
        original_filename="WhatsApp Chat with Mark B.txt",
        received_from_type="group",
        user=user,
        incident=incident,
        kind="chat_export",
    )
    media = selectors.parsed_conversation(chat).quality["media"]
    assert media["missing_count"] == 1
    assert [m["name"] for m in media["missing"]] == ["PTT-20260312-WA0002.opus"]
    html = client_as(user=user).get(reverse("evidence:detail", args=[chat.exhibit_ref]))
    assert "1 attachment(s) the chat names that nobody supplied" in html.content.decode()
    assert "PTT-20260312-WA0002.opus (message 3)" in html.content.decode()


def test_a_chat_on_no_incident_came_with_nothing(make_user):
    user = make_user("investigator")
    chat = services.upload_evidence(
        io.BytesIO(b"12/03/2026, 19:06 - Mark B: IMG-20260312-WA0001.jpg (file attached)\n"),
        original_filename="chat.txt",
        received_from_type="group",
        user=user,
        kind="chat_export",
    )
    assert selectors.parsed_conversation(chat).quality["media"]["missing_count"] == 1


def test_schedules_awaiting_review_are_counted_and_listed(world, client_as):
    _, incident, _ = world
    drafts = incident.disclosure_entries.filter(status=DisclosureStatus.DRAFT).count()
    if not drafts:
        services.create_disclosure_entry(
            incident=incident, user=None, description="Unused CCTV, not yet reviewed"
        )
        drafts = 1
    assert selectors.schedules_awaiting_review_count() == 1
    html = client_as("disclosure_officer").get(reverse("evidence:schedules_to_review"))
    assert html.status_code == 200
    text = html.content.decode()
    assert "1 incident" in text and incident.reference in text
    assert reverse("evidence:disclosure", args=[incident.reference]) in text
    incident.disclosure_entries.update(status=DisclosureStatus.SCHEDULED)
    assert selectors.schedules_awaiting_review_count() == 0


@override_settings(DRACHMA_CLASSIFICATION="OFFICIAL-SENSITIVE")
@pytest.mark.parametrize("which", ["continuity", "MG6C", "MG6D"])
def test_print_views_carry_the_marking_the_printer_and_no_buttons(world, make_user, client, which):
    from tests.conftest import sign_in

    _, incident, things = world
    officer = make_user("disclosure_officer", username="dora")
    officer.first_name, officer.last_name = "Dora", "Hale"
    officer.save()
    sign_in(client, officer)
    if which == "continuity":
        url = reverse("evidence:continuity_print", args=[things["shot"].exhibit_ref])
    else:
        url = reverse("evidence:schedule_print", args=[incident.reference, which])
    html = client.get(url).content.decode()
    assert 'class="drachma-print-marking">OFFICIAL-SENSITIVE' in html
    assert "Printed by Dora Hale on " in html
    assert "<button" not in html and "<form" not in html and "govuk-header" not in html
