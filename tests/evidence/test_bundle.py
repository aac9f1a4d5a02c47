"""The prosecutor's bundle: contents, manifest hashes, CASE/UCO validity, and bad input."""

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from drachma.evidence.store import blob_name
from tests.evidence.factories import build_incident_evidence, whatsapp_bytes

CASE_VALIDATE = Path(sys.executable).with_name("case_validate")


@pytest.fixture
def world(make_user):
    user = make_user("investigator")
    incident, things = build_incident_evidence(user)
    return user, incident, things


def _bundle(incident, tmp_path) -> zipfile.ZipFile:
    out = tmp_path / "bundle.zip"
    stdout = io.StringIO()
    call_command("export_bundle", incident.reference, str(out), stdout=stdout)
    assert "2 exhibit(s)" in stdout.getvalue()
    return zipfile.ZipFile(out)


@pytest.mark.django_db
def test_bundle_holds_everything_and_the_manifest_matches(world, tmp_path):
    _, incident, things = world
    zf = _bundle(incident, tmp_path)
    names = set(zf.namelist())
    chat, shot = things["chat"], things["shot"]
    expected = {
        f"exhibits/{chat.exhibit_ref}_WhatsApp Chat with Mark B.txt",
        f"exhibits/{shot.exhibit_ref}_shot.png",
        f"continuity/{chat.exhibit_ref}.txt",
        f"continuity/{chat.exhibit_ref}.pdf",
        f"continuity/{shot.exhibit_ref}.txt",
        f"continuity/{shot.exhibit_ref}.pdf",
        f"conversations/{chat.exhibit_ref}.html",
        f"conversations/{chat.exhibit_ref}.quality.json",
        "disclosure/MG6C.csv",
        "disclosure/MG6C.pdf",
        "disclosure/MG6D.csv",
        "disclosure/MG6D.pdf",
        "publication-log.csv",
        "publication-log.pdf",
        "case.jsonld",
        "README.txt",
        "manifest.json",
        "SHA256SUMS",
    }
    assert names == expected
    assert zf.read(f"exhibits/{chat.exhibit_ref}_WhatsApp Chat with Mark B.txt") == whatsapp_bytes()
    manifest = json.loads(zf.read("manifest.json"))
    assert manifest["incident"] == incident.reference
    assert set(manifest["files"]) == names - {"manifest.json", "SHA256SUMS"}
    for name, meta in manifest["files"].items():
        data = zf.read(name)
        assert hashlib.sha256(data).hexdigest() == meta["sha256"], name
        assert len(data) == meta["size"]
    assert manifest["files"][f"exhibits/{shot.exhibit_ref}_shot.png"]["sha256"] == shot.sha256
    sums = zf.read("SHA256SUMS").decode().splitlines()
    assert sorted(sums) == sorted(f"{m['sha256']}  {n}" for n, m in manifest["files"].items())


@pytest.mark.django_db
def test_bundle_documents_say_what_they_should(world, tmp_path):
    _, incident, things = world
    zf = _bundle(incident, tmp_path)
    chat, shot = things["chat"], things["shot"]
    conversation = zf.read(f"conversations/{chat.exhibit_ref}.html").decode()
    assert "Quality report" in conversation and "Deleted messages" in conversation
    assert "dont tell your mum we talk ok\ndelete this after" in conversation  # line breaks kept
    continuity = zf.read(f"continuity/{shot.exhibit_ref}.txt").decode()
    assert "Transferred from" in continuity and "to Digital forensics unit" in continuity
    assert f"SHA-256 checked: {shot.sha256} (matches the hash at receipt)" in continuity
    mg6d = zf.read("disclosure/MG6D.csv").decode()
    assert "Identifies a covert source" in mg6d
    assert "Identifies a covert source" not in zf.read("disclosure/MG6C.csv").decode()
    log = zf.read("publication-log.csv").decode()
    request = things["publication"].content_item.requests.get()
    assert "https://video.example/watch?v=abc" in log and f"{request.reference}: Identified" in log
    quality = json.loads(zf.read(f"conversations/{chat.exhibit_ref}.quality.json"))
    assert quality["deleted"]["count"] == 1


