"""The link chart's pages: choosing a start, the chart, and its exports."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse

from drachma.core.access import require
from drachma.core.downloads import attachment
from drachma.core.forms import apply_validation_error
from drachma.groups.models import Group
from drachma.links import analysis, exports, selectors
from drachma.links.forms import LAYOUTS, ChartForm, StartForm
from drachma.links.graph import LINK_KINDS, NODE_TYPES

GATE = "groups.view_group"
# The table beside the chart (its text alternative) lists this many entities.
TABLE_ROWS = 300


@require(GATE)
def index(request):
    form = StartForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("links:chart", chart_start=form.cleaned_data["start"].strip())
    return render(
        request,
        "links/index.html",
        {
            "form": form,
            "groups": [
                (f"group:{g.pk}", g.name) for g in Group.objects.order_by("name").only("name")
            ],
            "shared": [
                {**p, "a_start": f"group:{p['a']}", "b_start": f"group:{p['b']}"}
                for p in analysis.shared_groups(request.user)
            ],
        },
    )


def _chart(request, start: str):
    form = ChartForm(request.GET)
    if not form.is_valid():
        return form, None
    try:
        chart = selectors.chart_for(request.user, start, **form.chart_options())
    except ValidationError as exc:
        if "chart_start" in exc.message_dict:
            raise Http404(exc.message_dict["chart_start"][0]) from None
        apply_validation_error(form, exc)
        return form, None
    return form, chart


@require(GATE, hide=True)
def chart(request, chart_start: str):
    start = chart_start
    form, found = _chart(request, start)
    context = {"form": form, "start": start, "layouts": LAYOUTS, "chart": found}
    if found is None:
        return render(request, "links/chart.html", context, status=400)
    m = analysis.measures(found)
    people = {n.key for n in found.nodes.values() if n.type == "person"}
    query = request.GET.urlencode()
    without_depth = request.GET.copy()
    without_depth.pop("depth", None)
    context.update(
        {
            "start_node": found.nodes[found.start],
            "key_entities": analysis.key_entities(found, m),
            "communities": m.communities,
            "nodes": sorted(found.nodes.values(), key=lambda n: (n.level, n.type, n.label))[
                :TABLE_ROWS
            ],
            "node_types": NODE_TYPES,
            "link_kinds": LINK_KINDS,
            "suspects": [
                s
                for s in analysis.suspects_confronted_by_several(request.user)
                if s["person"].pk in people
            ],
            "recurring": [
                n
                for n in found.nodes.values()
                if n.type in ("phone", "handle") and m.degree[n.id] > 1
            ],
            "api_url": reverse("api:links_chart", kwargs={"chart_start": start})
            + (f"?{query}" if query else ""),
            "path_url": reverse(
                "api:links_path", kwargs={"chart_start": start, "chart_end": "END"}
            ),
            "exports": [
                (
                    label,
                    reverse("links:export", kwargs={"chart_start": start, "export_format": fmt})
                    + (f"?{query}" if query else ""),
                )
                for fmt, label in (
                    ("anx", "i2 Analyst's Notebook (ANX)"),
                    ("graphml", "GraphML"),
                    ("nodes.csv", "Entities (CSV)"),
                    ("links.csv", "Links (CSV)"),
                )
            ],
            "query": without_depth.urlencode(),
        }
    )
    return render(request, "links/chart.html", context)


@require(GATE, hide=True)
def export(request, chart_start: str, export_format: str):
    start, fmt = chart_start, export_format
    if fmt not in exports.FORMATS:
        raise Http404("No such export format.")
    form, found = _chart(request, start)
    if found is None:
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    content_type, extension = exports.FORMATS[fmt]
    name = start.replace(":", "-").replace("+", "")
    return attachment(
        exports.export(found, fmt),
        filename=f"link-chart-{name}.{extension}",
        content_type=content_type,
    )
