"""A case's disclosure pages, documents and API: the overview, certification through a
confirmation step, DRAFT on every page of a draft's PDF, the CSV's safety, the refusals shown
beside their fields, and the DMD with the third-party requests."""

import datetime
import subprocess

import pytest
from django.utils import timezone

from drachma.cases import disclosure, documents
from drachma.cases.models import Schedule, ThirdPartyRequest
from tests.cases.helpers import make_case
from tests.conftest import sign_in
from tests.evidence.factories import build_incident_evidence
from tests.factories import field_of, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(disclosure_officer):
    return disclosure_officer


@pytest.fixture
def case(investigator, officer):
    return make_case(investigator, officer)


def _mg6c(case):
    return Schedule.objects.get(case=case, kind="MG6C", version=1)


def pdf_pages(data: bytes, tmp_path) -> list[str]:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def test_the_overview_shows_each_part(client, case, officer, analyst):
    disclosure.add_material(case, user=officer, description="Pocket notebook of PC Smith")
    sign_in(client, officer)
    page = client.get(f"/cases/{case.urn}/disclosure/").content.decode()
    for words in ("Pocket notebook of PC Smith", "MG6C", "MG6E", "Third-party material"):
        assert words in page
    assert "Disclosure Management Document" in page
    sign_in(client, analyst)
    assert client.get(f"/cases/{case.urn}/disclosure/").status_code in (403, 404)


def test_certifying_goes_through_a_confirmation_step(client, case, officer):
    material = disclosure.add_material(case, user=officer, description="Custody record")
    url = f"/cases/disclosure/schedules/{_mg6c(case).pk}/certify/"
    sign_in(client, officer)
    page = client.get(url).content.decode()
    assert "Certify the MG6C of" in page and "still undecided" in page
    assert _mg6c(case).state == "draft"
    refused = client.post(url, {"role": "DC 12, disclosure officer"})
    assert refused.status_code == 400
    assert "still undecided" in refused.content.decode()
    assert _mg6c(case).state == "draft"
    disclosure.update_material(material, user=officer, status="scheduled")
    response = client.post(url, {"role": "DC 12, disclosure officer"})
    assert response.status_code == 302
    schedule = _mg6c(case)
    assert (schedule.state, schedule.certified_role) == ("certified", "DC 12, disclosure officer")


def test_a_drafts_pdf_says_draft_on_every_page_and_a_certified_one_its_certification(
    case, officer, tmp_path
):
    for n in range(60):
        disclosure.add_material(
            case, user=officer, description=f"Notebook entry {n} " + "words " * 20
        )
    pages = pdf_pages(documents.schedule_pdf(_mg6c(case), user=officer), tmp_path)
    assert len(pages) > 1
    for number, page in enumerate(pages, 1):
        assert "DRAFT" in page
        assert f"Page {number} of {len(pages)}" in page
    first = pages[0]
    for words in (
        case.urn,
        "Greater Manchester Police",
        "Officer in the case",
        "Disclosure officer",
    ):
        assert words in first
    for m in case.material.all():
        disclosure.update_material(m, user=officer, status="scheduled")
    schedule = disclosure.certify(_mg6c(case), user=officer, role="Disclosure officer")
    pages = pdf_pages(documents.schedule_pdf(schedule, user=officer), tmp_path)
    assert not any("DRAFT" in page for page in pages)
    assert schedule.certified_name in pages[-1] and "I certify" in pages[-1]


