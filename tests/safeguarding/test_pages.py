"""The pages: the work queue, the assessment and action forms (with their bad input), the
incident panel, the supervisor's view, the dashboard panel and the board report section."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from drachma.safeguarding import services
from drachma.safeguarding.models import SafeguardingAction, ThriveAssessment, TimeEntry
from tests.conftest import sign_in
from tests.safeguarding.conftest import FACTORS, OUTCOME

pytestmark = pytest.mark.django_db


def form_data(**over) -> dict:
    data = {}
    for f in FACTORS:
        data[f"{f}_score"] = "1"
        data[f"{f}_rationale"] = f"Why {f}."
    data.update(over)
    return data


@pytest.fixture
def incident(recent_incident):
    return recent_incident(
        live=True, kind="live_streamed", people=[("subject", {"flag_self_harm": True})]
    )


def test_assessment_form_records_and_shows_on_the_incident(client, officer, incident):
    sign_in(client, officer)
    url = reverse("safeguarding:assess", args=[incident.reference])
    page = client.get(url)
    assert page.status_code == 200 and b"Threat: rationale" in page.content
    data = form_data(risk_score="3", vulnerability_score="3", prevention="Takedown request.")
    preview = client.post(url, {**data, "preview": "1"})
    text = preview.content.decode()
    assert "Proposed grade: Priority" in text and "G2: risk high: priority." in text
    assert "P2: vulnerability high" in text and "P4: a live-streamed confrontation" in text
    assert "P10: THRIVE+: write the intervention the plan relies on." in text
    assert not ThriveAssessment.objects.exists()  # a preview saves nothing
    response = client.post(url, data)
    assert response.status_code == 302
    a = ThriveAssessment.objects.get()
    assert a.grade == "priority" and a.assessed_by == officer
    detail = client.get(reverse("incidents:detail", args=[incident.reference]))
    assert b'data-testid="grade">Priority' in detail.content
    assert (
        b"Suicide-prevention signposting" in detail.content
        and b"Reassess (THRIVE)" in detail.content
    )


def test_assessment_form_without_rationale_says_so_and_saves_nothing(client, officer, incident):
    sign_in(client, officer)
    response = client.post(
        reverse("safeguarding:assess", args=[incident.reference]), form_data(harm_rationale="")
    )
    assert response.status_code == 200
    assert "Write the rationale for the harm score." in response.content.decode()
    assert not ThriveAssessment.objects.exists() and not SafeguardingAction.objects.exists()


def test_override_without_reason_is_shown_beside_the_field(client, officer, incident):
    sign_in(client, officer)
    response = client.post(
        reverse("safeguarding:assess", args=[incident.reference]), form_data(grade="priority")
    )
    assert "Say why the grade differs from the proposed grade." in response.content.decode()
    assert not ThriveAssessment.objects.exists()


def test_reassessment_form_asks_what_changed(client, officer, incident, assess):
    assess(incident)
    sign_in(client, officer)
    url = reverse("safeguarding:assess", args=[incident.reference])
    response = client.post(url, form_data())
    assert "Say what changed since the last assessment." in response.content.decode()
    assert (
        client.post(
            url, form_data(reason_for_reassessment="Footage shared 10,000 times.")
        ).status_code
        == 302
    )
    assert ThriveAssessment.objects.count() == 2


def test_action_form_bad_input(client, officer, incident, assess, make_user):
    assess(incident, plan=False)
    sign_in(client, officer)
    url = reverse("safeguarding:action_add", args=[incident.reference])
    investigator = make_user("investigator")
    response = client.post(url, {"kind": "welfare_check", "owner": investigator.pk})
    assert "Choose a safeguarding officer or supervisor as the owner." in response.content.decode()
    early = timezone.localtime(incident.occurred_at - datetime.timedelta(hours=1)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    response = client.post(url, {"kind": "welfare_check", "owner": officer.pk, "due_at": early})
    assert "An action cannot be due before its incident occurred." in response.content.decode()
    assert not SafeguardingAction.objects.exists()
    assert client.post(url, {"kind": "welfare_check", "owner": officer.pk}).status_code == 302
    assert SafeguardingAction.objects.get().grade == "scheduled"  # T, H, R medium (G3)


def test_forbidden_transition_from_the_page_says_why(client, officer, incident, assess):
    assess(incident, plan=False)
    action = services.create_action(
        incident=incident, user=officer, kind="welfare_check", owner=officer
    )
    services.transition_action(action, "complete", user=officer, note="Seen.", **OUTCOME)
    sign_in(client, officer)
    response = client.post(
        reverse("safeguarding:action_transition", args=[action.pk, "start"]), follow=True
    )
    assert "cannot start from &#x27;done&#x27;" in response.content.decode()
    response = client.post(
        reverse("safeguarding:action_transition", args=[action.pk, "reopen"]),
        {"note": "x"},
        follow=True,
    )
    assert "your role may not reopen" in response.content.decode()
    action.refresh_from_db()
    assert action.status == "done"


def test_action_page_transitions_and_time(client, officer, incident, assess):
    assess(incident, plan=False)
    action = services.create_action(
        incident=incident, user=officer, kind="welfare_check", owner=officer
    )
    sign_in(client, officer)
    page = client.get(reverse("safeguarding:action", args=[action.pk]))
    # Each step is a link to its own confirmation page (no one-click state change).
    html = page.content.decode()
    step = "safeguarding:action_transition"
    assert reverse(step, args=[action.pk, "start"]) in html
    assert reverse(step, args=[action.pk, "reopen"]) not in html
    client.post(reverse("safeguarding:action_transition", args=[action.pk, "start"]))
    client.post(
        reverse("safeguarding:action_time", args=[action.pk]),
        {"minutes": "45", "spent_on": timezone.localdate().isoformat(), "note": "Home visit"},
    )
    bad = client.post(
        reverse("safeguarding:action_time", args=[action.pk]),
        {"minutes": "0", "spent_on": timezone.localdate().isoformat()},
        follow=True,
    )
    assert "Ensure this value is greater than or equal to 1." in bad.content.decode()
    action.refresh_from_db()
    assert action.status == "in_progress" and TimeEntry.objects.get().minutes == 45


def _queue_fixture(recent_incident, assess, officer, sergeant, make_user):
    incident = recent_incident(hours_ago=30)
    assess(incident, plan=False)
    late = services.create_action(
        incident=incident, user=officer, kind="family_liaison", owner=officer
    )
    SafeguardingAction.objects.filter(pk=late.pk).update(
        due_at=timezone.now() - datetime.timedelta(hours=2)
    )
    soon = services.create_action(
        incident=incident, user=officer, kind="welfare_check", owner=officer
    )
    colleague = make_user("safeguarding_officer", username="colleague", supervisor=sergeant)
    theirs = services.create_action(
        incident=incident, user=officer, kind="victim_support", owner=colleague
    )
    outsider = make_user("safeguarding_officer", username="elsewhere")
    other_team = services.create_action(
        incident=incident, user=officer, kind="other", owner=outsider, description="Elsewhere"
    )
    return late, soon, theirs, other_team


def test_queue_mine_and_my_team_overdue_first(
    client, recent_incident, assess, officer, sergeant, make_user
):
    late, soon, theirs, other_team = _queue_fixture(
        recent_incident, assess, officer, sergeant, make_user
    )
    sign_in(client, officer)
    response = client.get(reverse("safeguarding:queue"))
    rows = list(response.context["page_obj"])
    assert rows[0] == late and rows[0].past_due == 1
    assert set(rows) == {late, soon, theirs}  # the team: not the officer elsewhere
    assert [r.due_at for r in rows[1:]] == sorted(r.due_at for r in rows[1:])
    mine = list(client.get(reverse("safeguarding:queue"), {"scope": "mine"}).context["page_obj"])
    assert set(mine) == {late, soon}
    overdue = list(
        client.get(reverse("safeguarding:queue"), {"overdue": "true"}).context["page_obj"]
    )
    assert overdue == [late]
    everyone = list(
        client.get(reverse("safeguarding:queue"), {"scope": "all", "kind": "other"}).context[
            "page_obj"
        ]
    )
    assert everyone == [other_team]
    assert (
        client.get(reverse("safeguarding:queue"), {"grade": "nonsense"})
        .context["page_obj"]
        .paginator.count
        == 0
    )


def test_queue_shows_urgent_untriaged_reports_to_triage_roles(client, officer, make_user):
    from drachma.intake import services as intake

    report = intake.submit_report(
        reporter_type="public",
        concern="confrontation_planned",
        text="They are meeting him at 8 tonight.",
        place="Bolton",
    )
    assert report.urgent
    sign_in(client, officer)
    content = client.get(reverse("safeguarding:queue")).content.decode()
    assert "Urgent reports not yet triaged" in content and report.reference in content
    intake.close_report(report, user=officer, reason="Duplicate of a report already triaged.")
    content = client.get(reverse("safeguarding:queue")).content.decode()
    assert "Urgent reports not yet triaged" not in content  # triaged: it leaves the queue


def test_supervisor_overview(client, recent_incident, assess, officer, sergeant, make_user):
    late, soon, *_ = _queue_fixture(recent_incident, assess, officer, sergeant, make_user)
    SafeguardingAction.objects.filter(pk=soon.pk).update(
        started_at=soon.incident.received_at + datetime.timedelta(minutes=40)
    )
    services.record_time(soon, user=officer, minutes=150, spent_on=timezone.localdate())
    sign_in(client, sergeant)
    response = client.get(reverse("safeguarding:overview"))
    content = response.content.decode()
    assert response.status_code == 200
    by_owner = response.context["by_owner"]
    assert by_owner[0]["username"] == "officer" and by_owner[0]["overdue"] == 1
    assert response.context["counts"]["response"].median_minutes == 40
    assert "40 min" in content and "2.5" in content


def test_dashboard_panel_lists_my_overdue_actions(
    client, recent_incident, assess, officer, sergeant, make_user
):
    late, *_ = _queue_fixture(recent_incident, assess, officer, sergeant, make_user)
    sign_in(client, officer)
    content = client.get(reverse("core:dashboard")).content.decode()
    assert (
        "My overdue safeguarding actions" in content
        and reverse("safeguarding:action", args=[late.pk]) in content
    )


def test_analyst_sees_no_safeguarding_panel_on_the_incident(client, make_user, incident, assess):
    assess(incident)
    sign_in(client, make_user("analyst"))
    content = client.get(reverse("incidents:detail", args=[incident.reference])).content.decode()
    assert "safeguarding-panel" not in content


def test_board_report_section_gives_officer_hours(recent_incident, assess, officer):
    from drachma.areas.models import Borough
    from drachma.safeguarding.panels import board_report_section
    from drachma.statistics.selectors import Period

    incident = recent_incident(borough=Borough.objects.get(name="Wigan"))
    assess(incident, plan=False)
    action = services.create_action(
        incident=incident, user=officer, kind="welfare_check", owner=officer
    )
    services.record_time(action, user=officer, minutes=90, spent_on=timezone.localdate())
    today = timezone.localdate()
    html = board_report_section(Period(today.replace(day=1), today))
    assert "Officers recorded 1.5 hours" in html and "<td>Wigan</td>" in html
    assert officer.get_full_name() not in html and "Tester" not in html  # no names


def test_completing_from_the_queue_returns_only_to_the_queue(client, officer, incident, assess):
    assess(incident, plan=False)
    one = services.create_action(
        incident=incident, user=officer, kind="welfare_check", owner=officer
    )
    two = services.create_action(
        incident=incident, user=officer, kind="family_liaison", owner=officer
    )
    sign_in(client, officer)
    back = client.post(
        reverse("safeguarding:action_transition", args=[one.pk, "complete"]),
        {"next": "/safeguarding/?overdue=on&scope=mine", "note": "Seen at home.", **OUTCOME},
    )
    assert back["Location"] == "/safeguarding/?overdue=on&scope=mine"
    elsewhere = client.post(
        reverse("safeguarding:action_transition", args=[two.pk, "start"]),
        {"next": "https://evil.example/safeguarding/"},
    )
    assert elsewhere["Location"] == reverse("safeguarding:action", args=[two.pk])


def test_the_board_report_carries_the_officer_hours(recent_incident, assess, officer):
    from drachma.statistics.reports import board_report_context
    from drachma.statistics.selectors import Period

    incident = recent_incident()
    assess(incident, plan=False)
    action = services.create_action(
        incident=incident, user=officer, kind="welfare_check", owner=officer
    )
    services.record_time(action, user=officer, minutes=60, spent_on=timezone.localdate())
    today = timezone.localdate()
    sections = board_report_context(Period(today.replace(day=1), today))["sections"]
    assert any(
        "Safeguarding: officer time" in s and "Officers recorded 1.0 hours" in s for s in sections
    )


def test_reassign_from_the_page(client, officer, incident, assess, make_user):
    assess(incident, plan=False)
    action = services.create_action(
        incident=incident, user=officer, kind="welfare_check", owner=officer
    )
    colleague = make_user("safeguarding_officer", username="colleague")
    sign_in(client, officer)
    url = reverse("safeguarding:action_reassign", args=[action.pk])
    refused = client.post(url, {"owner": make_user("disclosure_officer").pk}, follow=True)
    assert "Choose a safeguarding officer or supervisor as the owner." in refused.content.decode()
    client.post(url, {"owner": colleague.pk})
    action.refresh_from_db()
    assert action.owner == colleague and action.events.filter(transition="reassign").exists()


def test_completing_asks_for_the_outcome_and_confirms(client, officer, incident, assess):
    assess(incident, plan=False)
    action = services.create_action(
        incident=incident, user=officer, kind="welfare_check", owner=officer
    )
    sign_in(client, officer)
    url = reverse("safeguarding:action_transition", args=[action.pk, "complete"])
    page = client.get(url)
    html = page.content.decode()
    # The GET only asks: what will happen, in words, and the outcome.
    assert page.status_code == 200
    assert f"Complete welfare check on the subject on {incident.reference}?" in html
    assert (
        "The action is recorded as done, with what was done, who was seen and the result." in html
    )
    assert "What was done?" in html and "Who was seen?" in html
    assert "What was the result?" in html and "Officer time spent, in minutes" in html
    assert ">Complete the action</button>" in html
    action.refresh_from_db()
    assert action.status == "open"
    # No outcome: refused beside the field, nothing done.
    refused = client.post(url, {"note": "  "})
    assert refused.status_code == 400
    text = refused.content.decode()
    for error in (
        "Give the outcome of the action.",
        "Say who was seen (or that nobody was, and why).",
        "Choose the result of the action.",
        "Give the time spent, in minutes.",
    ):
        assert error in text
    action.refresh_from_db()
    assert action.status == "open" and action.outcome == "" and not action.time_entries.exists()
    # What was done, but not who was seen: still refused, nothing written.
    half = client.post(url, {"note": "Visited.", "result": "safe", "minutes": "40"})
    assert half.status_code == 400 and "Say who was seen" in half.content.decode()
    assert not action.time_entries.exists()
    done = client.post(
        url,
        {
            "note": "Visited at home; talked through the support available.",
            "seen": "The subject and his mother",
            "result": "referred",
            "minutes": "45",
        },
        follow=True,
    )
    assert (
        f"Welfare check on the subject on {incident.reference} completed" in done.content.decode()
    )
    action.refresh_from_db()
    assert action.status == "done"
    assert action.outcome == "Visited at home; talked through the support available."
    assert (action.seen, action.result) == ("The subject and his mother", "referred")
    entry = action.time_entries.get()
    assert (entry.minutes, entry.officer) == (45, officer)
    page = client.get(reverse("safeguarding:action", args=[action.pk])).content.decode()
    # The history reads in words.
    assert "Who was seen: The subject and his mother." in page
    assert "Result: Concern remains: referred to partners." in page
    assert "Time spent: 45 minutes." in page


def test_cancelling_asks_the_reason(client, officer, incident, assess):
    assess(incident, plan=False)
    action = services.create_action(
        incident=incident, user=officer, kind="welfare_check", owner=officer
    )
    sign_in(client, officer)
    url = reverse("safeguarding:action_transition", args=[action.pk, "cancel"])
    page = client.get(url).content.decode()
    assert "Why is the action being cancelled?" in page and "govuk-button--warning" in page
    refused = client.post(url, {})
    assert refused.status_code == 400
    assert "Give the reason for cancelling the action." in refused.content.decode()
    client.post(url, {"note": "Moved out of the force area."})
    action.refresh_from_db()
    assert action.status == "cancelled" and action.cancel_reason == "Moved out of the force area."


def test_completing_without_an_outcome_is_refused_through_the_api_and_service(
    officer, incident, assess
):
    from django.core.exceptions import ValidationError

    assess(incident, plan=False)
    action = services.create_action(
        incident=incident, user=officer, kind="welfare_check", owner=officer
    )
    with pytest.raises(ValidationError) as refused:
        services.transition_action(action, "complete", user=officer, note="")
    assert refused.value.message_dict == {
        "note": ["Give the outcome of the action: say what was done."],
        "seen": ["Say who was seen (or that nobody was, and why)."],
        "result": ["Choose the result of the action."],
        "minutes": ["Give the time spent: between 1 minute and 24 hours (1440 minutes)."],
    }
    with pytest.raises(ValidationError) as refused:
        services.transition_action(
            action, "complete", user=officer, note="Seen.", **{**OUTCOME, "minutes": 2000}
        )
    assert list(refused.value.message_dict) == ["minutes"]
    action.refresh_from_db()
    assert action.status == "open" and not action.time_entries.exists()
    assert not action.events.filter(transition="complete").exists()


def test_an_unknown_step_is_not_found(client, officer, incident, assess):
    assess(incident, plan=False)
    action = services.create_action(
        incident=incident, user=officer, kind="welfare_check", owner=officer
    )
    sign_in(client, officer)
    url = reverse("safeguarding:action_transition", args=[action.pk, "retime"])
    assert client.get(url).status_code == 404
