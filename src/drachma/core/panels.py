"""Pages that other apps add to: the dashboard, the incident, person and group pages, the
safeguarding work queue and the statistics board report.

An app contributes by defining, in its ``panels.py``, any of ``dashboard_work(request)``
(each role's work, at the top of the dashboard: ``site``), ``dashboard_panel(request)``,
``incident_panel(request, incident)``, ``person_panel(request, person)``,
``group_panel(request, group)``,
``conversation_panel(request, parsed_conversation)`` (evidence's conversation page),
``safeguarding_queue_panel(request)`` and
``board_report_section(period)``, each returning HTML (``render_to_string``) or None when the
user's roles give it nothing to show. Panels appear in app order. The page's own app never
imports the contributing apps (they sit above it in the layers).
"""

from django.utils.safestring import SafeString

from drachma.core.registry import app_hooks


def render_panels(hook: str, *args) -> list[SafeString]:
    html = []
    for func in app_hooks("panels", hook):
        rendered = func(*args)
        if rendered:
            html.append(SafeString(rendered))
    return html
