from django.template.loader import render_to_string

from drachma.cases import selectors
from drachma.cases.models import Case


def incident_panel(request, incident) -> str | None:
    """The incident's cases with their stage, or its Home Office outcome when it ended without
    a charge, and the way to record that outcome."""
    if not request.user.has_perm("cases.view_case"):
        return None
    cases = list(
        Case.objects.filter(incidents=incident).prefetch_related(
            "defendants__person", "defendants__charges__result"
        )
    )
    context = {
        "incident": incident,
        "cases": cases,
        "outcome": selectors.incident_outcome(incident),
        "may_record": request.user.has_perm("cases.add_incidentoutcome"),
    }
    return render_to_string("cases/incident_panel.html", context, request=request)


def dashboard_panel(request) -> str | None:
    """The signed-in officer's actions to tell a prosecutor of a publication found during
    active proceedings (the monitor's, docs/cases.md); nothing when there are none."""
    if not request.user.has_perm("cases.change_prosecutornotice"):
        return None
    notices = list(selectors.open_notices_for(request.user).order_by("due_at", "pk")[:10])
    if not notices:
        return None
    return render_to_string("cases/dashboard_panel.html", {"notices": notices}, request=request)


def board_report_section(period) -> str:
    """The period's case figures for the board report, under the small-number rule
    (``cases.figures.for_period``)."""
    from drachma.cases.figures import section_html

    return section_html(period.start, period.end)
