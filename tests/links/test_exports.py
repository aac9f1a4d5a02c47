"""The chart's exports: i2 Analyst's Notebook (checked against the format's structure),
GraphML, CSV of entities and links (safe against formulas), each limited to what the role may
see."""

import csv
import io
from xml.etree import ElementTree as ET

import networkx as nx
import pytest

from drachma.links import exports, selectors
from tests.conftest import sign_in
from tests.links import network
from tests.links.anx_structure import problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def net(supervisor):
    return network.build(supervisor)


def test_the_i2_export_has_the_structure_analysts_notebook_imports(net, supervisor):
    chart = selectors.chart_for(supervisor, f"group:{net.a.pk}", depth=3)
    xml = exports.anx(chart)
    assert problems(xml) == []
    root = ET.fromstring(xml)
    entities = root.findall("ChartItemCollection/ChartItem/End/Entity")
    links = root.findall("ChartItemCollection/ChartItem/Link")
    assert len(entities) == len(chart.nodes) and len(links) == len(chart.links)
    icons = {
        e.get("EntityId"): e.find("Icon/IconStyle").get("Type")  # type: ignore[union-attr]
        for e in entities
    }
    assert icons[f"person:{net.member.pk}"] == "Person"
    assert icons[f"group:{net.a.pk}"] == "Organisation"
    dated = next(
        item
        for item in root.iterfind("ChartItemCollection/ChartItem")
        if item.find(f"End/Entity[@EntityId='incident:{net.first.pk}']") is not None
    )
    assert dated.get("DateSet") == "true" and dated.get("DateTime")


def test_the_structure_check_catches_what_breaks_the_format():
    assert problems(
        b"<Chart><ChartItemCollection><ChartItem><Link End1Id='x' End2Id='y'>"
        b"<LinkStyle ArrowStyle='ArrowOnHead' Type='Link'/></Link></ChartItem>"
        b"</ChartItemCollection></Chart>"
    ) == [
        "Link End1Id=x names no entity",
        "Link End2Id=y names no entity",
    ]
    out_of_order = problems(b"<Chart><ChartItemCollection/><AttributeClassCollection/></Chart>")
    assert any("out of the schema's order" in p for p in out_of_order)
    assert problems(
        b"<Chart><ChartItemCollection><ChartItem DateSet='true' DateTime='soon'>"
        b"<End><Entity EntityId='a' Identity='a'><Icon><IconStyle Type='Person'/>"
        b"</Icon></Entity></End></ChartItem></ChartItemCollection></Chart>"
    ) == ["ChartItem None is dated but DateTime is not xs:dateTime"]


def test_graphml_reads_back_with_the_measures(net, supervisor):
    chart = selectors.chart_for(supervisor, f"group:{net.a.pk}", depth=2)
    graph = nx.read_graphml(io.BytesIO(exports.graphml(chart)))
    assert set(graph.nodes) == set(chart.nodes)
    assert graph.number_of_edges() == len(chart.links)
    member = graph.nodes[f"person:{net.member.pk}"]
    assert member["type"] == "person" and member["label"] == "Mandy Member"
    assert member["degree"] >= 2 and "betweenness" in member and "community" in member


def test_csv_exports_are_safe_against_formulas(net, supervisor):
    chart = selectors.chart_for(supervisor, f"person:{net.member.pk}", depth=1)
    nodes = list(csv.reader(io.StringIO(exports.export(chart, "nodes.csv").decode("utf-8-sig"))))
    assert nodes[0] == exports.NODE_HEADER
    labels = {row[0]: row[2] for row in nodes[1:]}
    assert labels[f"group:{net.c.pk}"] == '\'=HYPERLINK("http://x")'
    links = list(csv.reader(io.StringIO(exports.export(chart, "links.csv").decode("utf-8-sig"))))
    assert links[0] == exports.LINK_HEADER and len(links) == len(chart.links) + 1
    assert {row[2] for row in links[1:]} >= {"Member of", "Involved in"}


@pytest.mark.parametrize("fmt", ["anx", "graphml", "nodes.csv", "links.csv"])
def test_an_export_holds_only_what_the_role_may_see(net, client, analyst, fmt):
    sign_in(client, analyst)
    response = client.get(f"/links/chart/group:{net.a.pk}/export/{fmt}/?depth=3")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8-sig")
    assert "person:" not in text and "Mandy" not in text and "footage:" not in text
    assert f"group:{net.a.pk}" in text
    if fmt == "anx":
        assert problems(body) == []
        hidden = ET.fromstring(body).findall(
            ".//ChartItem/AttributeCollection/Attribute[@AttributeClass='Not shown']"
        )
        assert sum(int(a.get("Value", "0")) for a in hidden) > 0


def test_the_export_of_a_chart_hidden_from_the_role_is_refused(net, client, analyst):
    sign_in(client, analyst)
    response = client.get(f"/links/chart/person:{net.member.pk}/export/anx/")
    assert response.status_code == 404
