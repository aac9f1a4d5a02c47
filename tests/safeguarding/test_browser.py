"""In a real browser, with the keyboard only: a safeguarding officer opens the work queue,
completes an overdue action with its outcome (the confirmation page asks what was done, who
was seen, the result and the time spent, and refuses an answer without them), and sees it
leave the overdue list, with the history in words."""

import datetime

import pytest
from django.utils import timezone

from drachma.incidents.services import add_person, create_incident
from drachma.people.services import create_person
from drachma.safeguarding import services
from drachma.safeguarding.models import SafeguardingAction
from tests.browser.axe import DESKTOP, PHONE, describe, no_sideways_scroll, screenshot, sign_in_page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_completes_an_overdue_action_with_the_keyboard_only(
    page, live_server, make_user, axe
):
    officer = make_user("safeguarding_officer", username="queue_officer")
    occurred = timezone.now() - datetime.timedelta(hours=30)
    incident = create_incident(
        user=officer,
        occurred_at=occurred,
        received_at=occurred,
        source="group",
        kind="live_streamed",
        live_streamed=True,
        stream_platform="facebook",
        summary="Confronted outside a supermarket, streamed live.",
        place="Preston",
    )
    subject = create_person(
        given_names="Alan", family_name="Brierley", flag_learning_disability=True
    )
    add_person(incident, person=subject, role="subject")
    services.record_assessment(
        incident=incident,
        user=officer,
        now=occurred + datetime.timedelta(minutes=20),
        scores={
            "threat": 2,
            "harm": 2,
            "risk": 3,  # priority (G2)
            "investigation": 1,
            "vulnerability": 2,
            "engagement": 1,
        },
        rationales={
            f: "Recorded."
            for f in ["threat", "harm", "risk", "investigation", "vulnerability", "engagement"]
        },
    )
    welfare = SafeguardingAction.objects.get(kind="welfare_check")
    assert welfare.due_at < timezone.now()  # priority: an hour after it was planned, a day ago
    later = services.create_action(
        incident=incident, user=officer, kind="victim_support", owner=officer
    )
    services.sweep_deadlines()

    sign_in_page(page, live_server, officer)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/safeguarding/?scope=mine&overdue=on")
    page.get_by_role("heading", name="Safeguarding work queue").wait_for()
    overdue_rows = page.locator("table[data-testid=queue] tbody tr[data-overdue]")
    assert overdue_rows.count() == 2  # the welfare check and the adult social care referral
    assert page.get_by_role("link", name="Welfare check on the subject", exact=True).is_visible()
    assert (
        page.get_by_role("link", name="Victim support for the family", exact=True).count() == 0
    )  # not yet due
    assert axe(page) == []

    # From here on, the keyboard only: Tab to the row's "Complete", Enter.
    _tab_to(page, f"Complete Welfare check on the subject on {incident.reference}")
    page.keyboard.press("Enter")
    page.get_by_role(
        "heading", name=f"Complete welfare check on the subject on {incident.reference}?"
    ).wait_for()
    assert page.get_by_text(
        "The action is recorded as done, with what was done, who was seen and the result."
    ).count()
    violations = axe(page)
    assert violations == [], describe(violations)
    # Completing without an outcome is refused, beside the field; nothing changes.
    _tab_to(page, "Complete the action")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="There is a problem").wait_for()
    for error in ("Say who was seen", "Choose the result of the action.", "Give the time spent"):
        assert page.get_by_role("link", name=error).count() or page.get_by_text(error).count()
    welfare.refresh_from_db()
    assert welfare.status != "done" and not welfare.time_entries.exists()
    assert _tab_to(page, "id_note") == "id_note"
    page.keyboard.type("Visited at home; talked through the support; gave the GP's number.")
    _tab_to(page, "id_seen")
    page.keyboard.type("Alan and his sister")
    _tab_to(page, "id_result")
    page.keyboard.press("ArrowDown")  # the second result: referred to partners
    _tab_to(page, "id_minutes")
    page.keyboard.type("45")
    _tab_to(page, "Complete the action")
    page.keyboard.press("Enter")
    page.get_by_text(f"Welfare check on the subject on {incident.reference} completed").wait_for()
    # Back on the same filtered queue: the welfare check has left the overdue list.
    assert "overdue=on" in page.url
    assert overdue_rows.count() == 1
    assert page.get_by_role("link", name="Welfare check on the subject", exact=True).count() == 0
    assert page.get_by_role("link", name="Referral to adult social care", exact=True).is_visible()

    welfare.refresh_from_db()
    later.refresh_from_db()
    assert welfare.status == "done" and welfare.completed_at is not None
    assert welfare.outcome.startswith("Visited at home")
    assert (welfare.seen, welfare.result) == ("Alan and his sister", "referred")
    assert welfare.time_entries.get().minutes == 45
    assert later.status == "open"

    # The action's page on a phone: no sideways scrolling, no violations, the history in words.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/safeguarding/actions/{welfare.pk}/")
    page.get_by_text("Who was seen: Alan and his sister.").first.wait_for()
    assert page.get_by_text("Result: Concern remains: referred to partners.").count()
    violations = axe(page)
    assert violations == [], describe(violations)
    assert no_sideways_scroll(page)
    screenshot(page, "safeguarding-action")


