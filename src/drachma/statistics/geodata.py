"""Greater Manchester's boroughs and wards, read from the ONS files in ``drachma/areas/data``.

The statistics modules need the boundaries as shapely geometries keyed by ONS code, with names,
parent boroughs and (for boroughs only) populations. The files are read once per process and
checked on the way in, so a damaged or swapped file fails loudly instead of producing a map
with a borough missing.

Wards have no population in the data we ship: rates per 100,000 exist for boroughs only.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from shapely.geometry import Point, Polygon, shape

DATA_DIR = Path(__file__).resolve().parent.parent / "areas" / "data"
BOROUGHS_GEOJSON = DATA_DIR / "gm_local_authority_2023_generalised.geojson"
WARDS_GEOJSON = DATA_DIR / "gm_ward_2023_generalised.geojson"
BOROUGHS_CSV = DATA_DIR / "gm_boroughs.csv"

BOUNDARY_ATTRIBUTION = (
    "Contains National Statistics and OS data © Crown copyright and database right 2023. "
    "Contains public sector information licensed under the Open Government Licence v3.0."
)
POPULATION_ATTRIBUTION = (
    "Population: Census 2021 usual residents, rounded to the nearest 100. Source: Office for "
    "National Statistics licensed under the Open Government Licence v3.0."
)

BOROUGH_COUNT = 10
WARD_COUNT = 215

Level = Literal["borough", "ward"]


class GeodataError(RuntimeError):
    """The shipped boundary or population files are not what this module expects."""


@dataclass(frozen=True)
class Area:
    """One borough or ward. ``label_point`` lies inside the polygon (used for map labels)."""

    code: str
    name: str
    level: Level
    geometry: Polygon
    label_point: Point
    parent_code: str | None = None
    parent_name: str | None = None
    population: int | None = None


def _features(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GeodataError(f"cannot read {path.name}: {exc}") from exc
    crs = data.get("crs", {}).get("properties", {}).get("name", "")
    if crs and not crs.endswith("CRS84"):
        raise GeodataError(f"{path.name} is in {crs}, expected WGS84 longitude/latitude (CRS84)")
    return data.get("features", [])


def _polygon(feature: dict, path: Path) -> Polygon:
    geometry = shape(feature["geometry"])
    if geometry.geom_type != "Polygon" or not geometry.is_valid or geometry.is_empty:
        code = feature["properties"].get("area_code")
        raise GeodataError(f"{path.name}: {code} is not a single valid polygon")
    return geometry


def _label_point(geometry: Polygon, lon: object, lat: object) -> Point:
    # The files carry a centre point per area; the ward file stores it as strings. A centroid
    # can fall outside a crescent-shaped area, so fall back to a point known to be inside.
    try:
        point = Point(float(lon), float(lat))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return geometry.representative_point()
    return point if geometry.contains(point) else geometry.representative_point()


@cache
def _populations() -> Mapping[str, int]:
    try:
        with BOROUGHS_CSV.open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        return MappingProxyType({r["ons_code"]: int(r["population_census_2021"]) for r in rows})
    except (OSError, KeyError, ValueError) as exc:
        raise GeodataError(f"cannot read {BOROUGHS_CSV.name}: {exc}") from exc


@cache
def _boroughs() -> Mapping[str, Area]:
    populations = _populations()
    areas: dict[str, Area] = {}
    for feature in _features(BOROUGHS_GEOJSON):
        p = feature["properties"]
        geometry = _polygon(feature, BOROUGHS_GEOJSON)
        code = p["area_code"]
        if code not in populations:
            raise GeodataError(f"{BOROUGHS_CSV.name} has no population for borough {code}")
        areas[code] = Area(
            code=code,
            name=p["area_name"],
            level="borough",
            geometry=geometry,
            label_point=_label_point(geometry, p.get("lon"), p.get("lat")),
            population=populations[code],
        )
    expected = {f"E0800000{i}" for i in range(1, 10)} | {"E08000010"}
    if set(areas) != expected or len(areas) != BOROUGH_COUNT:
        raise GeodataError(f"expected boroughs E08000001 to E08000010, found {sorted(areas)}")
    if set(populations) != expected:
        raise GeodataError(f"{BOROUGHS_CSV.name} codes do not match the borough boundaries")
    return MappingProxyType(dict(sorted(areas.items())))


@cache
def _wards() -> Mapping[str, Area]:
    boroughs = _boroughs()
    areas: dict[str, Area] = {}
    for feature in _features(WARDS_GEOJSON):
        p = feature["properties"]
        geometry = _polygon(feature, WARDS_GEOJSON)
        code = p["area_code"]
        parent = p.get("local_authority_area_code")
        if parent not in boroughs:
            raise GeodataError(f"ward {code} names an unknown borough {parent!r}")
        if code in areas:
            raise GeodataError(f"ward {code} appears twice in {WARDS_GEOJSON.name}")
        areas[code] = Area(
            code=code,
            name=p["area_name"],
            level="ward",
            geometry=geometry,
            label_point=_label_point(geometry, p.get("lon"), p.get("lat")),
            parent_code=parent,
            parent_name=boroughs[parent].name,
        )
    if len(areas) != WARD_COUNT:
        raise GeodataError(f"expected {WARD_COUNT} wards, found {len(areas)}")
    return MappingProxyType(dict(sorted(areas.items())))


def boroughs() -> Mapping[str, Area]:
    """The ten boroughs keyed by ONS code (E08000001 to E08000010), in code order."""
    return _boroughs()


def wards(borough: str | None = None) -> Mapping[str, Area]:
    """The 215 wards (May 2023) keyed by ONS code, or only those of one borough."""
    if borough is None:
        return _wards()
    if borough not in _boroughs():
        raise ValueError(f"unknown borough code {borough!r}; expected E08000001 to E08000010")
    return MappingProxyType({c: a for c, a in _wards().items() if a.parent_code == borough})


def areas(level: Level, borough: str | None = None) -> Mapping[str, Area]:
    """Boroughs or wards by level name; ``borough`` narrows wards to one borough."""
    if level == "borough":
        if borough is not None:
            raise ValueError("'borough' narrows wards only; boroughs have no parent")
        return boroughs()
    if level == "ward":
        return wards(borough)
    raise ValueError(f"unknown area level {level!r}; expected 'borough' or 'ward'")


def populations() -> Mapping[str, int]:
    """Census 2021 usual-resident population of each borough (rounded to 100 by ONS)."""
    return _populations()
