"""Taking files in: the upload page and API, chat exports parsed on the way in, and every
way an upload can be refused with nothing kept."""

import hashlib
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from drachma.evidence import services
from drachma.evidence.models import CustodyEvent, EvidenceItem, ParsedConversation, StoredFile
from tests.evidence.factories import whatsapp_bytes


def _nothing_kept(settings):
    assert EvidenceItem.objects.count() == 0
    assert StoredFile.objects.count() == 0
    assert ParsedConversation.objects.count() == 0
    assert CustodyEvent.objects.count() == 0
    root = settings.DRACHMA_EVIDENCE_ROOT
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


@pytest.mark.django_db
def test_chat_export_is_parsed_and_its_report_kept(investigator):
    item = services.upload_evidence(
        io.BytesIO(whatsapp_bytes()),
        original_filename="chat.txt",
        received_from_type="group",
        user=investigator,
        kind="chat_export",
        timezone_name="Europe/Paris",
        gap_hours=12,
    )
    parsed = item.conversation
    assert parsed.format == "whatsapp" and parsed.locale == "en"
    assert parsed.zone_name == "Europe/Paris" and parsed.zone_source == "caller"
    assert parsed.participants == ["Jess", "Mark B"] and parsed.message_count == 9
    q = parsed.quality
    assert q["deleted"]["count"] == 1 and q["media"]["placeholders_count"] == 1
    assert len(q["gaps"]) == 2 and q["gap_threshold_seconds"] == 12 * 3600
    assert q["first_sender"]["sender"] == "Jess"
    assert item.sha256 == hashlib.sha256(whatsapp_bytes()).hexdigest()


@pytest.mark.django_db
def test_a_file_declared_as_a_chat_that_is_not_one_is_refused(settings, investigator):
    with pytest.raises(ValidationError) as exc:
        services.upload_evidence(
            io.BytesIO(b"just some notes\nnothing like a chat\n"),
            original_filename="notes.txt",
            received_from_type="public",
            user=investigator,
            kind="chat_export",
        )
    message = exc.value.message_dict["file"][0]
    assert "not a chat export Drachma can read" in message and "Tried: WhatsApp" in message
    _nothing_kept(settings)


@pytest.mark.django_db
def test_invalid_json_chat_is_refused_with_the_parser_message(settings, investigator):
    with pytest.raises(ValidationError) as exc:
        services.upload_evidence(
            io.BytesIO(b'{"participants": [{"name": "A"}], "messages": [}'),
            original_filename="message_1.json",
            received_from_type="platform",
            user=investigator,
            kind="chat_export",
        )
    assert "file" in exc.value.message_dict
    _nothing_kept(settings)


@pytest.mark.django_db
def test_unknown_time_zone_is_refused(settings, investigator):
    with pytest.raises(ValidationError) as exc:
        services.upload_evidence(
            io.BytesIO(whatsapp_bytes()),
            original_filename="chat.txt",
            received_from_type="group",
            user=investigator,
            kind="chat_export",
            timezone_name="Mars/Olympus",
        )
    assert "Unknown time zone" in exc.value.message_dict["timezone"][0]
    _nothing_kept(settings)


@pytest.mark.django_db
def test_over_the_limit_is_refused(settings, investigator):
    settings.DRACHMA_EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="larger than the limit of 100 bytes"):
        services.upload_evidence(
            io.BytesIO(b"x" * 101),
            original_filename="big.bin",
            received_from_type="public",
            user=investigator,
        )
    upload = SimpleUploadedFile("big.bin", b"x" * 101)
    with pytest.raises(ValidationError, match="larger than the limit"):
        services.upload_evidence(
            upload, original_filename="big.bin", received_from_type="public", user=investigator
        )
    _nothing_kept(settings)


