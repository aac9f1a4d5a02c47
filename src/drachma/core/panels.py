"""Pages that other apps add to: the dashboard and the incident page.

An app contributes by defining, in its ``panels.py``, ``dashboard_panel(request)`` and/or
``incident_panel(request, incident)``, each returning HTML (``render_to_string``) or None
when the user's roles give it nothing to show. Panels appear in app order.
"""

from django.apps import apps
from django.utils.module_loading import import_string, module_has_submodule
from django.utils.safestring import SafeString


def render_panels(hook: str, *args) -> list[SafeString]:
    html = []
    for config in apps.get_app_configs():
        if not config.name.startswith("drachma.") or not module_has_submodule(
            config.module, "panels"
        ):
            continue
        try:
            func = import_string(f"{config.name}.panels.{hook}")
        except ImportError:
            continue
        rendered = func(*args)
        if rendered:
            html.append(SafeString(rendered))
    return html
