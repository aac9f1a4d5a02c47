"""The site's contributions to core's pages: each role's work at the top of the dashboard."""

from django.template.loader import render_to_string

from drachma.site.dashboard import work_for


def dashboard_work(request) -> str | None:
    """ "Your work": for each of the user's roles, what waits, counted, linking to the lists."""
    sections = work_for(request.user)
    if not sections:
        return None
    return render_to_string("site/dashboard_work.html", {"sections": sections}, request=request)
