"""The page templates: the staff base (header, service navigation, classification, messages),
the public base, and the core pages rebuilt on them."""

import re
from pathlib import Path

import pytest
from django.contrib import messages
from django.template.loader import render_to_string
from django.test import RequestFactory

import drachma
from drachma.core.frontend import VENDOR_DIR, versions
from drachma.core.models import Notification

STATIC = Path(drachma.__file__).parent / "static"


@pytest.mark.django_db
def test_the_staff_page_frame(client_as, settings):
    settings.DRACHMA_CLASSIFICATION = "OFFICIAL-SENSITIVE"
    client = client_as("analyst")
    html = client.get("/").content.decode()
    assert '<html lang="en-GB" class="govuk-template">' in html
    assert "<title>Dashboard – Drachma</title>" in html
    assert '<a href="#main-content" class="govuk-skip-link"' in html
    assert '<main class="govuk-main-wrapper" id="main-content">' in html
    # The service's name in MOJ's header; no crown, no GOV.UK logo, not its typeface.
    assert 'moj-header__link--organisation-name" href="/">Drachma</a>' in html
    assert "<svg" not in html.split('<div class="govuk-width-container">')[0].split("<body")[1]
    assert "GOV.UK" not in html and "GDS Transport" not in html
    # The account's links and sign-out in the header's navigation.
    header = html[html.index('<header class="moj-header">') : html.index("</header>")]
    assert 'aria-label="Your account"' in header and ">Sign out</button>" in header
    assert 'method="post" action="/accounts/logout/"' in header
    # The menu the role allows, in the service navigation; the page's own entry current.
    nav = html[html.index('class="govuk-service-navigation"') :]
    nav = nav[: nav.index("</nav>")]
    assert ">Incidents<" in nav and "Audit log" not in nav and "Users" not in nav
    # The classification banner under the header, and the footer.
    assert '<strong class="drachma-classification__marking">OFFICIAL-SENSITIVE</strong>' in html
    assert 'class="govuk-footer"' in html
    # No inline script: a Content-Security-Policy may forbid them.
    for script in re.findall(r"<script[^>]*>(.*?)</script>", html, re.S):
        assert script == ""


@pytest.mark.django_db
def test_the_menu_marks_the_section_the_page_is_in(client_as):
    client = client_as("analyst")
    html = client.get("/incidents/").content.decode()
    [current] = re.findall(
        r'<li class="govuk-service-navigation__item[^"]*--active">(.*?)</li>', html, re.S
    )
    assert 'aria-current="page"' in current and ">Incidents</strong>" in current


@pytest.mark.django_db
def test_the_notifications_count_is_in_the_header(client_as, make_user):
    user = make_user("analyst")
    client = client_as(user=user)
    for subject in ("One", "Two"):
        Notification.objects.create(recipient=user, subject=subject)
    html = client.get("/").content.decode()
    assert (
        'Notifications<span class="moj-notification-badge">2<span class="govuk-visually-hidden">'
        " unread</span></span>"
    ) in html


@pytest.mark.django_db
def test_messages_show_as_notification_banners(make_user, rf):
    from django.contrib.messages.storage.base import Message

    request = rf.get("/")
    request.user = make_user("analyst")

    html = render_to_string(
        "core/dashboard.html",
        {"messages": [Message(messages.SUCCESS, "TR-2026-000019 closed")], "panels": []},
        request=request,
    )
    assert "govuk-notification-banner--success" in html and "TR-2026-000019 closed" in html


@pytest.mark.django_db
def test_the_notifications_page_is_a_sorted_counted_table(client_as, make_user):
    user = make_user("analyst")
    client = client_as(user=user)
    for subject in ("Bravo", "Alpha", "Charlie"):
        Notification.objects.create(recipient=user, subject=subject)
    html = client.get("/notifications/?sort=subject").content.decode()
    assert '<p class="drachma-result-count" role="status">3 notifications</p>' in html
    subjects = re.findall(r'<td class="govuk-table__cell">(Alpha|Bravo|Charlie)', html)
    assert subjects == ["Alpha", "Bravo", "Charlie"]
    assert 'aria-sort="ascending"><a class="drachma-sort-link" href="?sort=-subject">' in html
    assert 'Open<span class="govuk-visually-hidden"> Alpha</span>' in html
    empty = client_as("investigator").get("/notifications/").content.decode()
    assert "No notifications." in empty and "0 notifications" in empty


def test_the_public_base_has_no_staff_menu_nor_classification():
    request = RequestFactory().get("/intake/report/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    html = render_to_string("public_base.html", {}, request=request)
    assert "<title>Drachma – Police</title>" in html
    assert "govuk-service-navigation" not in html and "drachma-classification" not in html
    assert "Sign out" not in html and "drachma-print-header" not in html
    assert 'moj-header__link--service-name">Report a concern</span>' in html


@pytest.mark.django_db
def test_the_error_pages(client_as):
    client = client_as("analyst")
    html = client.get("/no/such/page/").content.decode()
    assert '<h1 class="govuk-heading-l">Not found</h1>' in html
    response = client.get("/audit/")
    assert response.status_code == 403
    assert '<h1 class="govuk-heading-l">Not allowed</h1>' in response.content.decode()


# --- the vendored front end ----------------------------------------------------------------


def test_every_static_file_the_base_names_exists():
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    html = render_to_string("base.html", {}, request=request)
    paths = re.findall(r'(?:src|href|data-[a-z-]+)="/static/([^"]+)"', html)
    assert len(paths) >= 7
    for path in paths:
        assert (STATIC / path).is_file(), path


def test_the_vendored_packages_are_the_pinned_ones_with_their_licences():
    import json

    lock = json.loads(
        (Path(drachma.__file__).parents[2] / ".ci/frontend/package-lock.json").read_text()
    )["packages"]
    names = {
        "govuk-frontend": "govuk-frontend",
        "moj-frontend": "@ministryofjustice/frontend",
        "accessible-autocomplete": "accessible-autocomplete",
        "axe-core": "axe-core",
    }
    for folder, package in names.items():
        version = lock[f"node_modules/{package}"]["version"]
        assert versions()[folder] == version
        vendored = VENDOR_DIR / f"{folder}-{version}"
        assert any(p.name.upper().startswith("LICEN") for p in vendored.iterdir()), folder
    assert versions()["sass"] == lock["node_modules/sass"]["version"]


def test_the_compiled_stylesheet_is_built_without_the_govuk_typeface():
    css = (STATIC / "compiled" / "drachma.min.css").read_text()
    assert "GDS Transport" not in css and "@font-face" not in css
    assert "system-ui" in css
    for component in (
        ".govuk-summary-list",
        ".moj-filter-layout",
        ".moj-timeline",
        ".govuk-pagination",
        ".autocomplete__wrapper",
        ".drachma-classification",
    ):
        assert component in css, component
