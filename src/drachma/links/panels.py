"""The links app's panels on the group's and the person's pages."""

from django.template.loader import render_to_string

from drachma.links import analysis


def group_panel(request, group) -> str | None:
    """The groups it shares members or accounts with, and the way to its chart."""
    if not request.user.has_perm("groups.view_group"):
        return None
    summary = analysis.group_summary(request.user, group)
    context = {
        "shared": summary["shared"],
        "start": f"group:{group.pk}",
        "label": group.name,
        "empty": "It shares no members or accounts with another group that your role may see.",
    }
    return render_to_string("links/panel.html", context, request=request)


def person_panel(request, person) -> str | None:
    """The groups that confronted the person (flagged when more than one) and those they were
    a member of, and the way to their chart."""
    summary = analysis.person_summary(request.user, person)
    if not summary:
        return None
    context = {
        **summary,
        "start": f"person:{person.pk}",
        "label": person.full_name,
        "empty": "No group has confronted this person or counted them as a member.",
    }
    return render_to_string("links/panel.html", context, request=request)
