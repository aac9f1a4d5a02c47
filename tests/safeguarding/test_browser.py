"""In a real browser: a safeguarding officer opens the work queue, completes an overdue action,
and sees it leave the overdue list."""

import datetime

import pytest
from django.utils import timezone

from drachma.incidents.services import add_person, create_incident
from drachma.people.services import create_person
from drachma.safeguarding import services
from drachma.safeguarding.models import SafeguardingAction


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_completes_an_overdue_action_from_the_queue(page, live_server, make_user):
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
            "risk": 2,
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

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Safeguarding", exact=True).click()
    page.get_by_role("heading", name="Safeguarding work queue").wait_for()

    page.get_by_label("Overdue only").check()
    page.get_by_role("button", name="Filter").click()
    overdue_rows = page.locator("table[data-testid=queue] tbody tr[data-overdue]")
    assert overdue_rows.count() == 2  # the welfare check and the adult social care referral
    assert page.get_by_role("link", name="Welfare check on the subject").is_visible()
    assert (
        page.get_by_role("link", name="Victim support for the family").count() == 0
    )  # not yet due

    page.get_by_role(
        "button", name=f"Complete Welfare check on the subject on {incident.reference}"
    ).click()
    page.get_by_text("Welfare check on the subject: complete done.").wait_for()
    # Back on the same filtered queue: the welfare check has left the overdue list.
    assert "overdue=on" in page.url
    assert overdue_rows.count() == 1
    assert page.get_by_role("link", name="Welfare check on the subject").count() == 0
    assert page.get_by_role("link", name="Referral to adult social care").is_visible()

    welfare.refresh_from_db()
    later.refresh_from_db()
    assert welfare.status == "done" and welfare.completed_at is not None
    assert later.status == "open"
