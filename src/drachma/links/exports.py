"""The chart as files: i2 Analyst's Notebook's ANX XML, GraphML, and CSV of nodes and links.

Every export is made from the chart the viewer was shown (``graph.build`` for the viewer), so
an export never holds more than the role may see; entities with neighbours kept from the role
carry the count ("more, not shown").

ANX: Analyst's Notebook imports a chart written as XML (``.anx``): a ``Chart`` holding an
``AttributeClassCollection`` (the attribute names used), then a ``ChartItemCollection`` where
each ``ChartItem`` is either an entity (``End``/``Entity`` with ``EntityId``, ``Identity`` and an
``Icon``/``IconStyle Type``) or a link (``Link End1Id End2Id`` with a ``LinkStyle``), with
optional ``DateSet``/``DateTime`` and an ``AttributeCollection``. Links name their ends by
``EntityId`` (``IdReferenceLinking="false"``). docs/links.md gives the sources, and
tests/links/test_exports.py checks the file against that structure.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from xml.etree import ElementTree as ET

import networkx as nx

from drachma.core.downloads import csv_lines
from drachma.links.analysis import measures, to_networkx
from drachma.links.graph import LINK_KINDS, NODE_TYPES, Chart

ATTRIBUTES = [
    ("Drachma type", "AttText"),
    ("Drachma key", "AttText"),
    ("Not shown", "AttNumber"),
    ("Records", "AttText"),
    ("Count", "AttNumber"),
]


def _when(value) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S") if value else ""


def _chart_item(parent: ET.Element, label: str, when) -> ET.Element:
    """A ChartItem, dated when the record is (``DateSet``/``DateTime``)."""
    attrs = {"Label": label, "DateSet": "true" if when else "false"}
    if when:
        attrs["DateTime"] = _when(when)
    return ET.SubElement(parent, "ChartItem", attrs)


def _attributes(item: ET.Element, values: list[tuple[str, object]]) -> None:
    collection = ET.SubElement(item, "AttributeCollection")
    for name, value in values:
        ET.SubElement(collection, "Attribute", AttributeClass=name, Value=str(value))


def anx(chart: Chart) -> bytes:
    root = ET.Element("Chart", IdReferenceLinking="false", Rigorous="true")
    classes = ET.SubElement(root, "AttributeClassCollection")
    for name, kind in ATTRIBUTES:
        ET.SubElement(classes, "AttributeClass", Name=name, Type=kind, Visible="true")
    items = ET.SubElement(root, "ChartItemCollection")
    for node in chart.nodes.values():
        item = _chart_item(items, node.label, node.when)
        end = ET.SubElement(item, "End")
        entity = ET.SubElement(end, "Entity", EntityId=node.id, Identity=node.label or node.id)
        icon = ET.SubElement(entity, "Icon")
        ET.SubElement(icon, "IconStyle", Type=NODE_TYPES[node.type].i2_icon)
        _attributes(
            item,
            [
                ("Drachma type", NODE_TYPES[node.type].label),
                ("Drachma key", node.key),
                ("Not shown", node.hidden),
            ],
        )
    for link in chart.links.values():
        when = link.last or link.first
        item = _chart_item(items, LINK_KINDS[link.kind], when)
        element = ET.SubElement(item, "Link", End1Id=link.source, End2Id=link.target)
        ET.SubElement(element, "LinkStyle", ArrowStyle="ArrowOnHead", Type="Link", Strength="1")
        _attributes(item, [("Records", " ".join(link.records)), ("Count", link.count)])
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def graphml(chart: Chart) -> bytes:
    graph = to_networkx(chart)
    m = measures(chart)
    for node_id, data in graph.nodes(data=True):
        data["degree"] = m.degree[node_id]
        data["betweenness"] = m.betweenness[node_id]
        data["community"] = m.community.get(node_id, -1)
    out = io.BytesIO()
    nx.write_graphml(graph, out)
    return out.getvalue()


NODE_HEADER = ["id", "type", "label", "date", "not shown", "degree", "betweenness", "community"]
LINK_HEADER = ["source", "target", "kind", "first", "last", "count", "source records"]


def node_rows(chart: Chart) -> Iterator[str]:
    m = measures(chart)
    return csv_lines(
        NODE_HEADER,
        (
            [
                n.id,
                NODE_TYPES[n.type].label,
                n.label,
                _when(n.when),
                n.hidden,
                m.degree[n.id],
                m.betweenness[n.id],
                m.community.get(n.id, ""),
            ]
            for n in chart.nodes.values()
        ),
    )


def link_rows(chart: Chart) -> Iterator[str]:
    return csv_lines(
        LINK_HEADER,
        (
            [
                link.source,
                link.target,
                LINK_KINDS[link.kind],
                _when(link.first),
                _when(link.last),
                link.count,
                " ".join(link.records),
            ]
            for link in chart.links.values()
        ),
    )


FORMATS = {
    "anx": ("application/xml", "anx"),
    "graphml": ("application/graphml+xml", "graphml"),
    "nodes.csv": ("text/csv; charset=utf-8", "nodes.csv"),
    "links.csv": ("text/csv; charset=utf-8", "links.csv"),
}


def export(chart: Chart, fmt: str) -> bytes:
    if fmt == "anx":
        return anx(chart)
    if fmt == "graphml":
        return graphml(chart)
    if fmt == "nodes.csv":
        return "".join(node_rows(chart)).encode("utf-8")
    if fmt == "links.csv":
        return "".join(link_rows(chart)).encode("utf-8")
    raise ValueError(fmt)
