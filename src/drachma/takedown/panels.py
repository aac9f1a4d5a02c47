from django.template.loader import render_to_string

from drachma.takedown import selectors


def dashboard_panel(request) -> str | None:
    """Overdue takedowns and drafts to review, for the roles that work takedowns (readers,
    such as the disclosure officer, have other work on their dashboard)."""
    if not request.user.has_perm("takedown.work_takedownrequest"):
        return None
    context = {
        "overdue": list(selectors.overdue_requests()[:10]),
        "counts": selectors.queue_counts(),
    }
    return render_to_string("takedown/dashboard_panel.html", context, request=request)


def incident_panel(request, incident) -> str | None:
    """The footage of an incident online, with where each takedown stands, and the way to the
    incident's publication log."""
    items = []
    if request.user.has_perm("takedown.view_contentitem"):
        items = list(selectors.items_for_incident(incident))
    log = request.user.has_perm("takedown.view_publicationrecord")
    if not items and not log:
        return None
    context = {
        "items": items,
        "incident": incident,
        "publication_count": incident.publications.count() if log else None,
    }
    return render_to_string("takedown/incident_panel.html", context, request=request)


def board_report_section(period) -> str | None:
    """Takedown figures for the board report: by platform, under the small-number rule.

    The number of requests per platform is protected like every published count; a
    platform's removal rate and median time are shown only where its count is, so that
    neither rests on fewer than the threshold's requests."""
    from drachma.core.smallnumbers import suppress_1d

    rows, total = selectors.figures("platform", start=period.start, end=period.end)
    if not total.requests:
        return render_to_string(
            "takedown/board_report_section.html", {"period": period, "rows": [], "total": None}
        )
    table = suppress_1d([(r.label, r.requests) for r in rows])
    published = []
    for row, (_, cell) in zip(rows, table.rows(), strict=True):
        published.append(
            {"label": row.label, "cell": cell, "row": None if cell.suppressed else row}
        )
    context = {
        "period": period,
        "rows": published,
        "total_cell": table.total,
        "total": None if table.total.suppressed else total,
        "footnote": table.rule.footnote,
    }
    return render_to_string("takedown/board_report_section.html", context)
