"""The intake API: the queue, a report with its matches, decisions, referrals."""

import hashlib

import pytest

from drachma.groups.services import save_group
from drachma.incidents.models import Incident
from drachma.intake.models import Report
from tests.intake.conftest import CHAT_EXPORT, upload

pytestmark = pytest.mark.django_db


def post(client, url, payload):
    return client.post(url, payload, content_type="application/json")


def test_list_and_detail(client_as, make_report):
    group = save_group(
        name="Pennine Patrol",
        status="active",
        accounts=[{"platform": "facebook", "handle": "penninepatrol"}],
    )
    report = make_report(handles="facebook: PenninePatrol", files=[upload("chat.txt", CHAT_EXPORT)])
    make_report(concern="confrontation_planned", text="Tonight.")
    client = client_as("safeguarding_officer")
    listing = client.get("/api/intake/reports").json()
    assert listing["count"] == 2 and listing["items"][0]["urgent"] is True
    data = client.get(f"/api/intake/reports/{report.reference}").json()
    assert data["files"][0]["sha256"] == hashlib.sha256(CHAT_EXPORT).hexdigest()
    assert data["identifiers"][0]["normalized"] == "penninepatrol"
    [match] = data["matches"]
    assert (
        match["kind"] == "account"
        and match["record"].startswith(group.name)
        and match["score"] == 100
    )
    assert data["contact"] is None  # a safeguarding officer does not see who reported
    filtered = client.get("/api/intake/reports?urgent=true").json()
    assert [r["urgent"] for r in filtered["items"]] == [True]


def test_unknown_report_is_404_and_bad_filters_422(client_as):
    client = client_as("investigator")
    assert client.get("/api/intake/reports/RP-0000-0000").status_code == 404
    response = client.get("/api/intake/reports?status=sideways")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "status"


def test_decisions(client_as, make_report, make_user):
    report = make_report()
    officer = make_user("safeguarding_officer")
    client = client_as("supervisor")
    base = f"/api/intake/reports/{report.reference}"
    assert (
        post(client, f"{base}/assign", {"assignee": officer.username}).json()["assigned_to"]
        == officer.username
    )
    response = post(client, f"{base}/assign", {"assignee": "nobody"})
    assert (
        response.status_code == 422
        and "no active user 'nobody'" in response.json()["errors"][0]["message"]
    )
    response = post(client, f"{base}/close", {"reason": " "})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "reason"
    assert post(client, f"{base}/close", {"reason": "Duplicate."}).json()["status"] == "closed"
    assert post(client, f"{base}/reopen", {"reason": "Not a duplicate."}).json()["status"] == "new"
    response = post(client, f"{base}/link", {"group": 999999})
    assert (
        response.status_code == 422 and "no group 999999" in response.json()["errors"][0]["message"]
    )
    group = save_group(name="Linked Group", status="active")
    data = post(client, f"{base}/link", {"group": group.pk, "note": "Their post."}).json()
    assert data["status"] == "linked" and data["linked"][0]["record"] == "Linked Group"
    response = post(client, f"{base}/refer", {"owner": make_user("investigator").username})
    assert response.status_code == 201 and response.json()["status"] == "open"
    assert [e["transition"] for e in client.get(base).json()["events"]] == [
        "assign",
        "close",
        "reopen",
        "link",
        "refer",
    ]


def test_convert_through_the_api(client_as, make_report):
    report = make_report(place="Bolton", files=[upload("chat.txt", CHAT_EXPORT)])
    client = client_as("investigator")
    response = post(
        client, f"/api/intake/reports/{report.reference}/incident", {"kind": "live_streamed"}
    )
    assert response.status_code == 422  # a live-streamed confrontation must be marked live-streamed
    response = post(
        client,
        f"/api/intake/reports/{report.reference}/incident",
        {"kind": "doorstep", "borough": "E08000001"},
    )
    assert response.status_code == 201
    incident = Incident.objects.get(reference=response.json()["reference"])
    assert incident.borough.name == "Bolton" and incident.source == "public"
    assert incident.summary.startswith(f"From report {report.reference}")
    assert incident.evidence.count() == 1
    assert Report.objects.get(pk=report.pk).status == "converted"


def test_referrals(client_as, make_report, make_user):
    report = make_report(concern="possible_offender", phones="0161 496 0123")
    investigator = make_user("investigator")
    client = client_as(user=investigator)
    ref = report.referral.reference
    assert client.get("/api/intake/referrals").json()["items"][0]["reference"] == ref
    assert client.get(f"/api/intake/referrals/{ref}").json()["phones"] == ["+441614960123"]
    url = f"/api/intake/referrals/{ref}/transitions"
    assert post(client, url, {"action": "accept"}).json()["owner"] == investigator.username
    response = post(client, url, {"action": "close", "note": "x"})
    assert (
        response.status_code == 422
        and "cannot close from 'accepted'" in response.json()["errors"][0]["message"]
    )
    assert post(client, url, {"action": "start"}).json()["status"] == "investigating"
    other = make_user("investigator")
    assert (
        post(client, f"/api/intake/referrals/{ref}/owner", {"owner": other.username}).json()[
            "owner"
        ]
        == other.username
    )


def test_roles_outside_the_team_see_nothing(client_as, make_report):
    report = make_report(concern="possible_offender")
    assert client_as("analyst").get(f"/api/intake/reports/{report.reference}").status_code == 404
    assert (
        client_as("safeguarding_officer")
        .get(f"/api/intake/referrals/{report.referral.reference}")
        .status_code
        == 404
    )
