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
