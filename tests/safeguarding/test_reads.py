"""Reads of safeguarding work go through the selectors: the page and the API record the same
view of an action, an assessment and a list of actions."""

import pytest
from django.urls import reverse

from drachma.audit.models import AuditEntry
from drachma.safeguarding import services
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(recent_incident):
    return recent_incident(people=[("subject", {})])


def _last_seq() -> int:
    last = AuditEntry.objects.order_by("-seq").first()
    return last.seq if last else 0


def _views_since(seq: int) -> list[tuple[str, str, dict]]:
    return [
        (e.model, e.object_id, e.changes)
        for e in AuditEntry.objects.filter(action="view", seq__gt=seq).order_by("seq")
    ]


def test_an_action_page_and_api_record_the_same_view(client, officer, incident, assess):
    assess(incident, plan=False)
    action = services.create_action(
        incident=incident, user=officer, kind="welfare_check", owner=officer
    )
    sign_in(client, officer)
    start = _last_seq()
    assert client.get(reverse("safeguarding:action", args=[action.pk])).status_code == 200
    page = _views_since(start)
    start = _last_seq()
    assert client.get(f"/api/safeguarding/actions/{action.pk}").status_code == 200
    assert _views_since(start) == page == [("safeguarding.safeguardingaction", str(action.pk), {})]


def test_an_assessment_page_and_api_record_the_same_view(client, officer, incident, assess):
    assessment = assess(incident, plan=False)
    sign_in(client, officer)
    start = _last_seq()
    client.get(reverse("safeguarding:assessment", args=[assessment.pk]))
    page = _views_since(start)
    start = _last_seq()
    client.get(f"/api/safeguarding/assessments/{assessment.pk}")
    expected = [("safeguarding.thriveassessment", str(assessment.pk), {})]
    assert _views_since(start) == page == expected


def test_the_queue_and_the_api_list_record_the_actions_shown(client, officer, incident, assess):
    assess(incident, plan=False)
    action = services.create_action(
        incident=incident, user=officer, kind="welfare_check", owner=officer
    )
    sign_in(client, officer)
    start = _last_seq()
    client.get(reverse("safeguarding:queue"), {"scope": "mine"})
    (page,) = _views_since(start)
    start = _last_seq()
    client.get("/api/safeguarding/actions", {"scope": "mine"})
    (api,) = _views_since(start)
    assert page[0] == api[0] == "safeguarding.safeguardingaction"
    assert page[2]["ids"] == api[2]["ids"] == [str(action.pk)]
    start = _last_seq()
    client.get("/api/safeguarding/assessments", {"incident": incident.reference})
    ((model, _id, changes),) = _views_since(start)
    assert model == "safeguarding.thriveassessment" and len(changes["ids"]) == 1
