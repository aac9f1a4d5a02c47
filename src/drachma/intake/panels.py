from django.template.loader import render_to_string

from drachma.intake import selectors


def dashboard_panel(request) -> str | None:
    """Urgent untriaged reports (planned confrontations) for safeguarding officers and the
    other triage roles; the referral queue for the investigation team."""
    if not request.user.has_perm("intake.view_report"):
        return None
    context = {
        "urgent": selectors.urgent_untriaged(),
        "counts": selectors.queue_counts(),
        "referrals": selectors.referral_counts()
        if request.user.has_perm("intake.view_referral")
        else None,
    }
    return render_to_string("intake/dashboard_panel.html", context, request=request)


def incident_panel(request, incident) -> str | None:
    if not request.user.has_perm("intake.view_report"):
        return None
    reports = list(selectors.reports_for_incident(incident))
    if not reports:
        return None
    return render_to_string(
        "intake/incident_panel.html", {"reports": reports, "incident": incident}, request=request
    )


def safeguarding_queue_panel(request) -> str | None:
    """On the safeguarding work queue: urgent reports (planned confrontations) not yet
    triaged, for the roles that triage reports."""
    if not request.user.has_perm("intake.view_report"):
        return None
    urgent = selectors.urgent_untriaged()
    if not urgent:
        return None
    return render_to_string(
        "intake/safeguarding_queue_panel.html", {"urgent": urgent}, request=request
    )
