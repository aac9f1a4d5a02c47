from django.template.loader import render_to_string

from drachma.incidents.selectors import dashboard_figures


def dashboard_panel(request) -> str | None:
    if not request.user.has_perm("incidents.view_incident"):
        return None
    return render_to_string(
        "incidents/dashboard_panel.html", {"figures": dashboard_figures()}, request=request
    )