def test_the_csv_never_runs_a_formula(client, case, officer):
    disclosure.add_material(case, user=officer, description='=HYPERLINK("http://x")')
    sign_in(client, officer)
    response = client.get(f"/cases/disclosure/schedules/{_mg6c(case).pk}/schedule.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in body
    assert body.splitlines()[0].startswith("Item no.,Description,Location")


def test_a_candidate_decision_without_a_reason_is_shown_beside_the_field(
    client, investigator, officer
):
    incident, _ = build_incident_evidence(investigator)
    case = make_case(investigator, officer, urn="06AB1234726", incident=incident)
    sign_in(client, officer)
    assert client.post(f"/cases/{case.urn}/disclosure/candidates/").status_code == 302
    candidate = case.mg6e_candidates.first()
    response = client.post(f"/cases/disclosure/candidates/{candidate.pk}/", {"decision": "accept"})
    assert response.status_code == 400
    assert "Give the reason for accepting it" in response.content.decode()
    response = client.post(
        f"/cases/disclosure/candidates/{candidate.pk}/", {"decision": "", "reason": "x"}
    )
    assert "Choose whether to accept" in response.content.decode()
    response = client.post(
        f"/cases/disclosure/candidates/{candidate.pk}/",
        {"decision": "decline", "reason": "Bears on nothing in issue"},
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.state, candidate.reason) == ("declined", "Bears on nothing in issue")


def test_a_request_with_no_recipient_is_refused_on_the_page(client, case, officer):
    sign_in(client, officer)
    response = client.post(
        f"/cases/{case.urn}/disclosure/requests/new/",
        {
            "holder_kind": "platform",
            "what": "account_data",
            "reasons": "Subscriber details",
            "asked_on": timezone.localdate().isoformat(),
            "legal_route": "production_order",
        },
    )
    assert response.status_code == 400
    assert "Name the platform the material was asked of." in response.content.decode()
    assert not ThirdPartyRequest.objects.exists()


def test_the_dmd_pdf_has_the_annex_c_headings_and_the_requests(case, officer, tmp_path):
    disclosure.save_dmd(case, user=officer, lines_of_enquiry="Ask the group for its full logs")
    disclosure.add_request(
        case,
        user=officer,
        holder_kind="agency",
        holder_name="Social care",
        what="records",
        reasons="Contact with the child before the sting",
        asked_on=timezone.localdate() - datetime.timedelta(days=2),
    )
    text = "\n".join(pdf_pages(documents.dmd_pdf(case, user=officer), tmp_path))
    for words in (
        "Reasonable lines of enquiry",
        "Strategy for digital material",
        "Third-party material",
        "Ask the group for its full logs",
        "TP1",
        "Social care",
    ):
        assert words in text


def test_the_api_records_material_and_refuses_an_undecided_certification(client, case, officer):
    sign_in(client, officer)
    response = send(
        client,
        "POST",
        f"/api/cases/cases/{case.urn}/disclosure/material",
        {"description": "Call log", "location": "Bolton"},
    )
    assert response.status_code == 201 and response.json()["number"] == 1
    schedule_id = _mg6c(case).pk
    response = send(
        client, "POST", f"/api/cases/disclosure/schedules/{schedule_id}/certify", {"role": ""}
    )
    assert response.status_code == 422 and field_of(response) == ["rows"]
    material_id = case.material.get().pk
    response = send(
        client, "POST", f"/api/cases/disclosure/material/{material_id}", {"status": "scheduled"}
    )
    assert response.status_code == 200 and response.json()["status"] == "scheduled"
    response = send(
        client, "POST", f"/api/cases/disclosure/schedules/{schedule_id}/certify", {"role": ""}
    )
    assert response.status_code == 200 and response.json()["state"] == "certified"
    body = client.get(f"/api/cases/cases/{case.urn}/disclosure").json()
    assert [s["state"] for s in body["schedules"] if s["kind"] == "MG6C"] == ["certified"]
    response = send(
        client,
        "POST",
        f"/api/cases/cases/{case.urn}/disclosure/requests",
        {"holder_kind": "group", "what": "device", "reasons": "x", "asked_on": "2026-01-01"},
    )
    assert response.status_code == 422 and field_of(response) == ["group"]


# --- the bundle per case ---------------------------------------------------------------------


def _zip(path):
    import zipfile

    return zipfile.ZipFile(path)


def test_export_bundle_by_urn_and_by_the_incident_of_one_case(investigator, officer, tmp_path):
    import io
    import json

    from django.core.management import CommandError, call_command

    incident, found = build_incident_evidence(investigator)
    case = make_case(investigator, officer, incident=incident)
    for m in case.material.all():
        disclosure.update_material(m, user=officer, status="scheduled")
    disclosure.certify(_mg6c(case), user=officer, role="Disclosure officer")
    disclosure.update_material(case.material.first(), user=officer, location="Moved")
    disclosure.save_dmd(case, user=officer, lines_of_enquiry="Ask the group")
    out = tmp_path / "case.zip"
    call_command("export_bundle", case.urn, str(out), stdout=io.StringIO())
    names = set(_zip(out).namelist())
    chat = found["chat"]
    for name in (
        f"exhibits/{chat.exhibit_ref}_WhatsApp Chat with Mark B.txt",
        f"disclosure/{case.urn}-MG6C-v1.pdf",  # certified, then revised: kept
        f"disclosure/{case.urn}-MG6C-v2.pdf",  # the revision's draft
        f"disclosure/{case.urn}-MG6D-v1.csv",
        f"disclosure/{case.urn}-MG6E-v1.pdf",
        "disclosure/DMD.pdf",
        "exposure-timeline.pdf",
        "exposure-timeline.csv",
        "case-publication-log.csv",
        f"incidents/{incident.reference}/publication-log.csv",
        "case.jsonld",
        "README.txt",
        "manifest.json",
        "SHA256SUMS",
    ):
        assert name in names, name
    manifest = json.loads(_zip(out).read("manifest.json"))
    assert manifest["case"] == case.urn
    readme = _zip(out).read("README.txt").decode()
    assert f"case {case.urn}" in readme
    # The CASE/UCO description of the case's exhibits passes case_validate (CASE 1.5).
    import sys
    from pathlib import Path

    graph = tmp_path / "case.jsonld"
    graph.write_bytes(_zip(out).read("case.jsonld"))
    result = subprocess.run(
        [str(Path(sys.executable).with_name("case_validate")), str(graph)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Conforms: True" in result.stdout, result.stdout + result.stderr
    # The incident's reference names the same case's bundle.
    by_incident = tmp_path / "incident.zip"
    call_command("export_bundle", incident.reference, str(by_incident), stdout=io.StringIO())
    assert json.loads(_zip(by_incident).read("manifest.json"))["case"] == case.urn
    # An incident in two cases is ambiguous; its URNs are named.
    second = make_case(investigator, officer, urn="06AB1234826", incident=incident)
    with pytest.raises(CommandError, match=f"{case.urn}, {second.urn}|{second.urn}, {case.urn}"):
        call_command("export_bundle", incident.reference, str(tmp_path / "x.zip"))
    assert not (tmp_path / "x.zip").exists()


def test_the_case_page_button_downloads_the_bundle(client, investigator, officer):
    incident, _ = build_incident_evidence(investigator)
    case = make_case(investigator, officer, incident=incident)
    sign_in(client, officer)
    page = client.get(f"/cases/{case.urn}/disclosure/").content.decode()
    assert (
        "Download the prosecutor&#x27;s bundle" in page
        or "Download the prosecutor's bundle" in page
    )
    response = client.post(f"/cases/{case.urn}/bundle/")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'bundle-{case.urn}.zip"')
    assert b"".join(response.streaming_content)[:2] == b"PK"
