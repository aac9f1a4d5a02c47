"""Locating a point in a ward, and loading the ONS boundary files shipped in ``data/``."""

import csv
import json
from functools import lru_cache
from pathlib import Path

from shapely.geometry import Point, shape
from shapely.strtree import STRtree

DATA_DIR = Path(__file__).resolve().parent / "data"
BOROUGHS_CSV = DATA_DIR / "gm_boroughs.csv"
BOROUGHS_GEOJSON = DATA_DIR / "gm_local_authority_2023_generalised.geojson"
WARDS_GEOJSON = DATA_DIR / "gm_ward_2023_generalised.geojson"

# The force's published hotspot "Manchester city centre and north Manchester" is a police
# district inside the City of Manchester; these are the wards it covers in the demo set-up.
CITY_CENTRE_AND_NORTH_MANCHESTER = [
    "Deansgate",
    "Piccadilly",
    "Ancoats & Beswick",
    "Ardwick",
    "Hulme",
    "Cheetham",
    "Crumpsall",
    "Harpurhey",
    "Higher Blackley",
    "Charlestown",
    "Moston",
    "Miles Platting & Newton Heath",
]


def borough_rows() -> list[dict]:
    """The ten boroughs with population and boundary."""
    with BOROUGHS_CSV.open(newline="") as f:
        population = {r["ons_code"]: int(r["population_census_2021"]) for r in csv.DictReader(f)}
    features = json.loads(BOROUGHS_GEOJSON.read_text())["features"]
    return [
        {
            "code": f["properties"]["area_code"],
            "name": f["properties"]["area_name"],
            "population": population[f["properties"]["area_code"]],
            "boundary": f["geometry"],
        }
        for f in features
    ]


def ward_rows() -> list[dict]:
    """The 215 wards (May 2023) with their borough and boundary."""
    features = json.loads(WARDS_GEOJSON.read_text())["features"]
    rows = []
    for f in features:
        p = f["properties"]
        rows.append(
            {
                "code": p["area_code"],
                "name": p["area_name"],
                "borough_code": p["local_authority_area_code"],
                "boundary": f["geometry"],
                # Stored as strings in this file.
                "centroid_lat": float(p["lat"]),
                "centroid_lon": float(p["lon"]),
            }
        )
    return rows


@lru_cache(maxsize=1)
def _ward_index() -> tuple[STRtree, list[str], list]:
    rows = ward_rows()
    shapes = [shape(r["boundary"]) for r in rows]
    return STRtree(shapes), [r["code"] for r in rows], shapes


def ward_code_at(latitude: float, longitude: float) -> str | None:
    """The ONS code of the ward containing the point, or None outside Greater Manchester."""
    tree, codes, shapes = _ward_index()
    point = Point(longitude, latitude)
    for i in tree.query(point, predicate="intersects"):
        return codes[int(i)]
    return None
