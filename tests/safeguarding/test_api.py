"""The API: assessments, actions, transitions, time and counts, under the role matrix; bad
input answered 422 naming the field, nothing saved."""

import datetime

import pytest
from django.utils import timezone

from drachma.safeguarding.models import SafeguardingAction, ThriveAssessment, TimeEntry
from tests.conftest import sign_in
from tests.safeguarding.conftest import OUTCOME

pytestmark = pytest.mark.django_db


def body(incident, **over) -> dict:
    data = {"incident": incident.reference}
    for f in ["threat", "harm", "risk", "investigation", "vulnerability", "engagement"]:
        data[f] = {"score": 1, "rationale": f"Why {f}."}
    data.update(over)
    return data


def errors(response) -> dict:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


@pytest.fixture
def api(client, officer):
    sign_in(client, officer)
    return client


@pytest.fixture
def incident(recent_incident):
    return recent_incident(people=[("subject", {"flag_children_in_household": True})])


def test_assessment_through_the_api(api, incident):
    r = api.post(
        "/api/safeguarding/assessments",
        body(
            incident,
            threat={"score": 3, "rationale": "Crowd outside."},
            investigation={"score": 3, "rationale": "Footage to secure."},
            prevention="Takedown request to the platform.",
        ),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["proposed_grade"] == out["grade"] == "priority" and out["assessed_by"] == "officer"
    assert out["proposal_reasons"] == ["G2: threat high: priority."]
    assert out["prevention"] == "Takedown request to the platform." and out["intervention"] == ""
    assert [c[:3] for c in out["plan_considerations"]] == ["P1:", "P10"]
    assert [f["factor"] for f in out["factors"]][0] == "threat" and out["factors"][0]["score"] == 3
    listed = api.get(f"/api/safeguarding/assessments?incident={incident.reference}").json()
    assert listed["count"] == 1
    assert api.get(f"/api/safeguarding/assessments/{out['id']}").json()["grade"] == "priority"
    kinds = {a["kind"] for a in api.get("/api/safeguarding/actions").json()["items"]}
    assert kinds == {"welfare_check", "childrens_services"}


def test_assessment_without_rationale_is_422_and_nothing_saved(api, incident):
    r = api.post(
        "/api/safeguarding/assessments",
        body(incident, risk={"score": 2, "rationale": ""}),
        content_type="application/json",
    )
    assert r.status_code == 422 and errors(r) == {
        "risk_rationale": "Write the rationale for the risk score."
    }
    assert not ThriveAssessment.objects.exists() and not SafeguardingAction.objects.exists()


def test_assessment_of_an_unknown_incident(api):
    r = api.post(
        "/api/safeguarding/assessments",
        {**body(type("I", (), {"reference": "DR-1999-000001"})())},
        content_type="application/json",
    )
    assert r.status_code == 422 and "incident" in errors(r)


@pytest.fixture
def assessed(api, incident):
    api.post(
        "/api/safeguarding/assessments", body(incident, plan=False), content_type="application/json"
    )
    return incident


def test_action_through_the_api_and_its_transitions(api, assessed, officer):
    r = api.post(
        "/api/safeguarding/actions",
        {"incident": assessed.reference, "kind": "family_liaison"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    action = r.json()
    assert (
        action["owner"] == "officer"
        and action["status"] == "open"
        and action["events"][0]["transition"] == "plan"
    )
    url = f"/api/safeguarding/actions/{action['id']}"
    r = api.post(f"{url}/transitions", {"transition": "start"}, content_type="application/json")
    assert r.json()["status"] == "in_progress"
    r = api.post(
        f"{url}/time",
        {"minutes": 30, "spent_on": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["minutes"] == 30
    r = api.post(
        f"{url}/transitions",
        {"transition": "complete", "note": "Family seen.", **OUTCOME},
        content_type="application/json",
    )
    assert r.json()["status"] == "done" and r.json()["outcome"] == "Family seen."
    assert (r.json()["seen"], r.json()["result"]) == ("The subject, at home.", "safe")
    assert sorted(t["minutes"] for t in api.get(url).json()["time_entries"]) == [30, 30]
    assert api.get(url).json()["time_entries"][0]["officer"] == "officer"


def test_completing_without_an_outcome_through_the_api_is_422(api, assessed):
    action = api.post(
        "/api/safeguarding/actions",
        {"incident": assessed.reference, "kind": "family_liaison"},
        content_type="application/json",
    ).json()
    url = f"/api/safeguarding/actions/{action['id']}"
    r = api.post(
        f"{url}/transitions",
        {"transition": "complete", "note": "Family seen."},
        content_type="application/json",
    )
    assert r.status_code == 422 and set(errors(r)) == {"seen", "result", "minutes"}
    assert api.get(url).json()["status"] == "open"
    assert api.get(url).json()["time_entries"] == []


def test_action_bad_input_through_the_api(api, assessed, make_user):
    make_user("investigator", username="det")
    r = api.post(
        "/api/safeguarding/actions",
        {"incident": assessed.reference, "kind": "welfare_check", "owner": "det"},
        content_type="application/json",
    )
    assert r.status_code == 422 and "not a safeguarding officer or supervisor" in errors(r)["owner"]
    early = (assessed.occurred_at - datetime.timedelta(days=1)).isoformat()
    r = api.post(
        "/api/safeguarding/actions",
        {"incident": assessed.reference, "kind": "welfare_check", "due_at": early},
        content_type="application/json",
    )
    assert r.status_code == 422 and errors(r) == {
        "due_at": "An action cannot be due before its incident occurred."
    }
    r = api.post(
        "/api/safeguarding/actions",
        {"incident": assessed.reference, "kind": "teleport"},
        content_type="application/json",
    )
    assert r.status_code == 422 and "kind" in errors(r)
    assert not SafeguardingAction.objects.exists()


def test_forbidden_transition_through_the_api(api, assessed):
    action = api.post(
        "/api/safeguarding/actions",
        {"incident": assessed.reference, "kind": "welfare_check"},
        content_type="application/json",
    ).json()
    url = f"/api/safeguarding/actions/{action['id']}/transitions"
    api.post(
        url, {"transition": "complete", "note": "Seen.", **OUTCOME}, content_type="application/json"
    )
    r = api.post(
        url, {"transition": "cancel", "note": "No longer needed."}, content_type="application/json"
    )
    assert r.status_code == 422 and "cannot cancel from 'done'" in errors(r)["transition"]
    r = api.post(
        url, {"transition": "reopen", "note": "Needed after all."}, content_type="application/json"
    )
    assert r.status_code == 422 and "your role may not reopen" in errors(r)["transition"]
    assert SafeguardingAction.objects.get().status == "done"


def test_bad_time_through_the_api(api, assessed):
    action = api.post(
        "/api/safeguarding/actions",
        {"incident": assessed.reference, "kind": "welfare_check"},
        content_type="application/json",
    ).json()
    r = api.post(
        f"/api/safeguarding/actions/{action['id']}/time",
        {"minutes": 5000, "spent_on": "2026-01-01"},
        content_type="application/json",
    )
    assert r.status_code == 422 and "minutes" in errors(r)
    assert not TimeEntry.objects.exists()


# --- reassigning an action, as the page does ------------------------------------------------


@pytest.fixture
def planned(api, assessed):
    """An open action of the officer's, made through the API."""
    out = api.post(
        "/api/safeguarding/actions",
        {"incident": assessed.reference, "kind": "welfare_check"},
        content_type="application/json",
    ).json()
    return SafeguardingAction.objects.get(pk=out["id"])


def owner_url(action_id) -> str:
    return f"/api/safeguarding/actions/{action_id}/owner"


def test_officer_hands_an_action_to_a_colleague(api, planned, make_user):
    colleague = make_user("safeguarding_officer", username="colleague")
    r = api.post(owner_url(planned.pk), {"owner": "colleague"}, content_type="application/json")
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["owner"] == "colleague" and out["status"] == "open"
    assert out["events"][-1]["transition"] == "reassign" and out["events"][-1]["by"] == "officer"
    assert "officer → colleague" in out["events"][-1]["note"]
    planned.refresh_from_db()
    assert planned.owner == colleague
    assert colleague.notifications.filter(subject__contains="Safeguarding action for you").exists()


def test_supervisor_takes_an_action_over(client, planned, sergeant):
    sign_in(client, sergeant)
    r = client.post(owner_url(planned.pk), {"owner": "sergeant"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["owner"] == "sergeant"
    planned.refresh_from_db()
    assert planned.owner == sergeant and planned.events.get(transition="reassign").by == sergeant


def test_owner_without_the_role_is_422_and_nothing_changes(api, planned, make_user, officer):
    make_user("investigator", username="det")
    r = api.post(owner_url(planned.pk), {"owner": "det"}, content_type="application/json")
    assert (
        r.status_code == 422
        and "det is not a safeguarding officer or supervisor" in errors(r)["owner"]
    )
    r = api.post(owner_url(planned.pk), {"owner": "nobody"}, content_type="application/json")
    assert r.status_code == 422 and errors(r) == {"owner": "There is no active user 'nobody'."}
    r = api.post(owner_url(planned.pk), {"owner": ""}, content_type="application/json")
    assert r.status_code == 422 and errors(r) == {"owner": "Choose who owns the action."}
    r = api.post(owner_url(planned.pk), {}, content_type="application/json")
    assert r.status_code == 422
    planned.refresh_from_db()
    assert planned.owner == officer and not planned.events.filter(transition="reassign").exists()


def test_a_finished_action_does_not_change_hands(api, planned, make_user, officer):
    make_user("safeguarding_officer", username="colleague")
    api.post(
        f"/api/safeguarding/actions/{planned.pk}/transitions",
        {"transition": "complete", "note": "Seen.", **OUTCOME},
        content_type="application/json",
    )
    r = api.post(owner_url(planned.pk), {"owner": "colleague"}, content_type="application/json")
    assert r.status_code == 422 and errors(r) == {
        "owner": "Only an open or in-progress action can change hands."
    }
    planned.refresh_from_db()
    assert planned.owner == officer and planned.status == "done"


@pytest.mark.parametrize(
    "role", ["investigator", "analyst", "disclosure_officer", "auditor", "administrator"]
)
def test_reassigning_is_hidden_from_other_roles(client, planned, make_user, officer, role):
    make_user("safeguarding_officer", username="colleague")
    sign_in(client, make_user(role, username=f"{role}_x"))
    r = client.post(owner_url(planned.pk), {"owner": "colleague"}, content_type="application/json")
    assert r.status_code == 404
    planned.refresh_from_db()
    assert planned.owner == officer and not planned.events.filter(transition="reassign").exists()


def test_reassigning_an_unknown_action_is_404(api, make_user):
    make_user("safeguarding_officer", username="colleague")
    r = api.post(owner_url(999999), {"owner": "colleague"}, content_type="application/json")
    assert r.status_code == 404


def test_analyst_reads_counts_without_names(client, make_user, officer, assessed, api):
    api.post(
        "/api/safeguarding/actions",
        {"incident": assessed.reference, "kind": "welfare_check"},
        content_type="application/json",
    )
    SafeguardingAction.objects.update(due_at=timezone.now() - datetime.timedelta(hours=1))
    sign_in(client, make_user("analyst", username="analyst_a"))
    r = client.get("/api/safeguarding/counts")
    assert r.status_code == 200
    data = r.json()
    assert (
        data["active"] == 1
        and data["overdue"] == 1
        and data["by_grade"]["resolution"]["overdue"] == 1
    )
    assert "officer" not in r.content.decode() and "Subject" not in r.content.decode()
    assert client.get("/api/safeguarding/actions").status_code == 403
    assert (
        client.post(
            "/api/safeguarding/assessments", body(assessed), content_type="application/json"
        ).status_code
        == 403
    )


def test_investigator_reads_but_does_not_write(client, make_user, assessed):
    sign_in(client, make_user("investigator"))
    assert client.get("/api/safeguarding/assessments").status_code == 200
    r = client.post(
        "/api/safeguarding/assessments",
        body(assessed, reason_for_reassessment="x"),
        content_type="application/json",
    )
    assert r.status_code == 403 and ThriveAssessment.objects.count() == 1


def test_the_operations_are_in_the_openapi_schema(client, officer):
    sign_in(client, officer)
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in [
        "/api/safeguarding/assessments",
        "/api/safeguarding/actions",
        "/api/safeguarding/actions/{action_id}/transitions",
        "/api/safeguarding/actions/{action_id}/time",
        "/api/safeguarding/actions/{action_id}/owner",
        "/api/safeguarding/counts",
    ]:
        assert path in paths


def test_a_due_time_without_offset_is_uk_time(api, assessed):
    r = api.post(
        "/api/safeguarding/actions",
        {
            "incident": assessed.reference,
            "kind": "other",
            "description": "Call",
            "due_at": "2031-07-01T09:00:00",
        },
        content_type="application/json",
    )
    assert r.status_code == 201
    assert SafeguardingAction.objects.get().due_at == datetime.datetime(
        2031, 7, 1, 8, 0, tzinfo=datetime.UTC
    )
