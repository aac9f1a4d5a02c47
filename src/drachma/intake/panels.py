from django.template.loader import render_to_string

from drachma.intake import known, selectors


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
    """The reports linked to the incident, and whether its people, stream and groups'
    accounts are already known."""
    parts = [_reports_panel(request, incident), incident_panel_known(request, incident)]
    html = "".join(p for p in parts if p)
    return html or None


def _reports_panel(request, incident) -> str | None:
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


def _known_panel(request, queries, via: str) -> str | None:
    if not request.user.has_perm(known.CHECK_PERM) or not queries:
        return None
    answers = known.check(request.user, queries, via=via)
    return render_to_string(
        "intake/known_panel.html", {"answers": answers, "via": via}, request=request
    )


def incident_panel_known(request, incident) -> str | None:
    return _known_panel(
        request,
        known.queries_for_incident(incident, request.user),
        f"incident {incident.reference}",
    )


def conversation_panel(request, parsed) -> str | None:
    """On a parsed conversation's page: are its participants already known?"""
    where = f"participants of exhibit {parsed.item.exhibit_ref}"
    return _known_panel(request, known.queries_for_participants(parsed.participants, where), where)
