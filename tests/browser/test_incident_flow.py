"""In Chromium: an analyst signs in through the login form, records an incident through the
form, finds it in the list by a filter and opens its page.

Set DRACHMA_SCREENSHOTS=1 (make screenshots) to save the incident page to
docs/screenshots/incident-page-<width>.png
(normal runs leave the tree untouched)."""

import datetime

import pytest
from django.utils import timezone

from drachma.areas.models import Borough
from drachma.groups.services import save_group
from drachma.incidents.models import Incident
from tests.browser.axe import describe, screenshot
from tests.conftest import sign_in_through_the_form


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_analyst_records_an_incident_finds_it_by_a_filter_and_opens_it(
    page, live_server, make_user, axe
):
    # The geography comes back after every flush (areas' post_migrate), so even after an earlier
    # transactional test the ten boroughs are there.
    assert Borough.objects.count() == 10
    analyst = make_user("analyst", username="priya_analyst")
    save_group(name="Roch Valley Hunters", status="active", aliases=["RVH"])
    save_group(name="Wigan Watchers", status="active")
    occurred = timezone.localtime() - datetime.timedelta(days=1)
    occurred = occurred.replace(hour=19, minute=30)

    # Sign in through the login form.
    page.goto(f"{live_server.url}/")
    page.wait_for_url("**/accounts/login/?next=/")
    sign_in_through_the_form(page, analyst)
    page.get_by_role("heading", name="Incidents").first.wait_for()  # the dashboard's incident panel

    # Record an incident through the form.
    page.goto(f"{live_server.url}/incidents/")
    page.get_by_role("link", name="Record an incident").click()
    page.get_by_role("heading", name="Record an incident").wait_for()
    page.get_by_label("Occurred").fill(occurred.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Received").fill(
        (occurred + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("Source").select_option(label="Member of the public")
    page.get_by_label("Kind").select_option(label="Live-streamed confrontation")
    page.get_by_label("Summary").fill(
        "Roch Valley Hunters confronted a man outside a takeaway on Yorkshire Street and "
        "streamed it live; a crowd gathered and the man was pushed."
    )
    page.wait_for_selector("body[data-drachma-ready]")
    page.get_by_label("Ward").fill("Central Roch")
    page.get_by_role("option", name="Central Rochdale (Rochdale)").click()
    page.get_by_label("Place").fill("Yorkshire Street")
    page.get_by_label("Groups").fill("Roch Val")
    page.get_by_role("option", name="Roch Valley Hunters").click()
    page.get_by_label("Live streamed").check()
    page.get_by_label("Stream platform").select_option(label="Facebook")
    page.get_by_label("Stream url").fill("https://facebook.example.com/live/20261124")
    page.get_by_label("Police attended").check()
    page.get_by_label("MoPI group").select_option(
        label="Group 2: other sexual, violent or serious offences"
    )
    page.get_by_role("button", name="Save").click()

    heading = page.get_by_role("heading", name="Incident DR-")
    heading.wait_for()
    reference = heading.inner_text().removeprefix("Incident ").strip()
    assert page.get_by_text(f"Incident {reference} recorded.").is_visible()

    # Find it in the list by a filter: Rochdale, live-streamed confrontations.
    page.goto(f"{live_server.url}/incidents/")
    page.wait_for_selector("body[data-drachma-ready]")
    page.get_by_label("Borough").fill("Rochd")
    page.get_by_role("option", name="Rochdale", exact=True).click()
    page.get_by_label("Kind").select_option(label="Live-streamed confrontation")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/incidents/?**borough=E08000005**")
    rows = page.locator("tbody tr")
    assert rows.count() == 1
    assert "Central Rochdale, Rochdale" in rows.first.inner_text()
    assert "Roch Valley Hunters" in rows.first.inner_text()
    # Another filter leaves it out.
    page.goto(f"{live_server.url}/incidents/?borough=E08000006")
    assert page.get_by_text("No incidents match.").is_visible()
    page.go_back()

    # Open its page.
    page.get_by_role("link", name=reference).click()
    page.get_by_role("heading", name=f"Incident {reference}").wait_for()
    facts = page.locator("dl.govuk-summary-list").inner_text()
    assert "Live-streamed confrontation" in facts
    assert "Central Rochdale ward, Rochdale: Yorkshire Street" in facts
    assert "Yes, on Facebook" in facts
    assert "Member of the public" in facts
    assert occurred.strftime("%-d %B %Y, 19:30") in facts
    assert "Roch Valley Hunters" in facts
    # An analyst sees that nobody is recorded yet, not who.
    assert page.get_by_text("0 people recorded. Your role does not show who.").is_visible()

    incident = Incident.objects.get(reference=reference)
    assert incident.created_by == analyst and incident.borough.name == "Rochdale"
    assert incident.live_streamed and incident.police_attended and incident.mopi_group == 2
    assert timezone.localtime(incident.occurred_at).strftime("%H:%M") == "19:30"

    page.goto(f"{live_server.url}/incidents/{reference}/")
    page.wait_for_selector("body[data-drachma-ready]")
    violations = axe(page)
    assert violations == [], describe(violations)
    screenshot(page, "incident-page")
