"""The public reporting page: what it says, the receipt, and every refusal (nothing stored)."""

import hashlib
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags

from drachma.audit.models import AuditEntry
from drachma.evidence.models import CustodyEvent, EvidenceItem, StoredFile
from drachma.intake import services
from drachma.intake.models import Report, ReportFile
from tests.intake.conftest import CHAT_EXPORT, JPEG, PE, PNG, upload

URL = "/intake/report/"
pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "reporter_type": "public",
        "concern": "confrontation_happened",
        "text": "Three men filmed my neighbour at his door last night and called him a paedophile.",
        "place": "Rochdale",
        "when_text": "Last night, 9pm",
        "links": "",
        "handles": "",
        "phones": "",
        "names": "",
        "reporter_name": "",
        "reporter_organisation": "",
        "reporter_email": "",
        "reporter_phone": "",
        "form_token": uuid.uuid4().hex,
        "website": "",
    }
    data.update(overrides)
    return data


def post(client, files=(), address="203.0.113.7", **overrides):
    data = form_data(**overrides)
    if files:
        data["files"] = list(files)
    return client.post(URL, data, REMOTE_ADDR=address)


def assert_nothing_stored(settings):
    assert Report.objects.count() == 0
    assert EvidenceItem.objects.count() == 0 and StoredFile.objects.count() == 0
    root = settings.DRACHMA_EVIDENCE_ROOT
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_the_page_needs_no_login_and_says_ceop_and_999(client):
    assert reverse("intake:report") == URL
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "call 999" in html and "CEOP" in html and "National Crime Agency" in html
    assert 'name="csrfmiddlewaretoken"' in html and 'enctype="multipart/form-data"' in html
    assert 'name="website"' in html and 'class="hp"' in html  # the honeypot, hidden from people
    assert response["Cache-Control"] == "no-store"


def test_the_login_page_links_to_it(client):
    assert URL in client.get(reverse("accounts:login")).content.decode()


