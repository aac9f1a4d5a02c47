from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string

from drachma.core.access import require
from drachma.core.forms import apply_validation_error
from drachma.core.paging import paginate
from drachma.core.panels import render_panels
from drachma.groups import selectors, services
from drachma.groups.filtersets import GroupFilterSet
from drachma.groups.forms import GroupForm
from drachma.groups.models import Group

# A page of a group's timeline.
TIMELINE_PAGE = 20


@require("groups.view_group")
def group_list(request):
    filterset = GroupFilterSet(request.GET, queryset=selectors.groups_with_activity())
    groups = filterset.qs if filterset.is_valid() else Group.objects.none()
    context = paginate(
        request,
        groups,
        sorts={
            "name": "name",
            "home": ("home_borough__name", "home_area_text"),
            "status": "status",
            "first_seen": "first_seen",
            "last_seen": "last_seen",
        },
        default_sort="name",
    )
    return render(request, "groups/group_list.html", {"filterset": filterset, **context})


@require("groups.view_group", hide=True)
def group_detail(request, group_id: int):
    group = selectors.groups_with_activity().filter(pk=group_id).first()
    if group is None:
        raise Http404("No such group.")
    timeline = Paginator(selectors.group_timeline_pages(group, request.user), TIMELINE_PAGE)
    page = timeline.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "group": group,
        "timeline_page": page,
        "timeline": [
            {
                "label": item["activity"].kind.capitalize(),
                "at": item["when"],
                "html": render_to_string(
                    item["activity"].item_template, {"object": item["object"]}
                ),
            }
            for item in page
        ],
        "querystring_without_page": params.urlencode(),
        "add_links": selectors.add_links(group, request.user),
        # What the apps above add to a group's page (links: shared members and accounts).
        "panels": render_panels("group_panel", request, group),
    }
    return render(request, "groups/group_detail.html", context)


def _save_group(request, group=None):
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.save_group(
                group,
                user=request.user,
                aliases=form.cleaned_data["aliases"],
                accounts=form.cleaned_data["accounts"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Group {group.name} saved.")
            return redirect("groups:group_detail", group_id=group.pk)
    return render(request, "groups/group_form.html", {"form": form, "group": group})


@require("groups.add_group", methods=["GET", "POST"])
def group_create(request):
    return _save_group(request)


@require("groups.change_group", hide=True, methods=["GET", "POST"])
def group_edit(request, group_id: int):
    return _save_group(request, get_object_or_404(Group, pk=group_id))
