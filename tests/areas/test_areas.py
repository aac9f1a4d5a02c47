"""Greater Manchester's ten boroughs and 215 wards, the force's districts, and where a point
lies."""

import pytest
from django.core.exceptions import ValidationError

from drachma.areas.geography import CITY_CENTRE_AND_NORTH_MANCHESTER, ward_code_at
from drachma.areas.models import Borough, District, Ward
from drachma.incidents.services import create_incident
from tests.factories import ago

pytestmark = pytest.mark.django_db

BOROUGHS = {
    "E08000001": "Bolton",
    "E08000002": "Bury",
    "E08000003": "Manchester",
    "E08000004": "Oldham",
    "E08000005": "Rochdale",
    "E08000006": "Salford",
    "E08000007": "Stockport",
    "E08000008": "Tameside",
    "E08000009": "Trafford",
    "E08000010": "Wigan",
}
HOTSPOT = "Manchester city centre and north Manchester"


def test_the_ten_boroughs_with_their_ons_codes_and_population():
    assert dict(Borough.objects.values_list("code", "name")) == BOROUGHS
    populations = dict(Borough.objects.values_list("name", "population"))
    # Census 2021 usual residents, as shipped in data/gm_boroughs.csv.
    assert populations["Manchester"] == 550400
    assert populations["Rochdale"] == 223300
    assert sum(populations.values()) == 2862600
    for borough in Borough.objects.all():
        assert borough.boundary["type"] in {"Polygon", "MultiPolygon"}


def test_215_wards_each_in_a_borough():
    assert Ward.objects.count() == 215
    assert Ward.objects.values("code").distinct().count() == 215
    assert all(code.startswith("E05") for code in Ward.objects.values_list("code", flat=True))
    per_borough = {b.name: b.wards.count() for b in Borough.objects.all()}
    assert all(n > 0 for n in per_borough.values())
    assert Ward.objects.get(name="Deansgate").borough.name == "Manchester"
    assert str(Ward.objects.get(name="Deansgate")) == "Deansgate (Manchester)"


@pytest.mark.parametrize(
    ("latitude", "longitude", "ward", "borough"),
    [
        (53.4794, -2.2453, "Deansgate", "Manchester"),  # Manchester Town Hall, Albert Square
        (53.6160, -2.1560, "Central Rochdale", "Rochdale"),  # Rochdale Town Hall
        (53.5779, -2.4290, "Queens Park & Central", "Bolton"),  # Bolton Town Hall
    ],
)
def test_a_point_is_placed_in_its_ward(latitude, longitude, ward, borough):
    code = ward_code_at(latitude, longitude)
    found = Ward.objects.get(code=code)
    assert (found.name, found.borough.name) == (ward, borough)


def test_a_point_outside_greater_manchester_has_no_ward():
    assert ward_code_at(53.7632, -2.7031) is None  # Preston
    assert ward_code_at(51.5074, -0.1278) is None  # London


def test_every_ward_centroid_is_placed_in_that_ward():
    # The whole 215-ward index agrees with itself: the shipped centroid of each ward lies in it.
    for ward in Ward.objects.all():
        assert ward_code_at(ward.centroid_lat, ward.centroid_lon) == ward.code, ward


def test_the_hotspot_district_is_a_set_of_manchester_wards_not_a_borough():
    district = District.objects.get(name=HOTSPOT)
    names = set(district.wards.values_list("name", flat=True))
    assert names == set(CITY_CENTRE_AND_NORTH_MANCHESTER)
    assert set(district.wards.values_list("borough__name", flat=True)) == {"Manchester"}
    # Not the whole borough: other Manchester wards lie outside it.
    assert Ward.objects.filter(borough__name="Manchester").exclude(districts=district).exists()
    assert not Borough.objects.filter(name=HOTSPOT).exists()


def test_an_incident_located_by_coordinates_gets_ward_borough_and_district(make_user):
    incident = create_incident(
        user=make_user("analyst"),
        occurred_at=ago(hours=2),
        source="public",
        kind="doorstep",
        summary="Outside the town hall.",
        latitude="53.47940",
        longitude="-2.24530",
    )
    assert incident.ward.name == "Deansgate"
    assert incident.borough.name == "Manchester"
    assert list(incident.ward.districts.values_list("name", flat=True)) == [HOTSPOT]
    assert incident.in_greater_manchester


def test_a_chosen_ward_decides_the_borough(make_user):
    cheetham = Ward.objects.get(name="Cheetham")
    incident = create_incident(
        user=make_user("analyst"),
        occurred_at=ago(hours=2),
        source="public",
        kind="doorstep",
        summary="A confrontation.",
        ward=cheetham,
    )
    assert incident.borough == cheetham.borough


def test_a_ward_in_another_borough_is_refused(make_user):
    with pytest.raises(ValidationError) as exc:
        create_incident(
            user=make_user("analyst"),
            occurred_at=ago(hours=2),
            source="public",
            kind="doorstep",
            summary="A confrontation.",
            ward=Ward.objects.get(name="Deansgate"),
            borough=Borough.objects.get(name="Rochdale"),
        )
    assert "ward" in exc.value.message_dict


def test_outside_greater_manchester_records_a_free_text_place(make_user):
    incident = create_incident(
        user=make_user("analyst"),
        occurred_at=ago(hours=2),
        source="group",
        kind="online_sting",
        summary="Sting in Lancashire.",
        place="Preston railway station",
        latitude="53.75700",
        longitude="-2.70800",
    )
    assert incident.ward is None and incident.borough is None
    assert incident.place == "Preston railway station"
    assert not incident.in_greater_manchester


def test_an_incident_with_no_place_at_all_is_refused(make_user):
    with pytest.raises(ValidationError) as exc:
        create_incident(
            user=make_user("analyst"),
            occurred_at=ago(hours=2),
            source="group",
            kind="online_sting",
            summary="Somewhere.",
        )
    assert "place" in exc.value.message_dict
