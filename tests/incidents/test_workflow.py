"""The incident's status workflow (``incidents.workflow.INCIDENT``): every declared step from
every state it starts from, every step refused from every other state, the roles, the note
rule, the first event, the page and the API, and two officers closing one incident at once."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from drachma.audit.models import AuditEntry
from drachma.incidents import services
from drachma.incidents.models import Incident, IncidentEvent, IncidentStatus
from drachma.incidents.workflow import INCIDENT
from tests.conftest import sign_in
from tests.factories import make_incident, send
from tests.incidents.statuses import move_to

pytestmark = pytest.mark.django_db
API = "/api/incidents/incidents"


def make(user=None, **fields) -> Incident:
    fields = {
        "received_at": None,
        "summary": "A confrontation at a front door.",
        "place": "Preston",
        **fields,
    }
    return make_incident(user, **fields)


def decisions(incident) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            action="decision", model="incidents.incident", object_id=str(incident.pk)
        ).order_by("seq")
    )


def test_an_incident_begins_as_new_with_its_first_event(analyst):
    incident = make(analyst)
    assert incident.status == IncidentStatus.NEW
    event = incident.events.get()
    assert (event.transition, event.from_state, event.to_state, event.by) == (
        "record",
        "",
        "new",
        analyst,
    )


@pytest.mark.parametrize(("source", "name", "target"), sorted(INCIDENT.pairs()))
def test_every_step_from_every_state_it_starts_from(supervisor, source, name, target):
    incident = move_to(make(supervisor), source, user=supervisor)
    events, entries = incident.events.count(), len(decisions(incident))
    services.change_status(incident, name, user=supervisor, note="Because.")
    assert incident.status == target  # the caller's copy is refreshed
    assert Incident.objects.get(pk=incident.pk).status == target
    assert incident.events.count() == events + 1
    event = incident.events.order_by("-at", "-pk").first()
    assert (event.transition, event.from_state, event.to_state, event.by, event.note) == (
        name,
        source,
        target,
        supervisor,
        "Because.",
    )
    added = decisions(incident)[entries:]
    assert len(added) == 1
    assert added[0].changes["decision"] == name
    assert added[0].changes["fields"]["status"] == [source, target]


@pytest.mark.parametrize(
    ("state", "name"),
    sorted(
        (state, t.name)
        for t in INCIDENT.transitions
        for state in INCIDENT.states
        if state not in t.sources
    ),
)
def test_every_step_is_refused_from_a_state_it_does_not_start_from(supervisor, state, name):
    incident = move_to(make(supervisor), state, user=supervisor)
    events, entries = incident.events.count(), len(decisions(incident))
    with pytest.raises(ValidationError) as err:
        services.change_status(incident, name, user=supervisor, note="Because.")
    assert "transition" in err.value.message_dict
    assert Incident.objects.get(pk=incident.pk).status == state
    assert incident.events.count() == events and len(decisions(incident)) == entries


def test_an_unknown_step_is_refused_naming_it(supervisor):
    with pytest.raises(ValidationError, match="no transition called 'archive'"):
        services.change_status(make(supervisor), "archive", user=supervisor)


@pytest.mark.parametrize("role", ["analyst", "safeguarding_officer", "investigator"])
def test_only_a_supervisor_reopens(make_user, supervisor, role):
    user = make_user(role)
    incident = move_to(make(user), "closed", user=user)  # each of them may close
    with pytest.raises(ValidationError) as err:
        services.change_status(incident, "reopen", user=user, note="New evidence.")
    assert err.value.message_dict == {"transition": ["incident: your role may not reopen."]}
    services.change_status(incident, "reopen", user=supervisor, note="New evidence.")
    assert incident.status == IncidentStatus.ASSESSING


def test_a_disclosure_officer_may_not_move_an_incident(make_user):
    officer = make_user("disclosure_officer")
    incident = make(make_user("analyst"))
    with pytest.raises(ValidationError, match="your role may not"):
        services.change_status(incident, "assess", user=officer)


@pytest.mark.parametrize(
    ("state", "name", "prompt"),
    [
        ("new", "close", "Give the reason for closing the incident"),
        ("investigating", "close", "Give the reason for closing the incident"),
        ("closed", "reopen", "Give the reason for reopening the incident."),
    ],
)
def test_closing_and_reopening_need_a_reason(supervisor, state, name, prompt):
    incident = move_to(make(supervisor), state, user=supervisor)
    events = incident.events.count()
    with pytest.raises(ValidationError) as err:
        services.change_status(incident, name, user=supervisor, note="  ")
    assert err.value.message_dict["note"][0].startswith(prompt)
    assert Incident.objects.get(pk=incident.pk).status == state
    assert incident.events.count() == events


def test_the_status_is_never_written_by_hand(supervisor):
    incident = make(supervisor)
    moved = Incident.objects.get(pk=incident.pk)
    moved.status = IncidentStatus.CLOSED
    with pytest.raises(PermissionDenied, match="only through its workflow"):
        moved.save()
    with pytest.raises(PermissionDenied, match="only through its workflow"):
        Incident.objects.filter(pk=incident.pk).update(status="closed")
    with pytest.raises(ValidationError) as err:
        services.update_incident(incident, user=supervisor, status="closed")
    assert err.value.message_dict == {"status": ["This field cannot be set."]}
    with pytest.raises(ValidationError) as err:
        make(supervisor, status="closed")
    assert err.value.message_dict == {"status": ["This field cannot be set."]}
    assert Incident.objects.get(pk=incident.pk).status == "new"


def test_an_edit_from_a_copy_read_before_a_change_of_status_keeps_the_new_status(supervisor):
    incident = make(supervisor)
    stale = Incident.objects.get(pk=incident.pk)
    services.change_status(incident, "close", user=supervisor, note="Nothing more to do.")
    services.update_incident(stale, user=supervisor, summary="Corrected.")
    kept = Incident.objects.get(pk=incident.pk)
    assert (kept.status, kept.summary) == ("closed", "Corrected.")


def test_deleting_an_incident_deletes_its_history(supervisor):
    incident = move_to(make(supervisor), "closed", user=supervisor)
    services.delete_incident(incident, user=supervisor)
    assert not Incident.objects.filter(pk=incident.pk).exists()
    assert not IncidentEvent.objects.filter(incident_id=incident.pk).exists()


# --- the page ------------------------------------------------------------------------------


def test_the_page_offers_the_steps_the_role_may_take_and_shows_the_history(
    client_as, make_user, supervisor
):
    incident = move_to(make(make_user("analyst")), "closed", user=supervisor)
    url = reverse("incidents:detail", args=[incident.reference])
    reopen = reverse("incidents:transition", args=[incident.reference, "reopen"])
    page = client_as(user=supervisor).get(url).content.decode()
    assert reopen in page
    # The history in words: step labels and states, never codes; local times.
    assert "Began as new" in page and "From new to closed" in page
    assert "Set up for the test." in page
    assert "Closed" in page
    analyst_page = client_as("analyst").get(url).content.decode()
    assert reopen not in analyst_page and "Reopen" not in analyst_page
    # A role that reads incidents but may not move them is offered no step.
    officer_page = client_as("disclosure_officer").get(url).content.decode()
    assert 'id="status-form"' not in officer_page and "From new to closed" in officer_page


def test_the_history_shows_uk_times(client_as, supervisor):
    incident = make(supervisor)
    summer = datetime.datetime(2025, 7, 1, 12, 0, tzinfo=datetime.UTC)  # 13:00 in the UK
    services.change_status(incident, "assess", user=supervisor, at=summer)
    page = client_as(user=supervisor).get(reverse("incidents:detail", args=[incident.reference]))
    html = page.content.decode()
    assert "Start assessing" in html and "From new to being assessed" in html
    assert "1:00pm" in html or "13:00" in html


def test_the_status_form_moves_the_incident_and_says_so(client_as, make_user):
    analyst = make_user("analyst")
    incident = make(analyst)
    client = client_as(user=analyst)
    url = reverse("incidents:transition", args=[incident.reference, "close"])
    response = client.post(url, {"note": ""}, follow=True)
    incident.refresh_from_db()
    assert incident.status == "new"
    assert "Give the reason for closing the incident" in response.content.decode()
    response = client.post(url, {"note": "Publication only; no offence."}, follow=True)
    incident.refresh_from_db()
    assert incident.status == "closed"
    assert f"Incident {incident.reference} closed." in response.content.decode()
    response = client.post(
        reverse("incidents:transition", args=[incident.reference, "reopen"]),
        {"note": "Try."},
        follow=True,
    )
    incident.refresh_from_db()
    assert incident.status == "closed"
    assert "your role may not reopen" in response.content.decode()


def test_the_status_form_is_refused_to_roles_that_may_not_edit(client_as, make_user):
    incident = make(make_user("analyst"))
    url = reverse("incidents:transition", args=[incident.reference, "assess"])
    assert client_as("disclosure_officer").post(url, {"note": ""}).status_code == 404
    assert client_as("disclosure_officer").get(url).status_code == 404
    incident.refresh_from_db()
    assert incident.status == "new"


# --- the API -------------------------------------------------------------------------------


def post(client, url, payload):
    return send(client, "POST", url, payload)


def test_the_api_moves_the_status_and_answers_with_the_history(make_user, supervisor):
    investigator = make_user("investigator")
    incident = make(investigator)
    client = sign_in(Client(), investigator)
    url = f"{API}/{incident.reference}/transitions"
    response = post(client, url, {"transition": "investigate"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "investigating"
    assert [(e["transition"], e["from_state"], e["to_state"], e["by"]) for e in data["events"]] == [
        ("record", "", "new", investigator.username),
        ("investigate", "new", "investigating", investigator.username),
    ]
    response = post(client, url, {"transition": "close"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["note"]
    response = post(client, url, {"transition": "assess"})
    assert response.status_code == 422
    assert "cannot start assessing from 'investigating'" in response.json()["errors"][0]["message"]
    assert post(client, url, {"transition": "close", "note": "Charged."}).status_code == 200
    response = post(client, url, {"transition": "reopen", "note": "Appeal."})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "transition", "message": "incident: your role may not reopen."}
    ]
    response = post(sign_in(Client(), supervisor), url, {"transition": "reopen", "note": "Appeal."})
    assert response.status_code == 200 and response.json()["status"] == "assessing"


def test_the_api_refuses_a_status_in_a_create_or_an_update(make_user):
    analyst = make_user("analyst")
    incident = make(analyst)
    client = sign_in(Client(), analyst)
    response = client.generic(
        "PATCH",
        f"{API}/{incident.reference}",
        data='{"status": "closed", "summary": "Changed."}',
        content_type="application/json",
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["status"]
    assert "transitions" in response.json()["errors"][0]["message"]
    incident.refresh_from_db()
    assert (incident.status, incident.summary) == ("new", "A confrontation at a front door.")


def test_the_api_transition_is_hidden_from_roles_that_may_not_edit(make_user):
    incident = make(make_user("analyst"))
    client = sign_in(Client(), make_user("disclosure_officer"))
    response = post(client, f"{API}/{incident.reference}/transitions", {"transition": "assess"})
    assert response.status_code == 404


def test_openapi_documents_the_transitions_and_no_status_input(client):
    document = client.get("/api/openapi.json").json()
    assert f"{API}/{{reference}}/transitions" in document["paths"]
    schemas = document["components"]["schemas"]
    assert "status" not in schemas["IncidentIn"]["properties"]
    assert "status" not in schemas["IncidentPatch"]["properties"]
    assert "events" in schemas["IncidentDetailOut"]["properties"]


# --- two officers at once ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_officers_closing_one_incident_at_once_one_wins(make_user):
    from drachma.statistics.models import MonthlyCount
    from drachma.statistics.rollup import rebuild

    officers = [make_user("analyst", username=f"officer{i}") for i in range(2)]
    incident = make(officers[0])
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def close(i):
        try:
            start.wait(30)
            services.change_status(
                Incident.objects.get(pk=incident.pk), "close", user=officers[i], note=f"By {i}."
            )
            outcomes.append("closed")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=close, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["closed", "refused"]
    assert incident.events.filter(transition="close").count() == 1
    counted = sorted(MonthlyCount.objects.values_list("dimension", "value", "n"))
    rebuild()
    assert counted == sorted(MonthlyCount.objects.values_list("dimension", "value", "n"))


def test_closing_asks_for_confirmation_and_the_reason(client_as, make_user):
    analyst = make_user("analyst")
    incident = make(analyst)
    client = client_as(user=analyst)
    url = reverse("incidents:transition", args=[incident.reference, "close"])
    detail = client.get(reverse("incidents:detail", args=[incident.reference])).content.decode()
    assert f'href="{url}"' in detail  # a link to the step's page, not a one-click button
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and f"Close {incident.reference}?" in html
    assert "counted as closed in the force" in html and "govuk-button--warning" in html
    incident.refresh_from_db()
    assert incident.status == "new"
    refused = client.post(url, {"note": ""})
    assert refused.status_code == 400
    assert "Give the reason for closing the incident" in refused.content.decode()
