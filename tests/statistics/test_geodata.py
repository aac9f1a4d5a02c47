import hashlib
import re
from collections import Counter

import pytest

from drachma.statistics import geodata


def test_ten_boroughs_with_names_codes_and_populations():
    boroughs = geodata.boroughs()
    assert list(boroughs) == [f"E0800000{i}" for i in range(1, 10)] + ["E08000010"]
    assert [b.name for b in boroughs.values()] == [
        "Bolton",
        "Bury",
        "Manchester",
        "Oldham",
        "Rochdale",
        "Salford",
        "Stockport",
        "Tameside",
        "Trafford",
        "Wigan",
    ]
    assert boroughs["E08000003"].population == 550_400
    assert boroughs["E08000002"].population == 193_400
    assert sum(geodata.populations().values()) == 2_862_600
    assert all(b.geometry.geom_type == "Polygon" and b.geometry.is_valid for b in boroughs.values())


def test_215_wards_with_their_boroughs():
    wards = geodata.wards()
    assert len(wards) == 215
    per_borough = Counter(w.parent_name for w in wards.values())
    assert per_borough == {
        "Manchester": 32,
        "Wigan": 25,
        "Stockport": 21,
        "Trafford": 21,
        "Bolton": 20,
        "Oldham": 20,
        "Rochdale": 20,
        "Salford": 20,
        "Tameside": 19,
        "Bury": 17,
    }
    piccadilly = wards["E05011376"]
    assert (piccadilly.name, piccadilly.parent_code) == ("Piccadilly", "E08000003")
    assert piccadilly.population is None  # wards carry no population
    assert len(geodata.wards("E08000009")) == 21


def test_label_points_come_from_the_string_lon_lat_and_lie_inside():
    ancoats = geodata.wards()["E05011350"]
    # The file stores "-2.20943" and "53.48062" as strings.
    assert (round(ancoats.label_point.x, 5), round(ancoats.label_point.y, 5)) == (
        -2.20943,
        53.48062,
    )
    for area in [*geodata.boroughs().values(), *geodata.wards().values()]:
        assert area.geometry.contains(area.label_point), area.code


def test_wards_tile_their_borough():
    for code, borough in geodata.boroughs().items():
        wards = list(geodata.wards(code).values())
        assert sum(w.geometry.area for w in wards) == pytest.approx(borough.geometry.area, rel=1e-6)


def test_unknown_borough_and_level_are_refused():
    with pytest.raises(ValueError, match="unknown borough code 'E08000011'"):
        geodata.wards("E08000011")
    with pytest.raises(ValueError, match="unknown area level"):
        geodata.areas("district")  # type: ignore[arg-type]


def test_shipped_files_match_the_hashes_in_source_md():
    source = (geodata.DATA_DIR / "SOURCE.md").read_text()
    listed = dict(re.findall(r"\| `([^`]+\.geojson)` \|[^|]+\|[^|]+\| ([0-9a-f]{64}) \|", source))
    assert set(listed) == {geodata.BOROUGHS_GEOJSON.name, geodata.WARDS_GEOJSON.name}
    for name, digest in listed.items():
        assert hashlib.sha256((geodata.DATA_DIR / name).read_bytes()).hexdigest() == digest


def test_attribution_is_shipped_with_the_data():
    licence = (geodata.DATA_DIR / "LICENCE.md").read_text()
    assert (
        "Contains National Statistics and OS data © Crown copyright and database right 2023."
        in licence
    )
    assert "Open Government Licence v3.0" in licence
    assert "Office for National Statistics" in licence
