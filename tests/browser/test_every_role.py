"""Every role's main pages in a real browser on a 390-pixel phone: each role's dashboard, and
every list, detail and overview page in the menus, opened by a role that docs/roles.md lets
see it, with the sample records the role matrix uses. axe-core finds no WCAG 2.2 AA violation
and nothing scrolls sideways.

Each page is checked once (by the first role allowed it), except the dashboard, which differs
for every role; the desktop width is covered page by page in the design tests."""

import pytest
from django.db import connection

from drachma.core.navigation import menu_items
from drachma.core.roles import Role
from drachma.site.access_matrix import all_endpoints
from tests.browser.axe import PHONE, describe, no_sideways_scroll, sign_in_page
from tests.site.test_role_matrix import World, _url, documented

# Beside the menus' lists: the pages of one record, and the safeguarding action and
# assessment pages (named for the record, not "detail").
OTHER_MAIN_PAGES = ("detail", ":action", ":assessment")


def _main_pages() -> list:
    menu = {item.url_name for item in menu_items()}
    return [
        e
        for e in all_endpoints()
        if e.method == "GET"
        and not e.is_api
        and not e.public
        and (e.key in menu or e.key.endswith(OTHER_MAIN_PAGES))
    ]


def _too_wide(page) -> list[str]:
    """The innermost elements reaching past the window, to say what to mend."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
          .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
                        && ![...el.children].some(c =>
                             c.getBoundingClientRect().right > window.innerWidth + 1))
          .slice(0, 5)
          .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
                     + ' ' + (el.textContent || '').trim().slice(0, 40))"""
    )


@pytest.mark.browser
@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the pages are the same on both databases; the crawl runs once, in the SQLite run",
)
@pytest.mark.django_db(transaction=True)
def test_every_roles_main_pages_pass_axe_on_a_phone(page, live_server, make_user, axe):
    rows = documented()
    world = World(make_user).build()
    pages = _main_pages()
    assert len(pages) > 20, [e.key for e in pages]  # the menus and records were found
    page.set_viewport_size(PHONE)
    checked, problems = set(), []

    def check(user, url, what):
        response = page.goto(f"{live_server.url}{url}")
        if response is None or response.status != 200:
            problems.append(f"{what}: {response.status if response else 'no answer'}")
            return
        page.wait_for_selector("body[data-drachma-ready]")
        violations = axe(page)
        if violations:
            problems.append(f"{what}:\n{describe(violations)}")
        if not no_sideways_scroll(page):
            problems.append(f"{what}: scrolls sideways at 390 pixels: {_too_wide(page)}")

    for role in Role:
        user = world.users[str(role)]
        page.context.clear_cookies()
        sign_in_page(page, live_server, user)
        check(user, "/", f"the dashboard as {role}")
        kwargs = {k: v(user) if callable(v) else v for k, v in world.kwargs.items()}
        for endpoint in pages:
            if endpoint.key in checked or not rows[("GET", endpoint.key)].get(str(role)):
                continue
            checked.add(endpoint.key)
            check(user, _url(endpoint, kwargs), f"{endpoint.key} as {role}")
    assert checked == {e.key for e in pages}, "no role may see " + ", ".join(
        sorted({e.key for e in pages} - checked)
    )
    assert not problems, "\n".join(problems)