@pytest.mark.django_db
def test_case_jsonld_conforms_to_case_uco(world, tmp_path):
    _, incident, things = world
    zf = _bundle(incident, tmp_path)
    doc = json.loads(zf.read("case.jsonld"))
    types = [node["@type"] for node in doc["@graph"]]
    assert (
        types.count("uco-observable:File") == 2
        and types.count("case-investigation:ProvenanceRecord") == 2
    )
    # received (2), logged, transferred, examined: one action per custody event.
    assert types.count("case-investigation:InvestigativeAction") == 5
    hashes = json.dumps(doc)
    assert things["chat"].sha256 in hashes and things["shot"].sha256 in hashes
    path = tmp_path / "case.jsonld"
    path.write_bytes(zf.read("case.jsonld"))
    result = subprocess.run(
        [str(CASE_VALIDATE), str(path)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Conforms: True" in result.stdout


@pytest.mark.django_db
def test_unknown_incident_is_named(tmp_path):
    out = tmp_path / "b.zip"
    with pytest.raises(CommandError, match="No incident with reference 'DR-2099-000001'"):
        call_command("export_bundle", "DR-2099-000001", str(out))
    assert not out.exists()


@pytest.mark.django_db
def test_unwritable_output_leaves_nothing(world, tmp_path):
    _, incident, _ = world
    with pytest.raises(CommandError, match="the folder .* does not exist"):
        call_command("export_bundle", incident.reference, str(tmp_path / "missing" / "b.zip"))
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # root ignores permissions: make the target a folder instead
            target = locked / "b.zip"
            target.mkdir()
            with pytest.raises(CommandError, match="is a folder"):
                call_command("export_bundle", incident.reference, str(target))
        else:
            with pytest.raises(CommandError, match="Cannot write"):
                call_command("export_bundle", incident.reference, str(locked / "b.zip"))
        assert [p.name for p in locked.iterdir() if p.is_file()] == []
    finally:
        locked.chmod(0o700)


@pytest.mark.django_db
def test_failure_midway_leaves_no_partial_zip(world, tmp_path, settings):
    _, incident, things = world
    path = settings.DRACHMA_EVIDENCE_ROOT / blob_name(things["shot"].sha256)
    path.chmod(0o640)
    path.write_bytes(b"altered")
    with pytest.raises(
        CommandError, match=f"{things['shot'].exhibit_ref} no longer matches its hash"
    ):
        call_command("export_bundle", incident.reference, str(tmp_path / "b.zip"))
    assert list(tmp_path.glob("*.zip*")) == [] and list(tmp_path.glob(".bundle-*")) == []
    path.unlink()
    with pytest.raises(CommandError, match="missing from the evidence store"):
        call_command("export_bundle", incident.reference, str(tmp_path / "b.zip"))
    assert list(tmp_path.glob("*.zip*")) == [] and list(tmp_path.glob(".bundle-*")) == []


@pytest.mark.django_db
def test_incident_panel_button_downloads_the_bundle(world, client_as, make_user):
    _, incident, things = world
    client = client_as("disclosure_officer")
    page = client.get(reverse("incidents:detail", args=[incident.reference])).content.decode()
    assert things["chat"].exhibit_ref in page and "Download the prosecutor's bundle" in page
    assert "whatsapp chat, 9 messages" in page
    response = client.post(reverse("evidence:bundle", args=[incident.reference]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    zf = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "case.jsonld" in zf.namelist()
    analyst_page = (
        client_as("analyst")
        .get(reverse("incidents:detail", args=[incident.reference]))
        .content.decode()
    )
    assert things["chat"].exhibit_ref not in analyst_page


@pytest.mark.django_db
def test_api_bundle(world, client_as):
    _, incident, _ = world
    client = client_as("investigator")
    response = client.get(f"/api/evidence/incidents/{incident.reference}/bundle")
    assert response.status_code == 200
    zf = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "manifest.json" in zf.namelist()
    assert client.get("/api/evidence/incidents/DR-2099-000001/bundle").status_code == 404


@pytest.mark.django_db
def test_an_incident_without_exhibits_still_bundles_nil_returns(make_user, tmp_path):
    from django.utils import timezone

    from drachma.incidents.services import create_incident

    incident = create_incident(
        user=make_user("analyst"),
        occurred_at=timezone.now(),
        source="public",
        kind="other",
        summary="Nothing handed over",
        place="Wigan",
    )
    out = tmp_path / "empty.zip"
    call_command("export_bundle", incident.reference, str(out), stdout=io.StringIO())
    with zipfile.ZipFile(out) as zf:
        assert zf.read("disclosure/MG6D.csv").decode().strip() == ",".join(
            ["Item no.", "Description", "Reason for sensitivity", "Prosecutor's comment"]
        )
        (tmp_path / "case.jsonld").write_bytes(zf.read("case.jsonld"))
    result = subprocess.run(
        [str(CASE_VALIDATE), str(tmp_path / "case.jsonld")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