def _tab_to(page, wanted: str, limit: int = 120) -> str:
    """Press Tab until the focused control's text, label, id or name holds ``wanted``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const e = document.activeElement;
            // Controls only: a focusable scroll pane holds the text of every row in it.
            if (!['A', 'BUTTON', 'INPUT', 'TEXTAREA', 'SELECT'].includes(e.tagName)) return '';
            return [e.innerText, e.getAttribute('aria-label'), e.id, e.name]
                .filter(Boolean).join(' ').replace(/\\s+/g, ' ').trim(); }"""
        )
        if wanted in focused:
            return wanted
    raise AssertionError(f"Tab never reached {wanted!r}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_records_a_release_and_reads_the_persons_timeline(
    page, live_server, make_user, axe
):
    """The exposure form and the person's timeline are accessible at 1280 and 390 pixels: a
    release recorded from the person's page starts its welfare actions, shown under it."""
    officer = make_user("safeguarding_officer", username="welfare_officer")
    occurred = timezone.now() - datetime.timedelta(hours=30)
    incident = create_incident(
        user=officer,
        occurred_at=occurred,
        received_at=occurred,
        source="group",
        kind="doorstep",
        summary="Confronted at his door by a group.",
        place="Preston",
    )
    subject = create_person(given_names="Dean", family_name="Hartley", flag_self_harm=True)
    add_person(incident, person=subject, role="subject")
    services.record_assessment(
        incident=incident,
        user=officer,
        now=occurred + datetime.timedelta(minutes=20),
        scores=dict.fromkeys(
            ["threat", "harm", "risk", "investigation", "vulnerability", "engagement"], 2
        ),
        rationales={
            f: "Recorded."
            for f in ["threat", "harm", "risk", "investigation", "vulnerability", "engagement"]
        },
        plan=False,
    )
    services.record_exposure(
        incident=incident,
        person=subject,
        user=officer,
        kind="arrest",
        occurred_at=occurred + datetime.timedelta(hours=1),
    )

    sign_in_page(page, live_server, officer)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/people/{subject.pk}/")
    timeline = page.locator("[data-testid=exposure-timeline]")
    timeline.wait_for()
    assert timeline.get_by_text("previous self-harm").count()
    assert timeline.get_by_role("link", name="Information for the family").count() == 1
    violations = axe(page)
    assert violations == [], describe(violations)

    timeline.get_by_role("link", name="Record an exposure event").click()
    page.get_by_role("heading", name="Record an exposure event").wait_for()
    violations = axe(page)
    assert violations == [], describe(violations)
    page.get_by_label("Released with no further action").check()
    released = timezone.localtime(occurred + datetime.timedelta(hours=20))
    page.get_by_label("When").fill(released.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Record the event").click()
    page.get_by_text("3 welfare actions started").wait_for()

    page.set_viewport_size(PHONE)
    timeline.wait_for()
    assert timeline.get_by_role("heading", name="Released with no further action").count()
    assert timeline.get_by_role("link", name="Referral to liaison and diversion").count() == 1
    violations = axe(page)
    assert violations == [], describe(violations)
    assert no_sideways_scroll(page)
    screenshot(page, "safeguarding-exposure-timeline")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_supervisors_pages_pass_axe_and_fit_a_phone(page, live_server, make_user, axe):
    """The supervisor's overview (with an escalation, an overdue action and officer time), an
    action page, a THRIVE assessment and the two forms: GOV.UK/MOJ markup with no axe
    violations at 1280 and 390 pixels, no sideways scroll on the phone, no state or role
    codes and times in UK words."""
    inspector = make_user("supervisor", username="sg_inspector")
    sergeant = make_user("supervisor", username="sg_sergeant", supervisor=inspector)
    officer = make_user("safeguarding_officer", username="sg_officer", supervisor=sergeant)
    occurred = timezone.now() - datetime.timedelta(hours=30)
    incident = create_incident(
        user=officer,
        occurred_at=occurred,
        received_at=occurred,
        source="group",
        kind="live_streamed",
        live_streamed=True,
        stream_platform="facebook",
        summary="Confronted outside a supermarket, streamed live.",
        place="Preston",
    )
    subject = create_person(
        given_names="Alan", family_name="Brierley", flag_learning_disability=True
    )
    add_person(incident, person=subject, role="subject")
    assessment = services.record_assessment(
        incident=incident,
        user=officer,
        now=occurred + datetime.timedelta(minutes=20),
        scores={
            "threat": 2,
            "harm": 2,
            "risk": 3,  # priority (G2)
            "investigation": 1,
            "vulnerability": 2,
            "engagement": 1,
        },
        rationales={
            f: "Recorded."
            for f in ["threat", "harm", "risk", "investigation", "vulnerability", "engagement"]
        },
    )
    welfare = SafeguardingAction.objects.get(kind="welfare_check")
    services.record_time(welfare, user=officer, minutes=90, spent_on=timezone.localdate())
    services.sweep_deadlines()
    assert services.escalate_actions() >= 1  # a day overdue and never started

    sign_in_page(page, live_server, sergeant)
    pages = [
        ("/safeguarding/overview/", "Safeguarding overview"),
        (f"/safeguarding/actions/{welfare.pk}/", "Welfare check on the subject"),
        (f"/safeguarding/assessments/{assessment.pk}/", "THRIVE assessment"),
        (f"/safeguarding/incidents/{incident.reference}/actions/new/", "New safeguarding action"),
        (f"/safeguarding/incidents/{incident.reference}/assess/", "Reassess the incident"),
        (f"/incidents/{incident.reference}/", None),  # the incident page, with the plan panel
    ]
    for path, heading in pages:
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            page.goto(f"{live_server.url}{path}")
            if heading:
                page.get_by_role("heading", level=1, name=heading).wait_for()
            else:
                page.locator("table[data-testid=safeguarding-plan]").wait_for()
            violations = axe(page)
            assert violations == [], f"{path} at {size['width']}: {describe(violations)}"
            assert no_sideways_scroll(page), f"{path} scrolls sideways at {size['width']}"
        text = page.locator("main").inner_text()
        for code in ("welfare_check", "in_progress", "live_streamed", "child_at_risk", "subject:"):
            assert code not in text, f"{path} shows the code {code!r}"
        if path.endswith("overview/"):
            screenshot(page, "safeguarding-overview")

    # The overview's figures, in words and UK time.
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/safeguarding/overview/")
    escalations = page.locator("table[data-testid=escalations] tbody tr")
    assert escalations.count() >= 1
    first = escalations.first.inner_text()
    assert incident.reference in first and "Open" in first  # the action's state in words
    assert "T" not in first.split("\t")[0]  # "7 December 2026, 23:04", not an ISO time
    owner_row = page.locator("table[data-testid=by-owner] tbody tr[data-overdue]")
    assert owner_row.count() == 1 and officer.get_full_name() in owner_row.inner_text()
    grades = page.locator("table[data-testid=by-grade] tbody").inner_text()
    assert "Priority" in grades and "Resolution without deployment" in grades
    assert "resolution" not in grades.replace("Resolution", "")
    hours = page.locator("table[data-testid=hours-by-month]").inner_text()
    assert "1.5" in hours
    # The assessment form names the subject's role and flag in words.
    page.goto(f"{live_server.url}/safeguarding/incidents/{incident.reference}/assess/")
    flags = page.locator("main dl").inner_text()
    assert "Subject (person confronted): learning disability" in flags, flags
