import dataclasses
import subprocess
import xml.etree.ElementTree as ET
from types import MappingProxyType

import pytest

from drachma.statistics import charts, geodata, hotspots, maps

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG_NS = "{http://www.w3.org/2000/svg}"
COUNTS = {
    "E08000003": 40,
    "E08000006": 25,
    "E08000009": 20,
    "E08000002": 15,
    "E08000007": 8,
    "E08000008": 10,
    "E08000004": 9,
    "E08000005": 7,
    "E08000001": 3,
    "E08000010": 2,
}


def area_paths(root):
    return root.findall(".//svg:g[@class='areas']/svg:path", NS)


def test_borough_map_has_ten_named_coded_paths_a_legend_and_attribution():
    svg = maps.choropleth_svg(COUNTS, title="Incidents by borough, 2024", value_label="Incidents")
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-label") == "Incidents by borough, 2024"
    assert root.find("svg:desc", NS).text.startswith("Map of the 10 boroughs of Greater Manchester")
    paths = area_paths(root)
    assert len(paths) == 10
    assert [p.get("data-code") for p in paths] == list(geodata.boroughs())
    assert [p.get("data-name") for p in paths][:3] == ["Bolton", "Bury", "Manchester"]
    tips = {p.get("data-code"): p.find("svg:title", NS).text for p in paths}
    assert tips["E08000003"] == "Manchester (E08000003): 40 incidents"
    assert tips["E08000001"] == "Bolton (E08000001): fewer than 5 incidents"  # 3 is small
    labels = [t.text for t in root.iter(f"{SVG_NS}text")]
    for name in ("Bolton", "Wigan", "Manchester", "Stockport"):
        assert name in labels
    legend = root.find(".//svg:g[@class='legend']", NS)
    legend_text = [t.text for t in legend.iter(f"{SVG_NS}text")]
    assert legend_text[:2] == ["Incidents", "quantile classes"]
    # Small counts share one class (0-4), the rest split into quantiles.
    assert legend_text[2:] == ["0\u20134", "5\u20139", "10\u201313", "14\u201322", "23\u201340"]
    assert len(legend.findall("svg:rect", NS)) == 5
    assert any("Crown copyright and database right 2023" in (t or "") for t in labels)
    assert len(svg.encode()) < 40_000


def test_shading_follows_the_classes():
    root = ET.fromstring(maps.choropleth_svg(COUNTS, title="t"))
    fills = {p.get("data-code"): p.get("fill") for p in area_paths(root)}
    palette = maps.BLUES[5]
    assert fills["E08000003"] == palette[4]  # Manchester, 40
    assert fills["E08000001"] == fills["E08000010"] == palette[0]  # 3 and 2: "0-4"
    assert fills["E08000002"] == palette[3]  # Bury, 15 in 14-22


def test_names_are_escaped(monkeypatch):
    real = geodata.areas

    def odd_names(level, borough=None):
        areas = dict(real(level, borough))
        areas["E08000001"] = dataclasses.replace(areas["E08000001"], name='Bolton <&> "Co"')
        return MappingProxyType(areas)

    monkeypatch.setattr(geodata, "areas", odd_names)
    svg = maps.choropleth_svg(COUNTS, title="Fish & <chips>")
    root = ET.fromstring(svg)  # still well-formed
    assert "Bolton &lt;&amp;&gt; &quot;Co&quot;" in svg
    bolton = area_paths(root)[0]
    assert bolton.get("data-name") == 'Bolton <&> "Co"'
    assert bolton.find("svg:title", NS).text.startswith('Bolton <&> "Co" (E08000001)')
    assert root.find("svg:title", NS).text == "Fish & <chips>"


def test_hot_spots_are_outlined_and_listed():
    result = hotspots.borough_hotspots(COUNTS, p_value="norm")
    assert result.hot_spots == ("E08000009",)
    root = ET.fromstring(maps.choropleth_svg(COUNTS, title="t", hotspots=result))
    outlines = root.findall(".//svg:g[@class='hotspots']/svg:path", NS)
    assert [(o.get("data-status"), o.get("data-codes")) for o in outlines] == [
        ("hot spot", "E08000009")
    ]
    assert outlines[0].get("stroke-dasharray") is None
    assert "Hot spot (Gi*)" in [t.text for t in root.iter(f"{SVG_NS}text")]
    assert "Hot spots: Trafford." in root.find("svg:desc", NS).text
    trafford = [p for p in area_paths(root) if p.get("data-code") == "E08000009"][0]
    assert trafford.find("svg:title", NS).text.endswith(", hot spot")


