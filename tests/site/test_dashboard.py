"""Each role's dashboard shows that role's work: counts linking to the lists behind them."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from drachma.incidents import services as incidents
from drachma.incidents.models import IncidentKind, IncidentSource, IncidentStatus
from drachma.intelligence.models import IntelligenceEntry, IntelligenceStatus
from drachma.safeguarding import services as safeguarding
from drachma.safeguarding.models import SafeguardingAction
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _incident(user):
    return incidents.create_incident(
        user=user,
        occurred_at=timezone.now() - datetime.timedelta(days=1),
        source=IncidentSource.GROUP,
        kind=IncidentKind.DOORSTEP,
        summary="Sample",
        place="Preston",
    )


def _assessed(incident, officer):
    from tests.safeguarding.samples import SCORES

    safeguarding.record_assessment(
        incident=incident,
        user=officer,
        scores=SCORES,
        rationales={f: "Sample rationale." for f in SCORES},
    )
    return incident


def _dashboard(user) -> str:
    response = sign_in(Client(), user).get("/")
    assert response.status_code == 200
    return response.content.decode()


def _figure(html: str, href: str, word: str = "") -> list[str]:
    """The words of the dashboard link to ``href`` (the count, then what it counts); the
    first such link holding ``word``."""
    import re

    href = href.replace("&", "&amp;")
    for match in re.finditer(rf'href="{re.escape(href)}"[^>]*>(.*?)</a>', html, re.S):
        words = re.sub(r"<[^>]+>", " ", match.group(1)).split()
        if word in words or not word:
            return words
    raise AssertionError(f"no link to {href}")


def test_the_safeguarding_officers_dashboard_counts_their_actions_due_and_overdue(make_user):
    officer = make_user("safeguarding_officer")
    incident = _assessed(_incident(officer), officer)
    late = safeguarding.create_action(
        incident=incident, user=officer, kind="welfare_check", owner=officer
    )
    safeguarding.create_action(
        incident=incident, user=officer, kind="other", owner=officer, description="Call back."
    )
    SafeguardingAction.objects.filter(pk=late.pk).update(
        due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    html = _dashboard(officer)
    assert "Safeguarding officer: your actions" in html
    overdue = _figure(html, "/safeguarding/?scope=mine&overdue=on")
    assert overdue[0] == "1" and "overdue" in overdue
    assert _figure(html, "/safeguarding/?scope=mine", "open")[0] == "2"
    assert "Needs attention" in html
    # The list behind the count shows the overdue action.
    queue = sign_in(Client(), officer).get("/safeguarding/?scope=mine&overdue=on")
    assert [a.pk for a in queue.context["page_obj"]] == [late.pk]


def test_the_analysts_dashboard_counts_intelligence_awaiting_assessment(make_user):
    from drachma.intelligence.services import create_entry

    analyst = make_user("analyst")
    for _ in range(2):
        create_entry(
            user=analyst,
            learned_at=timezone.now() - datetime.timedelta(days=1),
            source_type="open_source",
            source_evaluation="2",
            intelligence_assessment="B",
            handling_code="P",
            text="A group announced a sting.",
        )
    waiting = IntelligenceEntry.objects.filter(
        status=IntelligenceStatus.REQUIRES_ASSESSMENT
    ).count()
    assert waiting == 2
    html = _dashboard(analyst)
    assert "Analyst: intelligence to assess" in html
    figure = _figure(html, "/intelligence/entries/?status=requires_assessment")
    assert figure[0] == str(waiting) and "awaiting" in figure
    assert "Safeguarding officer" not in html and "Disclosure officer" not in html


def test_the_disclosure_officers_dashboard_shows_schedules_not_takedowns(make_user):
    from drachma.evidence import services as evidence

    officer = make_user("disclosure_officer")
    incident = _incident(make_user("investigator"))
    evidence.create_disclosure_entry(
        incident=incident, user=officer, description="Notebook of the officer who attended."
    )
    html = _dashboard(officer)
    assert "Disclosure officer: schedules awaiting review" in html
    assert _figure(html, "#schedules-awaiting-review")[0] == "1"
    assert f"/evidence/incidents/{incident.reference}/disclosure/" in html
    assert "Footage takedown" not in html


def test_the_investigators_dashboard_counts_incidents_under_investigation(make_user):
    investigator = make_user("investigator")
    incident = _incident(investigator)
    incidents.change_status(incident, "investigate", user=investigator)
    html = _dashboard(investigator)
    assert "Investigator: cases and referrals" in html
    figure = _figure(html, f"/incidents/?status={IncidentStatus.INVESTIGATING}")
    assert figure[0] == "1"
    assert "Footage takedown" in html  # investigators work takedowns


def test_the_supervisors_dashboard_counts_everyones_overdue_actions(make_user):
    supervisor = make_user("supervisor")
    officer = make_user("safeguarding_officer")
    incident = _assessed(_incident(officer), officer)
    late = safeguarding.create_action(
        incident=incident, user=officer, kind="welfare_check", owner=officer
    )
    SafeguardingAction.objects.filter(pk=late.pk).update(
        due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    html = _dashboard(supervisor)
    assert "Supervisor: the team&#x27;s work" in html or "Supervisor: the team's work" in html
    assert _figure(html, "/safeguarding/?scope=all&overdue=on")[0] == "1"
    assert _figure(html, "/incidents/?open=true")[0] == "1"


def test_roles_without_case_work_see_no_work_section(make_user):
    html = _dashboard(make_user("auditor"))
    assert "awaiting" not in html and "Your role has no case work" in html
