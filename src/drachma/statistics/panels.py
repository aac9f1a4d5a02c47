"""The statistics app's part of the dashboard: FOI requests awaiting an answer."""

from django.template.loader import render_to_string
from django.utils import timezone

from drachma.core.workingdays import add_working_days
from drachma.statistics import selectors, services
from drachma.statistics.models import FOIStatus


def dashboard_panel(request) -> str | None:
    """The open FOI requests, soonest due first, for those who answer them."""
    if not request.user.has_perm("statistics.answer_foirequest"):
        return None
    today = timezone.localdate()
    open_requests = selectors.foi_requests().filter(status=FOIStatus.OPEN).order_by("due_on")
    context = {
        "soonest": list(open_requests[:5]),
        "open": open_requests.count(),
        "soon": open_requests.filter(
            due_on__gte=today, due_on__lte=add_working_days(today, services.remind_days())
        ).count(),
        "overdue": open_requests.filter(due_on__lt=today).count(),
        "today": today,
        "remind_days": services.remind_days(),
    }
    return render_to_string("statistics/dashboard_panel.html", context, request=request)