@pytest.mark.django_db
def test_short_upload_is_refused_by_size_or_hash(settings, investigator):
    data = b"the whole file\n" * 10
    with pytest.raises(ValidationError, match="cut short"):
        services.upload_evidence(
            io.BytesIO(data[:-7]),
            original_filename="a.txt",
            received_from_type="public",
            user=investigator,
            expected_size=len(data),
        )
    with pytest.raises(ValidationError, match="hashes to"):
        services.upload_evidence(
            io.BytesIO(data[:-7]),
            original_filename="a.txt",
            received_from_type="public",
            user=investigator,
            expected_sha256=hashlib.sha256(data).hexdigest(),
        )
    _nothing_kept(settings)
    item = services.upload_evidence(
        io.BytesIO(data),
        original_filename="a.txt",
        received_from_type="public",
        user=investigator,
        expected_size=len(data),
        expected_sha256=hashlib.sha256(data).hexdigest().upper(),
    )
    assert item.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.django_db
def test_parse_an_exhibit_already_stored(investigator):
    item = services.receive_file(
        io.BytesIO(whatsapp_bytes()),
        original_filename="chat.txt",
        received_from_type="public",
        via="the reporting page",
    )
    parsed = services.parse_conversation(item)
    item.refresh_from_db()
    assert (
        item.kind == "chat_export" and parsed.message_count == 9 and parsed.zone_source == "default"
    )
    with pytest.raises(ValidationError, match="already been read"):
        services.parse_conversation(item)
    other = services.receive_file(
        io.BytesIO(b"\x89PNG\r\n\x1a\n..."),
        original_filename="a.png",
        received_from_type="public",
        via="upload",
    )
    with pytest.raises(ValidationError, match="not a chat export"):
        services.parse_conversation(other)
    assert not ParsedConversation.objects.filter(item=other).exists()


# --- The page ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_upload_page_takes_in_a_chat_export(client_as, make_user):
    from drachma.incidents.services import create_incident

    client = client_as("investigator")
    incident = create_incident(
        user=make_user("analyst"),
        occurred_at=timezone.now(),
        source="group",
        kind="doorstep",
        summary="x",
        place="Bolton",
    )
    response = client.post(
        reverse("evidence:upload"),
        {
            "file": SimpleUploadedFile("WhatsApp Chat.txt", whatsapp_bytes()),
            "kind": "chat_export",
            "incident": incident.reference,
            "received_from_type": "group",
            "received_from": "Guardians North",
            "date_order": "auto",
            "gap_hours": "24",
        },
    )
    item = EvidenceItem.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "evidence:detail", args=[item.exhibit_ref]
    )
    assert item.incident == incident and item.conversation.message_count == 9
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Looks partial" in html and "Deleted messages" in html and "Media not supplied" in html
    assert "Jess, 12/03/2026" not in html  # timestamps are shown in ISO form as the export states
    assert "2026-03-12T19:02" in html


@pytest.mark.django_db
def test_upload_page_refuses_a_non_chat_and_unknown_incident(client_as, settings):
    client = client_as("investigator")
    response = client.post(
        reverse("evidence:upload"),
        {
            "file": SimpleUploadedFile("notes.txt", b"shopping list\n"),
            "kind": "chat_export",
            "incident": "DR-1999-999999",
            "received_from_type": "group",
            "date_order": "auto",
            "gap_hours": "24",
        },
    )
    assert response.status_code == 200
    assert "There is no incident DR-1999-999999." in response.content.decode()
    response = client.post(
        reverse("evidence:upload"),
        {
            "file": SimpleUploadedFile("notes.txt", b"shopping list\n"),
            "kind": "chat_export",
            "received_from_type": "group",
            "date_order": "auto",
            "gap_hours": "24",
        },
    )
    assert (
        response.status_code == 200
        and "not a chat export Drachma can read" in response.content.decode()
    )
    _nothing_kept(settings)


@pytest.mark.django_db
def test_upload_page_over_the_limit_is_dropped_while_it_arrives(client_as, settings):
    settings.DRACHMA_EVIDENCE_MAX_BYTES = 1000
    client = client_as("investigator")
    response = client.post(
        reverse("evidence:upload"),
        {
            "file": SimpleUploadedFile("big.bin", b"x" * 5000),
            "kind": "other",
            "received_from_type": "public",
            "date_order": "auto",
            "gap_hours": "24",
        },
    )
    html = response.content.decode()
    assert (
        response.status_code == 200
        and "big.bin: The file is larger than the limit of 1000 bytes" in html
    )
    _nothing_kept(settings)


