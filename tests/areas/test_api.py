"""The areas API: boroughs, wards, the force's districts, and finding a ward at a point."""

import pytest
from django.test import Client

from drachma.areas.models import District, Ward
from tests.conftest import sign_in
from tests.factories import field_of, send

pytestmark = pytest.mark.django_db


def test_boroughs_list_and_detail(client_as):
    client = client_as("analyst")
    data = client.get("/api/areas/boroughs").json()
    assert data["count"] == 10
    manchester = next(b for b in data["items"] if b["code"] == "E08000003")
    assert (
        manchester["name"] == "Manchester"
        and manchester["wards"] > 20
        and manchester["population"] > 500_000
    )
    assert "boundary" not in manchester
    detail = client.get("/api/areas/boroughs/e08000003").json()
    assert detail["name"] == "Manchester" and detail["boundary"] is None
    with_shape = client.get("/api/areas/boroughs/E08000003?geometry=true").json()
    assert with_shape["boundary"]["type"] in {"Polygon", "MultiPolygon"}
    assert client.get("/api/areas/boroughs/E09000001").status_code == 404


def test_wards_filters_and_pagination(client_as):
    client = client_as("auditor")  # reference data: every role reads it
    everything = client.get("/api/areas/wards?page_size=1000").json()
    assert everything["count"] == 215 and len(everything["items"]) == 100  # capped page size
    salford = client.get("/api/areas/wards?borough=E08000006&page_size=100").json()
    assert salford["count"] == Ward.objects.filter(borough__code="E08000006").count()
    assert {w["borough_name"] for w in salford["items"]} == {"Salford"}
    district = District.objects.get(name__icontains="city centre")
    in_district = client.get(f"/api/areas/wards?district={district.pk}&page_size=100").json()
    assert {w["code"] for w in in_district["items"]} == set(
        district.wards.values_list("code", flat=True)
    )
    assert [w["name"] for w in client.get("/api/areas/wards?q=deansgate").json()["items"]] == [
        "Deansgate"
    ]
    response = client.get("/api/areas/wards?borough=E08999999")
    assert response.status_code == 422 and field_of(response) == ["borough"]
    response = client.get("/api/areas/wards?district=999999")
    assert response.status_code == 422 and field_of(response) == ["district"]
    ward = Ward.objects.get(name="Deansgate")
    detail = client.get(f"/api/areas/wards/{ward.code}").json()
    assert detail["borough"] == "E08000003" and detail["districts"] == [district.pk]
    assert client.get("/api/areas/wards/E05999999").status_code == 404


def test_locate_finds_the_ward_at_a_point(client_as):
    client = client_as("investigator")
    ward = Ward.objects.get(name="Deansgate")
    data = client.get(
        f"/api/areas/locate?latitude={ward.centroid_lat}&longitude={ward.centroid_lon}"
    ).json()
    assert data["ward"]["code"] == ward.code
    assert client.get("/api/areas/locate?latitude=51.5&longitude=-0.12").json() == {
        "ward": None
    }  # London
    response = client.get("/api/areas/locate?latitude=95&longitude=0")
    assert response.status_code == 422 and field_of(response) == ["latitude"]


def test_supervisor_creates_and_changes_a_district(client_as):
    client = client_as("supervisor")
    wards = list(Ward.objects.filter(borough__code="E08000005").values_list("code", flat=True)[:3])
    response = send(
        client, "POST", "/api/areas/districts", {"name": "Rochdale town", "wards": wards}
    )
    assert response.status_code == 201, response.content
    district = response.json()
    assert sorted(district["wards"]) == sorted(wards)
    response = send(
        client,
        "PATCH",
        f"/api/areas/districts/{district['id']}",
        {"wards": wards[:1], "description": "Smaller."},
    )
    assert response.status_code == 200 and response.json()["wards"] == wards[:1]
    assert response.json()["description"] == "Smaller."
    listed = client.get("/api/areas/districts").json()
    assert "Rochdale town" in [d["name"] for d in listed["items"]]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "New", "wards": ["E05999999"]}, "wards"),
        ({"name": "New", "wards": []}, "wards"),
        ({"name": "", "wards": ["E05011117"]}, "name"),
        ({"name": "x" * 121, "wards": ["E05011117"]}, "name"),
        ({"name": "New", "description": "x" * 2001, "wards": ["E05011117"]}, "description"),
    ],
)
def test_bad_district_input_names_the_field_and_saves_nothing(client_as, payload, field):
    before = District.objects.count()
    response = send(client_as("administrator"), "POST", "/api/areas/districts", payload)
    assert response.status_code == 422, response.content
    assert field_of(response) == [field]
    assert District.objects.count() == before


def test_district_name_is_unique_and_failed_change_keeps_wards(client_as):
    district = District.objects.first()
    wards = set(district.wards.values_list("code", flat=True))
    client = client_as("supervisor")
    response = send(
        client, "POST", "/api/areas/districts", {"name": district.name, "wards": list(wards)[:1]}
    )
    assert response.status_code == 422 and field_of(response) == ["name"]
    response = send(
        client,
        "PATCH",
        f"/api/areas/districts/{district.pk}",
        {"name": "Renamed", "wards": ["nope"]},
    )
    assert response.status_code == 422 and field_of(response) == ["wards"]
    district.refresh_from_db()
    assert (
        district.name != "Renamed" and set(district.wards.values_list("code", flat=True)) == wards
    )


@pytest.mark.parametrize("role", ["analyst", "investigator", "auditor", "disclosure_officer"])
def test_only_supervisors_and_administrators_write_districts(make_user, role):
    client = sign_in(Client(), make_user(role))
    district = District.objects.first()
    assert (
        send(client, "POST", "/api/areas/districts", {"name": "X", "wards": []}).status_code == 403
    )
    assert (
        send(client, "PATCH", f"/api/areas/districts/{district.pk}", {"name": "X"}).status_code
        == 404
    )
    assert client.get(f"/api/areas/districts/{district.pk}").status_code == 200


def test_anonymous_gets_401(client):
    assert client.get("/api/areas/boroughs").status_code == 401


def test_openapi_lists_the_areas_operations(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/areas/boroughs",
        "/api/areas/boroughs/{borough_code}",
        "/api/areas/wards",
        "/api/areas/wards/{ward_code}",
        "/api/areas/locate",
        "/api/areas/districts",
        "/api/areas/districts/{district_id}",
    ):
        assert path in paths, path
