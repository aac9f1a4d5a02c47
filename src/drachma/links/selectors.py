"""The link chart as a viewer may see it, the view recorded: the pages, the API and the
exports all read charts here, so every door draws and records the same thing."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import networkx as nx

from drachma.audit import reads
from drachma.evidence.models import EvidenceItem
from drachma.groups.models import Group, PlatformAccount
from drachma.incidents.models import Incident
from drachma.intake.models import Report
from drachma.links import graph
from drachma.links.graph import Chart
from drachma.people.models import Person
from drachma.takedown.models import ContentItem

# The records a chart shows, by node type, recorded as list views.
RECORDED = {
    "group": Group,
    "account": PlatformAccount,
    "person": Person,
    "incident": Incident,
    "footage": ContentItem,
    "report": Report,
    "exhibit": EvidenceItem,
}
# Two charts of this depth from each end meet in the middle: a connection of up to 6 links.
PATH_DEPTH = 3


def _record(viewer: Any, chart: Chart, obj: Any, *, via: str) -> None:
    if obj is not None:
        reads.viewed(viewer, obj, fields=["link chart"], via=via)
    by_type: dict[str, list] = defaultdict(list)
    for node in chart.nodes.values():
        if node.type in RECORDED and node.id != chart.start:
            by_type[node.type].append(node.key)
    for type_name, keys in by_type.items():
        model = RECORDED[type_name]
        reads.viewed_list(viewer, model, model.objects.filter(pk__in=keys), query=via)


def chart_for(
    viewer: Any,
    start: str,
    *,
    depth: int = 2,
    types: Iterable[str] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    max_nodes: int = graph.MAX_NODES,
) -> Chart:
    """The chart around ``start`` (``group:12``) that ``viewer`` may see, its opening
    recorded. Bad input is refused naming the field (``ValidationError``): an entity that is
    unknown or hidden from the role (``chart_start``, the same words for both), a depth outside 1
    to 3 (``depth``), a date range the wrong way round (``date_to``), an unknown type
    (``types``)."""
    ref = graph.parse_node(start)
    graph.check_depth(depth)
    graph.period_of(date_from, date_to)
    graph.check_types(types)
    obj = graph.exists(viewer, ref)
    chart = graph.build(
        viewer,
        ref,
        depth=depth,
        types=types,
        date_from=date_from,
        date_to=date_to,
        max_nodes=max_nodes,
    )
    _record(viewer, chart, obj, via=f"link chart of {chart.start}")
    return chart


def path_for(
    viewer: Any,
    start: str,
    end: str,
    *,
    types: Iterable[str] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> tuple[Chart, list[str]]:
    """The shortest connection between two entities through what ``viewer`` may see (up to
    six links), as a chart of the path alone, and the path's entity ids in order (empty when
    there is none)."""
    a = graph.parse_node(start, field_name="chart_start")
    b = graph.parse_node(end, field_name="chart_end")
    graph.period_of(date_from, date_to)
    graph.check_types(types)
    obj = graph.exists(viewer, a, field_name="chart_start")
    graph.exists(viewer, b, field_name="chart_end")
    options: dict[str, Any] = {
        "depth": PATH_DEPTH,
        "types": types,
        "date_from": date_from,
        "date_to": date_to,
        "count_hidden": False,
    }
    sides = [graph.build(viewer, a, **options), graph.build(viewer, b, **options)]
    g = nx.Graph()
    links: dict[frozenset, graph.Link] = {}
    nodes: dict[str, graph.Node] = {}
    for side in sides:
        nodes.update(side.nodes)
        for link in side.links.values():
            g.add_edge(link.source, link.target)
            links.setdefault(frozenset((link.source, link.target)), link)
    ids = [graph.node_id(*a), graph.node_id(*b)]
    try:
        path = nx.shortest_path(g, ids[0], ids[1])
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        path = []
    chart = Chart(start=ids[0], depth=PATH_DEPTH, types=sides[0].types)
    for node in path or ids:
        chart.nodes[node] = nodes[node] if node in nodes else graph.Node(node, *_split(node))
    for x, y in zip(path, path[1:], strict=False):
        link = links[frozenset((x, y))]
        chart.links[link.id] = link
    graph.describe(n for n in chart.nodes.values() if not n.label)
    _record(viewer, chart, obj, via=f"connection of {ids[0]} and {ids[1]}")
    return chart, path


def _split(node: str) -> tuple[str, Any]:
    return graph.parse_node(node)