def test_a_report_with_a_chat_export_gets_a_receipt_with_the_hash_and_nothing_else(
    client, settings
):
    response = post(
        client,
        files=[upload("WhatsApp Chat with Dave.txt", CHAT_EXPORT)],
        reporter_name="Alice Reporter",
        reporter_email="alice@example.com",
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    html = response.content.decode()
    report = Report.objects.get()
    assert report.reference in html
    assert hashlib.sha256(CHAT_EXPORT).hexdigest() in html
    assert "WhatsApp Chat with Dave.txt" in html
    # Nothing else: not what was written, not who wrote it, no status, nothing about what happens.
    # Read as words of the page's text: random tokens in attributes (the CSRF token, a nonce) can
    # contain "New" by chance.
    words = re.findall(r"[\w@.]+", strip_tags(html))
    text = " ".join(words)
    for secret in (
        "Three men filmed",
        "Alice Reporter",
        "alice@example.com",
        "Rochdale",
        report.get_status_display(),
    ):
        assert not re.search(rf"(?<![\w@.]){re.escape(secret)}(?![\w@.])", text), secret
    assert response["Cache-Control"] == "no-store"
    assert re.fullmatch(r"RP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", report.reference)


def test_the_file_enters_the_evidence_store_with_its_custody_event(client):
    post(
        client,
        files=[upload("chat.txt", CHAT_EXPORT), upload("shot.png", PNG)],
        reporter_type="group",
        reporter_organisation="Northern Decoy Watch",
    )
    report = Report.objects.get()
    items = [
        f.item for f in ReportFile.objects.filter(report=report).select_related("item__stored_file")
    ]
    assert [i.original_filename for i in items] == ["chat.txt", "shot.png"]
    assert [i.kind for i in items] == ["chat_export", "screenshot"]
    chat = items[0]
    assert chat.sha256 == hashlib.sha256(CHAT_EXPORT).hexdigest()
    assert chat.received_via == "the reporting page" and chat.received_from_type == "group"
    assert chat.received_from == "Northern Decoy Watch" and chat.received_at == report.submitted_at
    event = CustodyEvent.objects.get(item=chat)
    assert event.transition == "received" and event.note == "Received through the reporting page."
    assert event.by is None and event.by_description == "the public reporting page"
    assert event.sha256_verified == chat.sha256


def test_the_address_is_kept_only_as_a_keyed_hash(client):
    post(client, address="198.51.100.23")
    report = Report.objects.get()
    assert report.submitter_hash == services.hash_address("198.51.100.23") != ""
    assert "198.51.100.23" not in report.submitter_hash
    entries = AuditEntry.objects.filter(model="intake.report")
    assert entries and all(
        e.ip_address is None and e.actor_username == "public reporting page" for e in entries
    )
    assert not AuditEntry.objects.filter(ip_address="198.51.100.23").exists()


def test_ipv6_addresses_count_by_their_64():
    assert services.hash_address("2001:db8:1:2::1") == services.hash_address("2001:db8:1:2:ffff::9")
    assert services.hash_address("2001:db8:1:2::1") != services.hash_address("2001:db8:1:3::1")


def test_the_form_is_csrf_protected(settings):
    client = Client(enforce_csrf_checks=True)
    response = post(client)
    assert response.status_code == 403
    assert_nothing_stored(settings)


# --- refusals: each says why, nothing is stored -------------------------------------------


def test_oversize_file_refused_naming_the_file_and_the_limit(client, settings):
    settings.DRACHMA_INTAKE_MAX_FILE_BYTES = 1000
    response = post(
        client, files=[upload("small.txt", CHAT_EXPORT[:100]), upload("huge.txt", b"a" * 5000)]
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "huge.txt: it is larger than the limit of 1000 bytes per file." in html
    assert "Nothing was stored" in html
    assert_nothing_stored(settings)


def test_too_many_files_refused(client, settings):
    settings.DRACHMA_INTAKE_MAX_FILES = 2
    files = [upload(f"shot{i}.png", PNG) for i in range(4)]
    response = post(client, files=files)
    assert response.status_code == 400
    assert "You chose 4 files; at most 2 can be sent with one report." in response.content.decode()
    assert_nothing_stored(settings)


def test_files_too_large_together_refused(client, settings):
    settings.DRACHMA_INTAKE_MAX_TOTAL_BYTES = 300
    response = post(client, files=[upload("a.txt", b"a" * 200), upload("b.txt", b"b" * 200)])
    assert response.status_code == 400
    assert (
        "b.txt: with it the files come to more than the limit of 300 bytes for one report."
        in response.content.decode()
    )
    assert_nothing_stored(settings)


def test_content_not_matching_its_extension_refused(client, settings):
    response = post(client, files=[upload("chat.txt", CHAT_EXPORT), upload("holiday.jpg", PE)])
    assert response.status_code == 400
    assert (
        "holiday.jpg: its content is a Windows program, not a JPEG image."
        in response.content.decode()
    )
    assert_nothing_stored(settings)


def test_a_disallowed_type_refused(client, settings):
    response = post(client, files=[upload("invoice.exe", PE)])
    assert response.status_code == 400
    assert "invoice.exe: &#x27;.exe&#x27; files are not accepted." in response.content.decode()
    assert_nothing_stored(settings)


def test_the_honeypot_refuses_bots(client, settings):
    response = post(client, website="http://spam.example.com")
    assert response.status_code == 400
    assert "only automated programs do" in response.content.decode()
    assert_nothing_stored(settings)


def test_the_honeypot_name_is_configurable(client, settings):
    settings.DRACHMA_INTAKE_HONEYPOT_FIELD = "fax_number"
    assert 'name="fax_number"' in client.get(URL).content.decode()
    response = post(client, fax_number="0161 496 0000")
    assert response.status_code == 400
    assert_nothing_stored(settings)


def test_reports_from_one_address_are_limited(client, settings):
    settings.DRACHMA_INTAKE_RATE_LIMIT = "2/h"
    assert post(client).status_code == 200
    assert post(client).status_code == 200
    response = post(client)
    assert response.status_code == 429
    assert (
        "2 reports have already been sent from your connection in the last hour"
        in response.content.decode()
    )
    assert Report.objects.count() == 2
    assert post(client, address="192.0.2.99").status_code == 200  # another address is not affected


def test_a_flood_of_attempts_is_refused_even_when_the_report_is_good(client, settings):
    settings.DRACHMA_INTAKE_ATTEMPT_LIMIT = "3/h"
    for _ in range(3):
        assert post(client, text="").status_code == 400  # refused, but counted
    response = post(client)
    assert response.status_code == 429
    assert (
        "Too many attempts have been made from your connection (at most 3 in hour)"
        in response.content.decode()
    )
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("text", "", "This field is required"),
        ("reporter_type", "alien", "Select a valid choice"),
        ("reporter_email", "not-an-address", "Enter a valid email address"),
        ("form_token", "", "The form has expired or was changed"),
    ],
)
def test_bad_fields_refused_with_a_clear_message(client, settings, field, value, message):
    response = post(client, **{field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert_nothing_stored(settings)


# An optional field that cannot be read is kept as written and flagged for triage: it never
# refuses the whole report (issue 11; these were refusals before).
@pytest.mark.parametrize(
    ("field", "value", "line", "problem"),
    [
        (
            "links",
            "https://x.com/someone\njavascript:alert(1)",
            2,
            "'javascript:alert(1)' is not a web address",
        ),
        ("phones", "0161 496 0123\n12345", 2, "'12345' is not a valid phone number"),
        ("handles", "john smith", 1, "'john smith' is not a handle (handles have no spaces)"),
        ("names", "x", 1, "'x' is too short to be a name"),
    ],
)
def test_an_unreadable_optional_line_is_kept_and_flagged(client, field, value, line, problem):
    response = post(client, **{field: value})
    assert response.status_code == 200, response.content.decode()[:3000]
    report = Report.objects.get()
    [flag] = report.unreadable
    assert flag["field"] == field and flag["line"] == line
    assert flag["value"] == value.splitlines()[line - 1]
    assert problem in flag["problem"]
    # The lines that could be read are still read.
    if field == "links":
        assert [link.normalized for link in report.links.all()] == ["https://x.com/someone"]
    if field == "phones":
        assert report.identifiers.filter(kind="phone", normalized="+441614960123").exists()


def test_an_unreadable_contact_phone_is_kept_as_written_and_flagged_without_the_number(client):
    response = post(client, reporter_phone="07700 900123 (evenings)")
    assert response.status_code == 200
    report = Report.objects.get()
    assert report.reporter_phone == "07700 900123 (evenings)"
    [flag] = report.unreadable
    assert flag["field"] == "reporter_phone" and flag["value"] == ""
    assert "07700" not in str(report.unreadable)


def test_the_triage_page_shows_what_could_not_be_read(client, client_as):
    post(client, phones="12345", reporter_phone="abc")
    report = Report.objects.get()
    officer = client_as("safeguarding_officer")
    html = officer.get(reverse("intake:detail", args=[report.reference])).content.decode()
    assert "Could not be read" in html
    assert "Phone numbers, line 1" in html and "12345" in html
    assert "The reporter&#x27;s phone number" in html
    assert ">abc<" not in html  # a safeguarding officer does not see the reporter's details


def test_a_report_is_sent_once_per_form(client, settings):
    data = form_data()
    assert client.post(URL, data, REMOTE_ADDR="203.0.113.7").status_code == 200
    again = client.post(URL, data, REMOTE_ADDR="203.0.113.7")
    assert again.status_code == 400
    html = again.content.decode()
    assert "This report has already been sent" in html
    assert Report.objects.get().reference not in html
    assert Report.objects.count() == 1


def test_storage_failing_midway_leaves_nothing(make_report, monkeypatch, settings):
    from drachma.evidence import services as evidence_services
    from drachma.intake import services as intake_services

    real = evidence_services.receive_file
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(intake_services, "receive_file", failing)
    with pytest.raises(OSError):
        make_report(files=[upload("a.txt", CHAT_EXPORT), upload("b.jpg", JPEG)])
    assert (
        Report.objects.count() == 0
        and EvidenceItem.objects.count() == 0
        and StoredFile.objects.count() == 0
    )


def test_other_methods_are_not_answered(client):
    assert client.put(URL).status_code == 405


def test_every_help_text_is_referenced_by_its_field(client):
    """Screen readers read a field's help text only when aria-describedby names its element."""
    html = client.get(URL).content.decode()
    # GOV.UK hints (docs/design.md): <div id="<id>_helptext" class="govuk-hint">.
    help_ids = re.findall(r'<div id="([^"]+)" class="govuk-hint', html)
    assert "id_text_helptext" in help_ids and "id_files_helptext" in help_ids
    described = set()
    for value in re.findall(r'aria-describedby="([^"]+)"', html):
        described.update(value.split())
    assert set(help_ids) <= described, set(help_ids) - described
