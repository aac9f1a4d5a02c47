from django.template.loader import render_to_string

from drachma.safeguarding import selectors, services


def dashboard_panel(request) -> str | None:
    """My overdue actions, for those who own safeguarding work."""
    if not request.user.has_perm("safeguarding.work_safeguardingaction"):
        return None
    context = {
        "overdue": selectors.my_overdue(request.user),
        "counts": selectors.queue_counts([request.user.pk]),
    }
    return render_to_string("safeguarding/dashboard_panel.html", context, request=request)


def incident_panel(request, incident) -> str | None:
    """The incident's assessments, grade and plan."""
    if not request.user.has_perm("safeguarding.view_thriveassessment"):
        return None
    assessments = selectors.assessments_for(incident)
    context = {
        "incident": incident,
        "assessments": assessments,
        "latest": assessments[0] if assessments else None,
        "plan": selectors.plan_for(incident)
        if request.user.has_perm("safeguarding.view_safeguardingaction")
        else [],
        "can_assess": request.user.has_perm("safeguarding.add_thriveassessment"),
        "can_plan": request.user.has_perm("safeguarding.add_safeguardingaction"),
    }
    return render_to_string("safeguarding/incident_panel.html", context, request=request)


def person_panel(request, person) -> str | None:
    """The person's exposure timeline: each event, and what was done after it (the welfare
    actions it started, their state, outcome and escalations), oldest first."""
    if not request.user.has_perm("safeguarding.view_safeguardingaction"):
        return None
    events = selectors.exposure_timeline(person)
    items = [
        {
            "label": event.get_kind_display(),
            "at": event.occurred_at,
            "by": f"on {event.incident.reference}",
            "html": render_to_string(
                "safeguarding/_exposure_actions.html", {"event": event}, request=request
            ),
        }
        for event in events
    ]
    context = {
        "person": person,
        "items": items,
        "count": len(events),
        "indicators": services.risk_indicators(person),
        "incidents": [inv.incident for inv in person.involvements.select_related("incident")],
        "can_record": request.user.has_perm("safeguarding.add_exposureevent"),
    }
    return render_to_string("safeguarding/person_panel.html", context, request=request)


def board_report_section(period) -> str:
    """Officer hours for the statistics board report: the demand figure."""
    start, end = period.start, period.end
    bounds = period.bounds
    context = {
        "total": selectors.total_hours(start, end),
        "hours_by_month": selectors.hours_by_month(start, end),
        "hours_by_area": selectors.hours_by_area(start, end),
        "response": selectors.response_times(*bounds),
    }
    return render_to_string("safeguarding/board_report_section.html", context)
