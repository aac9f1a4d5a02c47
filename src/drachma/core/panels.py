"""Pages that other apps add to: the dashboard and the incident page.

An app contributes by defining, in its ``panels.py``, ``dashboard_panel(request)`` and/or
``incident_panel(request, incident)``, each returning HTML (``render_to_string``) or None
when the user's roles give it nothing to show. Panels appear in app order.
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