@pytest.mark.django_db
def test_upload_page_truncated_body_stores_nothing(client_as, settings):
    client = client_as("investigator")
    boundary = "XyZ"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nother\r\n'
        f"--{boundary}\r\nContent-Disposition: form-data; "
        'name="received_from_type"\r\n\r\npublic\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="date_order"\r\n\r\nauto\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="gap_hours"\r\n\r\n24\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
        + "partial bytes, the connection dropped here"
    ).encode()
    response = client.generic(
        "POST",
        reverse("evidence:upload"),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 200, response.status_code
    assert "the upload was cut short" in response.content.decode()
    _nothing_kept(settings)


@pytest.mark.django_db
def test_upload_page_short_against_stated_size(client_as, settings):
    client = client_as("investigator")
    response = client.post(
        reverse("evidence:upload"),
        {
            "file": SimpleUploadedFile("a.bin", b"12345"),
            "kind": "other",
            "received_from_type": "public",
            "date_order": "auto",
            "gap_hours": "24",
            "expected_size": "10",
        },
    )
    assert "5 bytes arrived but the file has 10" in response.content.decode()
    _nothing_kept(settings)


# --- The API ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_upload_and_read_back(client_as):
    client = client_as("investigator")
    response = client.post(
        "/api/evidence/items",
        {
            "file": SimpleUploadedFile("chat.txt", whatsapp_bytes()),
            "kind": "chat_export",
            "received_from_type": "group",
            "received_from": "Guardians North",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["custody_state"] == "received" and body["conversation"]["message_count"] == 9
    ref = body["exhibit_ref"]
    conv = client.get(f"/api/evidence/items/{ref}/conversation?offset=8&limit=5").json()
    assert conv["count"] == 9 and [m["index"] for m in conv["messages"]] == [8]
    assert conv["messages"][0]["kind"] == "text" and conv["quality"]["deleted"]["count"] == 1


@pytest.mark.django_db
def test_api_upload_refusals(client_as, settings):
    client = client_as("investigator")
    response = client.post(
        "/api/evidence/items",
        {
            "file": SimpleUploadedFile("notes.txt", b"not a chat\n"),
            "kind": "chat_export",
            "received_from_type": "group",
        },
    )
    assert response.status_code in (400, 422)
    assert "not a chat export" in json.dumps(response.json())
    response = client.post(
        "/api/evidence/items",
        {
            "file": SimpleUploadedFile("a.txt", b"x"),
            "received_from_type": "group",
            "incident": "DR-0000-000000",
        },
    )
    assert response.status_code in (400, 422) and "DR-0000-000000" in json.dumps(response.json())
    _nothing_kept(settings)


@pytest.mark.django_db
def test_analyst_cannot_upload_or_read(client_as, settings):
    client = client_as("analyst")
    assert client.get(reverse("evidence:upload")).status_code == 403
    response = client.post(
        "/api/evidence/items",
        {"file": SimpleUploadedFile("a.txt", b"x"), "received_from_type": "group"},
    )
    assert response.status_code == 403
    _nothing_kept(settings)


def test_a_chat_upload_records_the_artefacts_moved_out_of_its_text(investigator):
    export = (
        "12/03/2021, 18:07 - Sam Hunter: IMG-20210312-WA0007.jpg (file attached)\n"
        "the gate\n"
        "12/03/2021, 18:08 - Sam Hunter: on my way <This message was edited>\n"
        "12/03/2021, 18:09 - Jo: \u200eok  \n"
    ).encode()
    item = services.upload_evidence(
        io.BytesIO(export),
        original_filename="chat.txt",
        received_from_type="group",
        user=investigator,
        kind="chat_export",
    )
    parsed = item.conversation
    assert parsed.text_as_written and parsed.rederive_problem == ""
    assert parsed.artefact_counts == {
        "attachment_markers": 1,
        "edited_marker": 1,
        "direction_marks": 1,
        "trailing_whitespace": 1,
    }
