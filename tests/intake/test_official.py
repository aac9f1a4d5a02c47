"""Official channels: referrals in (CEOP, platforms, other forces), the quarantine of material
that may be indecent imagery (the digital forensics unit's alone), and onward referrals."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from drachma.audit.models import AuditAction, AuditEntry
from drachma.core.roles import Role
from drachma.evidence.models import EvidenceItem
from drachma.intake import official
from drachma.intake.models import (
    OnwardReferral,
    OnwardReferralEvent,
    Origin,
    QuarantineReason,
    Report,
    ReportFile,
    ReportStatus,
)
from drachma.intake.workflow import ONWARD
from tests.intake.conftest import PDF, PNG, upload

pytestmark = pytest.mark.django_db

ALL_ROLES = [str(r) for r in Role]
UNIT = "digital_forensics"


def receive(user, **fields):
    values = {
        "reporter_type": "platform",
        "sender": "Snapchat (Snap Inc.)",
        "sender_reference": "SNAP-2026-0042",
        "concern": "possible_offender",
        "text": "An adult account asked a 13-year-old for images.",
        "handles": "snapchat: @groomer_99",
    }
    values.update(fields)
    return official.receive_referral(user=user, **values)


@pytest.fixture
def officer(safeguarding_officer):
    return safeguarding_officer


# --- referrals in ---------------------------------------------------------------------------


def test_a_referral_in_is_a_report_routed_and_matched_like_a_public_one(officer, make_report):
    earlier = make_report(handles="snapchat: @groomer_99", text="A public report.")
    report = receive(officer, files=[upload("chat.png", PNG), upload("notes.pdf", PDF)])
    assert report.origin == Origin.REFERRAL
    assert (report.sender, report.sender_reference) == ("Snapchat (Snap Inc.)", "SNAP-2026-0042")
    assert report.received_by == officer
    # The same routing: a possible offender goes to the investigation team on arrival.
    assert report.status == ReportStatus.REFERRED and report.referral.reference
    # The same de-duplication against what is known: the earlier public report matches.
    assert report.matches.filter(other_report=earlier).exists()
    image, pdf = report.files.order_by("position")
    # Images from an official channel are quarantined by default; the PDF is not.
    assert image.quarantined and image.quarantine_reason == QuarantineReason.CHANNEL
    assert image.item.quarantined and not pdf.quarantined and not pdf.item.quarantined
    assert image.item.received_from == "Snapchat (Snap Inc.)"


def test_the_sender_marks_material_and_everything_is_quarantined(officer):
    report = receive(officer, may_be_indecent=True, files=[upload("notes.pdf", PDF)])
    [only] = report.files.all()
    assert only.quarantined and only.quarantine_reason == QuarantineReason.SENDER


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_referral_without_a_sender_reference_is_refused_and_nothing_kept(officer, blank):
    with pytest.raises(ValidationError) as exc:
        receive(officer, sender_reference=blank, files=[upload("chat.png", PNG)])
    assert "sender's reference" in exc.value.message_dict["sender_reference"][0]
    assert not Report.objects.exists() and not EvidenceItem.objects.exists()


def test_a_referral_from_a_public_reporter_type_is_refused(officer):
    with pytest.raises(ValidationError) as exc:
        receive(officer, reporter_type="public")
    assert "reporter_type" in exc.value.message_dict
    assert not Report.objects.exists()


def test_the_database_refuses_a_referral_in_without_a_sender_reference(officer):
    from django.db import IntegrityError

    report = receive(officer)
    with pytest.raises(IntegrityError):
        Report.objects.filter(pk=report.pk).update(sender_reference="")


def test_a_duplicate_sender_reference_is_refused_naming_the_earlier_one(officer):
    first = receive(officer)
    with pytest.raises(ValidationError) as exc:
        receive(officer, sender_reference=" snap-2026-0042 ", files=[upload("again.png", PNG)])
    message = exc.value.message_dict["sender_reference"][0]
    assert first.reference in message and "SNAP-2026-0042" in message
    assert Report.objects.count() == 1 and EvidenceItem.objects.count() == 0
    # Another sender may use the same reference.
    other = receive(officer, sender="NCA CEOP", reporter_type="ceop")
    assert other.sender_reference == first.sender_reference


def test_the_staff_page_enters_a_referral_and_refuses_one_without_reference(client_as):
    client = client_as("safeguarding_officer")
    data = {
        "reporter_type": "ceop",
        "sender": "NCA CEOP",
        "sender_reference": "",
        "concern": "possible_offender",
        "text": "CEOP referral: an adult grooming a child.",
        "files": [upload("img.jpg", PNG)],
    }
    refused = client.post("/intake/referrals-in/new/", data)
    assert refused.status_code == 400 and "sender&#x27;s reference" in refused.content.decode()
    assert not Report.objects.exists()
    data["sender_reference"] = "CEOP-7781"
    data["files"] = [upload("img.png", PNG)]
    response = client.post("/intake/referrals-in/new/", data)
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/intake/reports/{report.reference}/"
    )
    assert report.files.get().quarantined
    page = client.get(f"/intake/reports/{report.reference}/").content.decode()
    assert "CEOP-7781" in page and "Quarantined" in page
    duplicate = client.post("/intake/referrals-in/new/", {**data, "files": []})
    assert duplicate.status_code == 400 and report.reference in duplicate.content.decode()


def test_the_public_page_does_not_offer_the_official_senders(client):
    page = client.get("/intake/report/").content.decode()
    assert 'value="ceop"' not in page and 'value="force"' not in page


def test_the_api_enters_a_referral_and_refuses_bad_input(client_as):
    client = client_as("investigator")
    payload = {
        "reporter_type": "force",
        "sender": "West Yorkshire Police",
        "sender_reference": "",
        "concern": "confrontation_happened",
        "text": "Passed on by a neighbouring force.",
    }
    refused = client.post("/api/intake/referrals-in", payload, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "sender_reference"
    payload["sender_reference"] = "WYP-1"
    made = client.post("/api/intake/referrals-in", payload, content_type="application/json")
    assert made.status_code == 201 and made.json()["origin"] == "referral"
    again = client.post("/api/intake/referrals-in", payload, content_type="application/json")
    assert again.status_code == 422 and made.json()["reference"] in again.content.decode()
    analyst = client_as("analyst")
    assert (
        analyst.post(
            "/api/intake/referrals-in", payload, content_type="application/json"
        ).status_code
        == 403
    )


# --- quarantine: access role by role -------------------------------------------------------


@pytest.fixture
def quarantined(officer):
    report = receive(officer, files=[upload("image.png", PNG)])
    return report.files.get()


def _views(model="intake.reportfile") -> int:
    return AuditEntry.objects.filter(action=AuditAction.VIEW, model=model).count()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_the_unit_lists_downloads_and_grades_quarantined_material(
    client_as, quarantined, role
):
    client = client_as(role)
    pk = quarantined.pk
    listing = client.get("/intake/quarantine/")
    download = client.get(f"/intake/quarantine/{pk}/file/")
    grade_page = client.get(f"/intake/quarantine/{pk}/grade/")
    api_list = client.get("/api/intake/quarantine")
    api_file = client.get(f"/api/intake/quarantine/{pk}/file")
    api_grade = client.post(
        f"/api/intake/quarantine/{pk}/grade", {"category": "C"}, content_type="application/json"
    )
    if role == UNIT:
        assert (
            listing.status_code == 200 and quarantined.item.exhibit_ref in listing.content.decode()
        )
        assert grade_page.status_code == 200 and api_list.status_code == 200
        for response in (download, api_file):
            assert response.status_code == 200
            assert response["Content-Type"] == "application/octet-stream"
            assert response["Content-Disposition"].startswith("attachment;")
            assert "sandbox" in response["Content-Security-Policy"]
            assert hashlib.sha256(b"".join(response.streaming_content)).digest() == (
                hashlib.sha256(PNG).digest()
            )
        assert api_grade.status_code == 200 and api_grade.json()["grade"] == "C"
        # Every listing and download recorded a view (list page, API list, two downloads,
        # the grade page, the grade's answer).
        assert _views() >= 6
        downloads = AuditEntry.objects.filter(
            action=AuditAction.VIEW, model="intake.reportfile", changes__fields=["file"]
        )
        assert downloads.count() == 2
    else:
        assert listing.status_code == 403 and api_list.status_code == 403
        # A URL naming a file answers 404: its existence is not revealed.
        for response in (download, grade_page, api_file, api_grade):
            assert response.status_code == 404, response
        assert _views() == 0
        quarantined.refresh_from_db()
        assert quarantined.grade == ""


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_evidence_pages_never_serve_quarantined_bytes(client_as, quarantined, role, officer):
    item = quarantined.item
    # Another exhibit of the same bytes (the store keeps one copy): refused just the same.
    twin = receive(
        officer,
        sender_reference="SNAP-2026-0043",
        reporter_type="ceop",
        files=[upload("same.pdf", PDF)],
    ).files.get()
    client = client_as(role)
    for url in (
        f"/evidence/items/{item.exhibit_ref}/file/",
        f"/evidence/items/{item.exhibit_ref}/conversation/",
    ):
        response = client.get(url)
        assert response.status_code in (403, 404)
        assert PNG not in response.content
    detail = client.get(f"/evidence/items/{item.exhibit_ref}/")
    assert PNG not in detail.content
    assert twin.item.exhibit_ref  # a PDF, not quarantined: served as usual to who may


def test_an_exhibit_sharing_quarantined_bytes_is_not_served(client_as, officer, make_report):
    public = make_report(files=[upload("copy.png", PNG)])
    receive(officer, files=[upload("image.png", PNG)])
    exhibit = public.files.get().item
    assert not exhibit.quarantined
    response = client_as("investigator").get(f"/evidence/items/{exhibit.exhibit_ref}/file/")
    assert response.status_code == 403 and PNG not in response.content


def test_the_report_page_names_quarantined_files_without_showing_them(client_as, quarantined):
    for role in ("safeguarding_officer", "investigator", "supervisor"):
        page = client_as(role).get(f"/intake/reports/{quarantined.report.reference}/")
        html = page.content.decode()
        assert page.status_code == 200 and "Quarantined" in html
        assert "<img" not in html and "/file/" not in html and "quarantine/" not in html


def test_a_capture_of_quarantined_bytes_has_no_preview(quarantined, make_user):
    from drachma.takedown import selectors as takedown_selectors
    from drachma.takedown.models import Capture

    fields = {f.name for f in Capture._meta.get_fields()}
    assert "evidence" in fields
    capture = Capture(evidence=quarantined.item, media_kind="image")
    capture.pk = 0
    with pytest.raises(PermissionDenied):
        # The check comes before any byte is read.
        from unittest import mock

        with mock.patch("drachma.takedown.selectors.get_or_404", return_value=capture):
            takedown_selectors.capture_image_for(make_user(UNIT), 0)


# --- grading: the unit's decision, under the national categories ----------------------------


def test_the_unit_grades_with_who_and_when(quarantined, make_user):
    examiner = make_user(UNIT)
    graded = official.grade_file(quarantined, user=examiner, category="A", note="Checked twice.")
    assert (graded.grade, graded.graded_by, graded.grade_note) == ("A", examiner, "Checked twice.")
    assert abs(graded.graded_at - timezone.now()) < datetime.timedelta(minutes=1)
    assert AuditEntry.objects.filter(action=AuditAction.DECISION, model="intake.reportfile")


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r != UNIT])
def test_grading_by_a_role_other_than_the_unit_is_refused(quarantined, make_user, role):
    with pytest.raises(PermissionDenied):
        official.grade_file(quarantined, user=make_user(role), category="B")
    quarantined.refresh_from_db()
    assert quarantined.grade == "" and quarantined.graded_by is None


@pytest.mark.parametrize("category", ["D", "a", "Category A", "", "indecent"])
def test_a_category_not_in_the_national_list_is_refused(quarantined, make_user, category):
    with pytest.raises(ValidationError) as exc:
        official.grade_file(quarantined, user=make_user(UNIT), category=category)
    assert "national categories" in exc.value.message_dict["category"][0]
    quarantined.refresh_from_db()
    assert quarantined.grade == ""


def test_the_grade_page_refuses_a_category_not_in_the_list(client_as, quarantined):
    client = client_as(UNIT)
    response = client.post(f"/intake/quarantine/{quarantined.pk}/grade/", {"category": "D"})
    assert response.status_code == 400
    api = client.post(
        f"/api/intake/quarantine/{quarantined.pk}/grade",
        {"category": "D"},
        content_type="application/json",
    )
    assert api.status_code == 422 and api.json()["errors"][0]["field"] == "category"


def test_an_unquarantined_file_is_not_graded(officer, make_user, make_report):
    report = make_report(files=[upload("notes.pdf", PDF)])
    with pytest.raises(Exception):  # noqa: B017  (404: not in the quarantine)
        official.grade_file(report.files.get(), user=make_user(UNIT), category="C")


def test_triage_marks_a_file_for_quarantine(client_as, make_report, officer):
    report = make_report(files=[upload("notes.pdf", PDF)])
    client = client_as("safeguarding_officer")
    url = f"/intake/reports/{report.reference}/files/1/quarantine/"
    assert client.get(url).status_code == 200  # a page saying what will happen
    assert client.post(url, {"reason": "A still from a video."}).status_code == 302
    marked = report.files.get()
    assert marked.quarantined and marked.quarantine_reason == QuarantineReason.TRIAGE
    assert marked.item.quarantined
    with pytest.raises(ValidationError):
        official.quarantine_file(marked, user=officer)
    api = client.post(
        f"/api/intake/reports/{report.reference}/files/1/quarantine",
        {},
        content_type="application/json",
    )
    assert api.status_code == 422 and "already quarantined" in api.content.decode()


# --- onward referrals -----------------------------------------------------------------------


def onward(report, user, **fields):
    values = {
        "destination": "childrens_social_care",
        "recipient": "Rochdale children's social care",
        "channel": "secure e-mail",
        "what_sent": "The report and the child's school.",
    }
    values.update(fields)
    return official.record_onward_referral(report, user=user, **values)


def test_an_onward_referral_without_a_recipient_is_refused(make_report, officer):
    report = make_report()
    for blank in ("", "   "):
        with pytest.raises(ValidationError) as exc:
            onward(report, officer, recipient=blank)
        assert "recipient" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        onward(report, officer, destination="group")
    assert "destination" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        onward(report, officer, sent_at=timezone.now() + datetime.timedelta(days=1))
    assert "sent_at" in exc.value.message_dict
    assert not OnwardReferral.objects.exists() and not OnwardReferralEvent.objects.exists()


def test_ceop_goes_through_the_official_channel_by_default(make_report, officer):
    sent = onward(make_report(), officer, destination="ceop", recipient="NCA CEOP", channel="")
    assert "CEOP's referral portal" in sent.channel


def test_sent_then_answered(make_report, officer):
    sent = onward(make_report(), officer)
    assert sent.status == "sent" and sent.sent_by == officer
    when = timezone.now() - datetime.timedelta(minutes=5)
    sent.sent_at = when - datetime.timedelta(hours=1)
    sent.save(update_fields=["sent_at"])
    answered = official.answer_onward_referral(
        sent,
        user=officer,
        answer="Strategy meeting held; a child protection plan.",
        answered_at=when,
    )
    assert answered.status == "answered" and answered.answered_at == when
    assert answered.answer_recorded_by == officer
    assert [e.transition for e in answered.events.all()] == ["send", "answer"]
    with pytest.raises(ValidationError):  # answered once
        official.answer_onward_referral(answered, user=officer, answer="Again.")
    with pytest.raises(ValidationError):  # an answered referral is not withdrawn
        official.withdraw_onward_referral(answered, user=officer, reason="No.")


def test_sent_then_withdrawn(make_report, officer):
    withdrawn = official.withdraw_onward_referral(
        onward(make_report(), officer), user=officer, reason="Sent to the wrong council."
    )
    assert withdrawn.status == "withdrawn" and withdrawn.withdrawn_reason
    with pytest.raises(ValidationError):
        official.answer_onward_referral(withdrawn, user=officer, answer="Late answer.")


def test_an_answer_needs_words_a_sane_time_and_the_permission(make_report, officer, make_user):
    sent = onward(make_report(), officer)
    with pytest.raises(ValidationError):
        official.answer_onward_referral(sent, user=officer, answer="  ")
    with pytest.raises(ValidationError) as exc:
        official.answer_onward_referral(
            sent, user=officer, answer="Yes.", answered_at=sent.sent_at - datetime.timedelta(1)
        )
    assert "answered_at" in exc.value.message_dict
    with pytest.raises(ValidationError):
        official.answer_onward_referral(sent, user=make_user("analyst"), answer="Yes.")
    sent.refresh_from_db()
    assert sent.status == "sent"


def test_the_onward_machine_has_only_these_steps():
    assert ONWARD.pairs() == {("sent", "answer", "answered"), ("sent", "withdraw", "withdrawn")}


def test_onward_referrals_through_the_pages_and_api(client_as, make_report):
    report = make_report()
    client = client_as("investigator")
    refused = client.post(
        f"/intake/reports/{report.reference}/onward/",
        {"destination": "force", "recipient": "", "what_sent": "All of it."},
    )
    assert refused.status_code == 400 and not OnwardReferral.objects.exists()
    made = client.post(
        f"/api/intake/reports/{report.reference}/onward",
        {
            "destination": "adult_social_care",
            "recipient": "Oldham adult social care",
            "channel": "phone then secure e-mail",
            "what_sent": "The concern about a vulnerable adult.",
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    answered = client.post(f"/intake/onward/{pk}/answer/", {"answer": "Assessment opened."})
    assert answered.status_code == 302
    page = client.get(f"/intake/reports/{report.reference}/").content.decode()
    assert "Oldham adult social care" in page and "Assessment opened." in page
    listed = client.get(f"/api/intake/reports/{report.reference}/onward").json()
    assert listed[0]["status"] == "answered"
    no_recipient = client.post(
        f"/api/intake/reports/{report.reference}/onward",
        {"destination": "force", "what_sent": "x", "channel": "e-mail"},
        content_type="application/json",
    )
    assert no_recipient.status_code == 422
    assert no_recipient.json()["errors"][0]["field"] == "recipient"


def test_grading_is_never_done_by_drachma(officer):
    """Nothing on arrival sets a grade: only the unit's decision does."""
    report = receive(officer, may_be_indecent=True, files=[upload("a.png", PNG)])
    assert ReportFile.objects.get(report=report).grade == ""


def test_the_bundle_never_carries_quarantined_bytes(officer, make_user, tmp_path):
    import zipfile

    from drachma.evidence.bundle import write_bundle
    from drachma.incidents.services import create_incident
    from drachma.intake.services import attach_evidence

    report = receive(officer, files=[upload("image.png", PNG), upload("notes.pdf", PDF)])
    when = timezone.now() - datetime.timedelta(hours=3)
    incident = create_incident(
        user=make_user("analyst"),
        occurred_at=when,
        received_at=when,
        source="group",
        kind="doorstep",
        summary="Test incident.",
        place="Preston",
    )
    attach_evidence(report, incident, officer)
    result = write_bundle(incident, tmp_path / "bundle.zip")
    with zipfile.ZipFile(result.path) as bundle:
        names = bundle.namelist()
        contents = b"".join(bundle.read(n) for n in names)
    image = report.files.get(position=1).item
    assert f"exhibits/{image.exhibit_ref}_QUARANTINED.txt" in names
    assert PNG not in contents and PDF in contents
