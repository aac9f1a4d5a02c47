from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from drachma.core.access import require
from drachma.core.forms import apply_validation_error
from drachma.groups import selectors, services
from drachma.groups.forms import GroupForm
from drachma.groups.models import Group, GroupStatus


@require("groups.view_group")
def group_list(request):
    groups = selectors.groups_with_activity()
    status = request.GET.get("status", "")
    if status:
        groups = groups.filter(status=status)
    return render(
        request,
        "groups/group_list.html",
        {"groups": groups, "status": status, "statuses": GroupStatus.choices},
    )


@require("groups.view_group", hide=True)
def group_detail(request, group_id: int):
    group = selectors.groups_with_activity().filter(pk=group_id).first()
    if group is None:
        raise Http404("No such group.")
    context = {
        "group": group,
        "timeline": selectors.group_timeline(group, request.user),
        "add_links": selectors.add_links(group, request.user),
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
