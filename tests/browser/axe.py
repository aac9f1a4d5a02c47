"""Browser-test helpers: axe-core (vendored) in a Playwright page, screenshots, signing in.

``run_axe(page)`` injects the vendored axe-core and returns its violations of WCAG 2.2 AA;
``screenshot(page, name)`` saves ``docs/screenshots/<name>-<width>.png`` at each width, only
when ``DRACHMA_SCREENSHOTS=1`` (``make screenshots``), so a test run never dirties the tree;
``sign_in_page(page, live_server, user)`` gives the page a signed-in session without the login
form; ``no_sideways_scroll(page)`` is what a 390-pixel phone needs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from drachma.core.frontend import VENDOR_DIR, versions

AXE_JS = VENDOR_DIR / f"axe-core-{versions()['axe-core']}" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def run_axe(page: Any, tags: list[str] | None = None) -> list[dict]:
    """axe-core's violations on the page as it is now (an empty list when there are none)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        tags or WCAG_AA,
    )
    return result["violations"]


def describe(violations: list[dict]) -> str:
    """Violations as lines a failing assertion can show."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )


def no_sideways_scroll(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def screenshot(page: Any, name: str, widths: tuple[int, ...] = (1280, 390)) -> list[Path]:
    """Save the page at each width to docs/screenshots/ when DRACHMA_SCREENSHOTS=1."""
    if os.environ.get("DRACHMA_SCREENSHOTS") != "1":
        return []
    saved = []
    size = page.viewport_size
    for width in widths:
        page.set_viewport_size({"width": width, "height": PHONE["height"] if width < 641 else 900})
        path = SCREENSHOTS / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        saved.append(path)
    if size:
        page.set_viewport_size(size)
    return saved


def sign_in_page(page: Any, live_server: Any, user: Any) -> None:
    """Give the browser ``user``'s session (second factor passed where the role needs it)."""
    from django.test import Client

    from tests.conftest import sign_in

    client = sign_in(Client(), user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
