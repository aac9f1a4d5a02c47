"""In Chromium: the people, groups, retention, accounts and audit pages, for the roles that see
them, have no WCAG 2.2 AA violation (axe-core) and do not scroll sideways, at 1280 pixels and
on a 390-pixel phone; the confirmation steps (disposal, deactivation) and the chain check are
walked through their buttons.

Set DRACHMA_SCREENSHOTS=1 (make screenshots) to save the pages to docs/screenshots/."""

import datetime

import pytest
from django.utils import timezone

from drachma.accounts.models import APIToken
from drachma.audit.services import seal_pending
from drachma.groups.services import save_group
from drachma.people.services import create_person
from tests.browser.axe import (
    DESKTOP,
    PHONE,
    describe,
    no_sideways_scroll,
    screenshot,
    sign_in_page,
)
from tests.factories import make_entry, make_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = [DESKTOP, PHONE]
# What sticks out past a phone's width, to name it when a page scrolls sideways.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
    && !el.closest('.moj-scrollable-pane *'))
  .slice(0, 5).map(el => `${el.tagName}.${el.className} ${el.getBoundingClientRect().right}`)
  .concat([document.documentElement.scrollWidth])"""


def check(page, axe, live_server, path: str, name: str) -> list[str]:
    """Open ``path`` at both widths: what axe and the phone width found wrong (nothing, when
    the page is right). Screenshots when asked for."""
    problems = []
    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector("body[data-drachma-ready]")  # drachma.js has run
    problems += page_problems(page, axe, name)
    screenshot(page, name)
    return problems


def page_problems(page, axe, name: str) -> list[str]:
    problems = []
    for viewport in VIEWPORTS:
        page.set_viewport_size(viewport)
        violations = axe(page)
        if violations:
            problems.append(f"{name} at {viewport['width']}: {describe(violations)}")
        if viewport is PHONE and not no_sideways_scroll(page):
            wide = page.evaluate(WIDEST)
            problems.append(f"{name} scrolls sideways at 390 pixels: {wide}")
    page.set_viewport_size(DESKTOP)
    return problems


@pytest.fixture
def world(make_user):
    analyst = make_user("analyst", username="priya_analyst")
    group = save_group(
        name="Roch Valley Hunters",
        status="active",
        aliases=["RVH", "Valley Hunters"],
        accounts=[
            {"platform": "youtube", "handle": "@rvh_live", "url": "https://youtube.example/rvh"}
        ],
    )
    save_group(name="Wigan Watchers", status="dormant", home_area_text="Wigan")
    incidents = [
        make_incident(
            analyst,
            groups=[group],
            occurred_at=timezone.now() - datetime.timedelta(days=days + 1),
            place="Rochdale town centre",
        )
        for days in range(3)
    ]
    make_entry(analyst, group=group)
    person = create_person(
        given_names="Gary",
        family_name="Entwistle",
        known_as="Gaz",
        date_of_birth=datetime.date(1971, 4, 12),
        address="14 Mill Lane, Rochdale",
        postcode="OL11 1AA",
        flag_self_harm=True,
        review_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    create_person(given_names="Ann", family_name="Lee")
    return {"group": group, "person": person, "analyst": analyst, "incidents": incidents}


def test_people_and_groups_pages(page, axe, live_server, make_user, world):
    investigator = make_user("investigator", username="ian_investigator")
    sign_in_page(page, live_server, investigator)
    person, group = world["person"], world["group"]
    problems = []
    for path, name in [
        ("/people/?sort=-review", "people-list"),
        (f"/people/{person.pk}/", "person-page"),
        ("/people/new/", "person-form"),
        ("/groups/", "group-register"),
        (f"/groups/{group.pk}/", "group-page"),
        (f"/groups/{group.pk}/edit/", "group-form"),
    ]:
        problems += check(page, axe, live_server, path, name)
    # The possible duplicates, found while typing (htmx), then a refused form.
    page.goto(f"{live_server.url}/people/new/")
    page.wait_for_selector("body[data-drachma-ready]")
    page.get_by_label("Given names").fill("Garry")
    page.get_by_label("Family name").fill("Entwistle")
    page.get_by_label("Family name").press("Tab")
    page.get_by_role("heading", name="Possible duplicates").wait_for()
    problems += page_problems(page, axe, "person-form-duplicates")
    assert problems == [], "\n".join(problems)


def test_retention_pages_and_the_disposal_confirmation(page, axe, live_server, make_user, world):
    supervisor = make_user("supervisor", username="sam_supervisor")
    sign_in_page(page, live_server, supervisor)
    person = world["person"]
    problems = []
    for path, name in [
        ("/retention/", "retention-due"),
        ("/retention/decisions/", "retention-decisions"),
    ]:
        problems += check(page, axe, live_server, path, name)
    page.goto(f"{live_server.url}/retention/people.person/{person.pk}/")
    page.wait_for_selector("body[data-drachma-ready]")
    problems += page_problems(page, axe, "retention-review")
    screenshot(page, "retention-review")
    page.get_by_label("Dispose of the record").check()
    page.get_by_label("Reason").fill("No longer necessary for a policing purpose.")
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_role("heading", name=f"Dispose of {person.full_name}?").wait_for()
    problems += page_problems(page, axe, "retention-dispose-confirm")
    screenshot(page, "retention-dispose-confirm")
    page.get_by_role("button", name="Dispose of the person").click()
    page.get_by_text(f"Person {person.full_name} disposed of").wait_for()
    assert problems == [], "\n".join(problems)


def test_account_and_user_admin_pages(page, axe, live_server, make_user):
    admin = make_user("administrator", username="ada_admin")
    target = make_user("investigator", username="ian_investigator")
    APIToken.issue(admin, "analysis notebook", second_factor=True)
    sign_in_page(page, live_server, admin)
    problems = []
    for path, name in [
        ("/accounts/account/", "account"),
        ("/accounts/users/", "user-list"),
        ("/accounts/users/new/", "user-create"),
        (f"/accounts/users/{target.pk}/", "user-page"),
    ]:
        problems += check(page, axe, live_server, path, name)
    # A role another administrator asked for, approved by this one.
    from drachma.accounts.services import set_roles

    newcomer = make_user(username="nina_newcomer")
    set_roles(newcomer, ["safeguarding_officer"], by=make_user("administrator"))
    problems += check(page, axe, live_server, "/accounts/role-requests/", "role-requests")
    page.get_by_role("link", name="Approve Safeguarding officer for nina_newcomer").click()
    page.get_by_role("heading", name="Give nina_newcomer the role Safeguarding officer?").wait_for()
    problems += page_problems(page, axe, "role-request-approve-confirm")
    page.get_by_role("button", name="Approve: give Safeguarding officer").click()
    page.get_by_text("Safeguarding officer given to nina_newcomer").wait_for()
    assert list(newcomer.groups.values_list("name", flat=True)) == ["safeguarding_officer"]
    page.goto(f"{live_server.url}/accounts/users/{target.pk}/")
    page.get_by_role("link", name=f"Deactivate {target.username}").click()
    page.get_by_role("heading", name=f"Deactivate {target.username}?").wait_for()
    problems += page_problems(page, axe, "user-deactivate-confirm")
    screenshot(page, "user-deactivate-confirm")
    page.get_by_label("Reason").fill("Left the force.")
    page.get_by_role("button", name="Deactivate the user").click()
    page.get_by_text(f"User {target.username} deactivated").wait_for()
    assert problems == [], "\n".join(problems)


def test_the_sign_in_page(page, axe, live_server):
    problems = check(page, axe, live_server, "/accounts/login/", "sign-in")
    page.get_by_role("button", name="Sign in").click()
    page.locator(".govuk-error-summary").wait_for()
    problems += page_problems(page, axe, "sign-in-refused")
    assert problems == [], "\n".join(problems)


def test_the_audit_log_and_the_chain_check(page, axe, live_server, make_user, world):
    auditor = make_user("auditor", username="alex_auditor")
    seal_pending()
    sign_in_page(page, live_server, auditor)
    reference = world["incidents"][0].reference
    problems = check(page, axe, live_server, "/audit/", "audit-log")
    problems += check(
        page, axe, live_server, f"/audit/?reference={reference}", "audit-log-filtered"
    )
    page.get_by_role("button", name="Verify the chain").click()
    page.get_by_role("heading", name="The chain holds").wait_for()
    problems += page_problems(page, axe, "audit-verify")
    screenshot(page, "audit-verify")
    assert problems == [], "\n".join(problems)