def test_ward_map_merges_neighbouring_hot_spots_and_stays_small():
    wards = geodata.wards()
    counts = {c: (12 if w.parent_code == "E08000003" else 1) for c, w in wards.items()}
    result = hotspots.ward_hotspots(counts)
    svg = maps.choropleth_svg(counts, title="By ward", level="ward", hotspots=result)
    root = ET.fromstring(svg)
    assert len(area_paths(root)) == 215
    assert len(root.findall(".//svg:g[@class='borough-lines']/svg:path", NS)) == 10
    (hot,) = root.findall(".//svg:g[@class='hotspots']/svg:path[@data-status='hot spot']", NS)
    assert set(hot.get("data-codes").split()) == set(result.hot_spots)
    assert len(svg.encode()) < 150_000


def test_one_boroughs_wards_and_missing_values():
    trafford = [c for c, w in geodata.wards().items() if w.parent_code == "E08000009"]
    values = {c: 10 for c in trafford[1:]}
    root = ET.fromstring(
        maps.choropleth_svg(values, title="Trafford", level="ward", borough="E08000009")
    )
    paths = area_paths(root)
    assert len(paths) == 21
    no_data = [p for p in paths if p.get("fill") == maps.NO_DATA]
    assert [p.get("data-code") for p in no_data] == [trafford[0]]
    assert "No data" in [t.text for t in root.iter(f"{SVG_NS}text")]


def test_rates_and_fixed_breaks():
    rates = hotspots.rates_per_100k(COUNTS)
    root = ET.fromstring(
        maps.choropleth_svg(rates, title="Rate", kind="rate", method="fixed", breaks=[2, 5, 10])
    )
    legend = [t.text for t in root.find(".//svg:g[@class='legend']", NS).iter(f"{SVG_NS}text")]
    assert legend[2:] == ["0.0\u20132.0", "2.0\u20135.0", "5.0\u201310.0"]
    with pytest.raises(ValueError, match="not a whole number"):
        maps.choropleth_svg(rates, title="Rate")  # kind defaults to count


def test_bad_map_input_is_refused():
    with pytest.raises(ValueError, match="not on this map: E05011376"):
        maps.choropleth_svg({"E05011376": 1}, title="t")
    with pytest.raises(ValueError, match="at least 0"):
        maps.choropleth_svg({"E08000001": -2}, title="t")
    with pytest.raises(ValueError, match="below the largest value"):
        maps.choropleth_svg(COUNTS, title="t", method="fixed", breaks=[5, 10])


def test_same_input_same_map():
    assert maps.choropleth_svg(COUNTS, title="t") == maps.choropleth_svg(COUNTS, title="t")


def test_map_and_charts_render_in_weasyprint(tmp_path):
    # pdftotext comes from poppler-utils, which .ci/system-deps.sh installs.
    import weasyprint

    html = (
        "<html><head><style>svg{max-width:100%;height:auto}</style></head><body>"
        + maps.choropleth_svg(COUNTS, title="Incidents by borough", value_label="Incidents")
        + charts.time_series_svg([("Jan 2024", 6), ("Feb 2024", 9)], title="Monthly incidents")
        + charts.bar_chart_svg([("Harassment", 14)], title="Offences")
        + "</body></html>"
    )
    pdf = tmp_path / "out.pdf"
    weasyprint.HTML(string=html).write_pdf(pdf)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (
        "Incidents by borough",
        "Manchester",
        "Wigan",
        "Crown copyright",
        "Monthly incidents",
        "Jan 2024",
        "Harassment",
    ):
        assert expected in text


def test_legend_lists_only_classes_an_area_falls_in_and_names_grey_areas():
    # Fixed bounds 4, 9, 20, 50: no borough falls in 21-50 once the top is left out.
    counts = {code: min(v, 20) for code, v in COUNTS.items()}
    counts["E08000001"] = None  # combined elsewhere in a report
    root = ET.fromstring(
        maps.choropleth_svg(
            counts,
            title="Incidents",
            method="fixed",
            breaks=[4, 9, 20, 50],
            no_data_label="In \u201cOther boroughs\u201d",
        )
    )
    legend = [t.text for t in root.find(".//svg:g[@class='legend']", NS).iter(f"{SVG_NS}text")]
    assert "21\u201350" not in legend
    assert "10\u201320" in legend and "5\u20139" in legend
    assert "In \u201cOther boroughs\u201d" in legend and "No data" not in legend
