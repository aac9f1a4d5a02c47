"""The link chart's API: a chart around an entity (expanding a node is a chart of depth 1
around it), and the shortest connection between two entities. Nodes and links as JSON, for
the chart page's Cytoscape.js and for other tools."""

import datetime

from ninja import Field, Query, Router, Schema

from drachma.core.apitools import Allow
from drachma.links import analysis, selectors
from drachma.links.graph import LINK_KINDS, NODE_TYPES, Chart

router = Router()
GATE = "groups.view_group"


class LinkChartFilters(Schema):
    depth: int = Field(2, description="Links from the start, 1 to 3")
    types: list[str] | None = Field(
        None, description=f"Entity types drawn: {', '.join(NODE_TYPES)}"
    )
    date_from: datetime.date | None = Field(None, description="Links dated on or after")
    date_to: datetime.date | None = Field(None, description="Links dated on or before")


class LinkPathFilters(Schema):
    types: list[str] | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class LinkNodeOut(Schema):
    id: str
    type: str
    type_label: str
    label: str
    date: datetime.datetime | None
    url: str
    not_shown: int = Field(description="Neighbours your role may not see")
    level: int
    degree: int
    betweenness: float
    community: int | None


class LinkEdgeOut(Schema):
    id: str
    source: str
    target: str
    kind: str
    label: str
    first: datetime.datetime | None
    last: datetime.datetime | None
    count: int
    records: list[str] = Field(description="Source records, app.model:key (up to 10)")


class LinkChartOut(Schema):
    start: str
    depth: int
    truncated: bool = Field(description="Cut at the most entities a chart draws")
    not_shown: int
    communities: int
    path: list[str] = []
    nodes: list[LinkNodeOut]
    links: list[LinkEdgeOut]


def chart_json(chart: Chart, *, path: list[str] | None = None) -> dict:
    m = analysis.measures(chart)
    return {
        "start": chart.start,
        "depth": chart.depth,
        "truncated": chart.truncated,
        "not_shown": chart.hidden,
        "communities": m.communities,
        "path": path or [],
        "nodes": [
            {
                "id": n.id,
                "type": n.type,
                "type_label": NODE_TYPES[n.type].label,
                "label": n.label,
                "date": n.when,
                "url": n.url,
                "not_shown": n.hidden,
                "level": n.level,
                "degree": m.degree[n.id],
                "betweenness": m.betweenness[n.id],
                "community": m.community.get(n.id),
            }
            for n in chart.nodes.values()
        ],
        "links": [
            {
                "id": link.id,
                "source": link.source,
                "target": link.target,
                "kind": link.kind,
                "label": LINK_KINDS[link.kind],
                "first": link.first,
                "last": link.last,
                "count": link.count,
                "records": link.records,
            }
            for link in chart.links.values()
        ],
    }


@router.get(
    "/charts/{chart_start}",
    url_name="links_chart",
    response=LinkChartOut,
    auth=Allow(GATE, hide=True),
    description="The entities and links around `chart_start` (type:key, e.g. group:12) that your "
    "role may see; an entity with neighbours kept from your role counts them in not_shown. "
    "Refused (422, naming the field) for an unknown entity, a depth outside 1 to 3, a date "
    "range the wrong way round or an unknown type.",
)
def get_chart(request, chart_start: str, filters: LinkChartFilters = Query(...)):
    chart = selectors.chart_for(request.user, chart_start, **filters.dict())
    return chart_json(chart)


@router.get(
    "/paths/{chart_start}/{chart_end}",
    url_name="links_path",
    response=LinkChartOut,
    auth=Allow(GATE, hide=True),
    description="The shortest connection (up to six links) between two entities through what "
    "your role may see; `path` is empty when there is none.",
)
def get_path(request, chart_start: str, chart_end: str, filters: LinkPathFilters = Query(...)):
    chart, path = selectors.path_for(request.user, chart_start, chart_end, **filters.dict())
    return chart_json(chart, path=path)
