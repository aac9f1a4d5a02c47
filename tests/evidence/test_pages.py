"""Exhibit pages and API: detail with audit, custody through the page and API, continuity
statements, the conversation paginated, downloads."""

import io

import pytest
from django.urls import reverse

from drachma.audit.models import AuditEntry
from drachma.evidence import services, views
from drachma.evidence.models import CustodyEvent
from tests.evidence.factories import build_incident_evidence, whatsapp_bytes


@pytest.fixture
def world(make_user):
    user = make_user("investigator")
    incident, things = build_incident_evidence(user)
    return user, incident, things


@pytest.mark.django_db
def test_detail_records_the_view_and_shows_custody(world, client_as):
    user, _, things = world
    shot = things["shot"]
    client = client_as(user=user)
    html = client.get(reverse("evidence:detail", args=[shot.exhibit_ref])).content.decode()
    assert shot.sha256 in html and "Digital forensics unit" in html and "In custody" in html
    assert AuditEntry.objects.filter(
        action="view", model="evidence.evidenceitem", object_id=str(shot.pk)
    ).exists()


@pytest.mark.django_db
def test_download_is_the_stored_bytes(world, client_as):
    user, _, things = world
    client = client_as("disclosure_officer")
    response = client.get(reverse("evidence:download", args=[things["chat"].exhibit_ref]))
    assert b"".join(response.streaming_content) == whatsapp_bytes()
    assert response["X-Content-SHA256"] == things["chat"].sha256
    assert AuditEntry.objects.filter(
        action="view", object_id=str(things["chat"].pk), changes__fields=["file"]
    ).exists()


@pytest.mark.django_db
def test_custody_through_the_page(world, client_as):
    user, _, things = world
    chat = things["chat"]
    client = client_as(user=user)
    url = reverse("evidence:custody_add", args=[chat.exhibit_ref])
    response = client.post(
        url, {"kind": "transferred", "from_party": "Someone", "to_party": "DFU"}, follow=True
    )
    assert "cannot be transferred now" in response.content.decode()
    response = client.post(
        url, {"kind": "logged", "location": "Store", "verify_hash": "on"}, follow=True
    )
    assert "Logged recorded" in response.content.decode()
    event = CustodyEvent.objects.filter(item=chat).last()
    assert event.transition == "logged"
    assert event.sha256_verified == chat.sha256 and event.by == user
    response = client.post(url, {"kind": "received"}, follow=True)
    assert "Not recorded" in response.content.decode()
    assert client_as("disclosure_officer").post(url, {"kind": "examined"}).status_code == 404


@pytest.mark.django_db
def test_custody_api(world, client_as):
    user, _, things = world
    client = client_as(user=user)
    ref = things["shot"].exhibit_ref
    events = client.get(f"/api/evidence/items/{ref}/custody").json()
    assert [e["kind"] for e in events] == ["received", "logged", "transferred", "examined"]
    response = client.post(
        f"/api/evidence/items/{ref}/custody",
        {"kind": "transferred", "from_party": "Nobody", "to_party": "CPS"},
        content_type="application/json",
    )
    assert (
        response.status_code in (400, 422)
        and "held by Digital forensics unit" in response.content.decode()
    )
    response = client.post(
        f"/api/evidence/items/{ref}/custody",
        {
            "kind": "transferred",
            "from_party": "Digital forensics unit",
            "to_party": "CPS",
            "verify_hash": True,
        },
        content_type="application/json",
    )
    assert (
        response.status_code == 201 and response.json()["sha256_verified"] == things["shot"].sha256
    )
    assert client.get(f"/api/evidence/items/{ref}").json()["holder"] == "CPS"
    response = client.post(
        f"/api/evidence/items/{ref}/custody", {"kind": "stolen"}, content_type="application/json"
    )
    assert response.status_code == 422


@pytest.mark.django_db
def test_continuity_page_text_and_pdf(world, client_as):
    _, _, things = world
    ref = things["shot"].exhibit_ref
    client = client_as("disclosure_officer")
    page = client.get(reverse("evidence:continuity", args=[ref])).content.decode()
    assert f"CONTINUITY OF EXHIBIT {ref}" in page
    text = client.get(reverse("evidence:continuity_text", args=[ref]))
    assert (
        text["Content-Type"].startswith("text/plain")
        and "Custody now: in custody" in text.content.decode()
    )
    pdf = client.get(reverse("evidence:continuity_pdf", args=[ref]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_conversation_is_paginated_and_readable(world, client_as, monkeypatch):
    _, _, things = world
    monkeypatch.setattr(views, "MESSAGES_PER_PAGE", 4)
    client = client_as("investigator")
    url = reverse("evidence:conversation", args=[things["chat"].exhibit_ref])
    first = client.get(url).content.decode()
    assert (
        "Messages 1–4 of 9" in first
        and "hi who is this" in first
        and "can you get the bus" not in first
    )
    last = client.get(url + "?page=3").content.decode()
    assert (
        "Messages 9–9 of 9" in last and "can you get the bus to the retail park saturday?" in last
    )
    assert "Looks partial" in last  # the report is on every page
    assert (
        client.get(reverse("evidence:conversation", args=[things["shot"].exhibit_ref])).status_code
        == 404
    )


@pytest.mark.django_db
def test_read_an_exhibit_as_a_chat_from_its_page(client_as, make_user):
    item = services.receive_file(
        io.BytesIO(whatsapp_bytes()),
        original_filename="chat.txt",
        received_from_type="public",
        via="the reporting page",
    )
    client = client_as("investigator")
    url = reverse("evidence:conversation_parse", args=[item.exhibit_ref])
    response = client.post(
        url, {"timezone": "Atlantis/Nowhere", "date_order": "auto", "gap_hours": "24"}, follow=True
    )
    assert "Unknown time zone" in response.content.decode()
    response = client.post(
        url, {"timezone": "Europe/Madrid", "date_order": "auto", "gap_hours": "6"}
    )
    assert response.status_code == 302 and item.conversation.zone_name == "Europe/Madrid"


@pytest.mark.django_db
def test_list_filters_by_incident(world, client_as):
    _, incident, things = world
    client = client_as("investigator")
    page = client.get(reverse("evidence:list") + f"?incident={incident.reference}").content.decode()
    assert things["chat"].exhibit_ref in page and things["shot"].exhibit_ref in page
    page = client.get(reverse("evidence:list") + "?incident=DR-0000-000000").content.decode()
    assert "No exhibits match." in page
    api = client.get(f"/api/evidence/items?incident={incident.reference}&kind=screenshot").json()
    assert [i["exhibit_ref"] for i in api["items"]] == [things["shot"].exhibit_ref]
