import xml.etree.ElementTree as ET
from datetime import date

import pytest

from drachma.core.smallnumbers import suppress_1d
from drachma.statistics import charts

NS = {"svg": "http://www.w3.org/2000/svg"}
MONTHS = [("Jan 2024", 6), ("Feb 2024", 9), ("Mar 2024", 0), ("Apr 2024", 12)]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_time_series_is_valid_accessible_svg_with_labels_and_values():
    svg = charts.time_series_svg(
        MONTHS,
        previous=[3, 4, 5, 6],
        title="Incidents by month",
        x_label="Month",
        y_label="Incidents",
    )
    root = parse(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img" and root.get("aria-label") == "Incidents by month"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find("svg:title", NS).get("id") == title_id
    desc = root.find("svg:desc", NS)
    assert desc.get("id") == desc_id
    assert "Jan 2024 6; Feb 2024 9; Mar 2024 0; Apr 2024 12" in desc.text
    assert "Same period a year before: Jan 2024 3;" in desc.text
    labels = texts(root)
    for expected in (
        "Incidents by month",
        "Month",
        "Incidents",
        "Jan 2024",
        "Apr 2024",
        "6",
        "9",
        "12",
        "This period",
        "Same period a year before",
    ):
        assert expected in labels
    bars = root.findall(".//svg:g[@class='series current']/svg:rect", NS)
    assert [b.find("svg:title", NS).text for b in bars] == [
        "Jan 2024: 6",
        "Feb 2024: 9",
        "Apr 2024: 12",  # a zero draws no bar
    ]
    # The tallest bar reaches the top tick (12) and is twice the height of the 6.
    heights = [float(b.get("height")) for b in bars]
    assert heights[2] == pytest.approx(2 * heights[0], abs=0.2)
    previous = root.find(".//svg:g[@class='series previous']/svg:polyline", NS)
    assert len(previous.get("points").split()) == 4 and previous.get("stroke-dasharray")


def test_same_input_same_svg_and_different_input_different_ids():
    a = charts.time_series_svg(MONTHS, title="Incidents by month")
    assert a == charts.time_series_svg(MONTHS, title="Incidents by month")
    b = charts.time_series_svg(MONTHS[:3], title="Incidents by month")
    assert parse(a).get("id") != parse(b).get("id")
    assert a.__html__() == str(a)  # Django and Jinja embed it without escaping


def test_withheld_values_draw_no_bar_and_print_their_label():
    table = suppress_1d(dict(MONTHS[:1] + [("Feb 2024", 3)] + MONTHS[2:]))
    svg = charts.time_series_svg(
        list(zip(table.categories, table.cells, strict=True)), title="With a small count"
    )
    # Feb's 3 is "fewer than 5"; Jan's 6 is withheld too ("*"), else the total would give it.
    assert [c.display for c in table.cells] == ["*", "fewer than 5", "0", "12"]
    root = parse(svg)
    bars = root.findall(".//svg:g[@class='series current']/svg:rect", NS)
    assert [b.find("svg:title", NS).text for b in bars] == ["Apr 2024: 12"]
    assert {"fewer than 5", "*"} <= set(texts(root))
    assert "Jan 2024 *; Feb 2024 fewer than 5" in root.find("svg:desc", NS).text
    value_labels = root.findall(".//svg:g[@class='value-labels']/svg:text", NS)
    assert [t.text for t in value_labels] == ["*", "fewer than 5", "0", "12"]
    assert ": 3" not in svg and ": 6" not in svg and " 3;" not in svg  # not in tooltips or desc


def test_line_kind():
    root = parse(charts.time_series_svg(MONTHS, title="Line", kind="line"))
    current = root.find(".//svg:g[@class='series current']", NS)
    assert len(current.findall("svg:circle", NS)) == 4
    assert len(current.find("svg:polyline", NS).get("points").split()) == 4


def test_bar_chart_escapes_and_sorts():
    svg = charts.bar_chart_svg(
        [("Assault", 7), ("Harassment <s.2> & stalking", 14), ("Criminal damage", None)],
        title='Offences "by" <type>',
        y_label="Offence",
        sort=True,
    )
    root = parse(svg)  # escaping keeps it well-formed
    assert root.find("svg:title", NS).text == 'Offences "by" <type>'
    bars = root.findall(".//svg:g[@class='bars']/svg:rect", NS)
    assert [b.find("svg:title", NS).text for b in bars] == [
        "Harassment <s.2> & stalking: 14",
        "Assault: 7",
    ]
    labels = texts(root)
    assert labels.index("Harassment <s.2> & stalking") < labels.index("Assault")
    assert "no data" in labels and "14" in labels and "7" in labels
    assert "Harassment &lt;s.2&gt; &amp; stalking" in svg


def test_bad_chart_input_is_refused():
    with pytest.raises(ValueError, match="non-empty title"):
        charts.bar_chart_svg([("a", 1)], title=" ")
    with pytest.raises(ValueError, match="negative"):
        charts.bar_chart_svg([("a", -1)], title="t")
    with pytest.raises(ValueError, match="2 values for 4 periods"):
        charts.time_series_svg(MONTHS, title="t", previous=[1, 2])
    with pytest.raises(ValueError, match="expected a number"):
        charts.time_series_svg([("Jan", "7")], title="t")


def test_period_series_buckets_and_compares_with_the_year_before():
    counts = {date(2023, 1, 5): 2, date(2023, 1, 20): 1, date(2024, 1, 2): 4, date(2024, 3, 31): 1}
    months = charts.period_series(counts, date(2024, 1, 1), date(2024, 3, 1))
    assert [(p.label, p.count, p.previous) for p in months] == [
        ("Jan 2024", 4, 3),
        ("Feb 2024", 0, 0),
        ("Mar 2024", 1, 0),
    ]
    quarters = charts.period_series(counts, date(2024, 1, 1), date(2024, 6, 30), "quarter")
    assert [(p.label, p.count, p.previous) for p in quarters] == [
        ("Q1 2024", 5, 3),
        ("Q2 2024", 0, 0),
    ]
    fy = charts.period_series(counts, date(2023, 4, 1), date(2024, 3, 31), "financial_year")
    assert [(p.label, p.count, p.previous) for p in fy] == [("2023/24", 5, 3)]


def test_nice_ticks():
    assert charts.nice_ticks(12) == [0, 3, 6, 9, 12]
    assert charts.nice_ticks(3) == [0, 1, 2, 3]
    assert charts.nice_ticks(0) == [0, 1]
    assert charts.nice_ticks(0.9, integer=False) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
