"""The areas API: Greater Manchester's boroughs and wards (ONS), the force's districts, and
finding the ward at a point."""

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from drachma.areas import services
from drachma.areas.geography import ward_code_at
from drachma.areas.models import Borough, District, Ward
from drachma.core.apitools import Allow
from drachma.core.paging import PageNumberPagination

router = Router()


class BoroughOut(Schema):
    code: str
    name: str
    population: int
    wards: int = Field(alias="ward_count")


class BoroughDetailOut(BoroughOut):
    boundary: dict | None = Field(
        None, alias="shown_boundary", description="GeoJSON geometry (WGS84), with ?geometry=true"
    )


class WardFilters(Schema):
    borough: str | None = Field(None, description="ONS borough code")
    district: int | None = None
    q: str | None = Field(None, max_length=100, description="Part of the ward's name")


class WardOut(Schema):
    code: str
    name: str
    borough: str = Field(alias="borough.code")
    borough_name: str = Field(alias="borough.name")
    centroid_lat: float
    centroid_lon: float


class WardDetailOut(WardOut):
    districts: list[int]
    boundary: dict | None = Field(
        None, alias="shown_boundary", description="GeoJSON geometry (WGS84), with ?geometry=true"
    )

    @staticmethod
    def resolve_districts(obj) -> list[int]:
        return [d.pk for d in obj.districts.all()]


class GeometryQuery(Schema):
    geometry: bool = Field(False, description="Include the GeoJSON boundary")


class DistrictOut(Schema):
    id: int
    name: str
    description: str
    wards: list[str]

    @staticmethod
    def resolve_wards(obj) -> list[str]:
        return [w.code for w in obj.wards.all()]


class DistrictIn(Schema):
    name: str = Field(max_length=120, min_length=1)
    description: str = Field("", max_length=2000)
    wards: list[str] = Field(description="ONS ward codes")


class DistrictPatch(Schema):
    name: str | None = Field(None, max_length=120, min_length=1)
    description: str | None = Field(None, max_length=2000)
    wards: list[str] | None = None


class LocateQuery(Schema):
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


class LocateOut(Schema):
    ward: WardOut | None = Field(description="Null outside Greater Manchester")


def _boroughs():
    return Borough.objects.defer("boundary").annotate(ward_count=Count("wards"))


def _wards():
    return Ward.objects.select_related("borough").defer("boundary", "borough__boundary")


@router.get("/boroughs", response=list[BoroughOut], auth=Allow("areas.view_borough"))
@paginate(PageNumberPagination)
def list_boroughs(request):
    return _boroughs()


@router.get(
    "/boroughs/{borough_code}",
    response=BoroughDetailOut,
    auth=Allow("areas.view_borough", hide=True),
)
def get_borough(request, borough_code: str, query: GeometryQuery = Query(...)):
    borough = get_object_or_404(
        Borough.objects.annotate(ward_count=Count("wards")), code=borough_code.upper()
    )
    borough.shown_boundary = borough.boundary if query.geometry else None
    return borough


@router.get("/wards", response=list[WardOut], auth=Allow("areas.view_ward"))
@paginate(PageNumberPagination)
def list_wards(request, filters: WardFilters = Query(...)):
    queryset = _wards()
    if filters.borough:
        if not Borough.objects.filter(code=filters.borough.upper()).exists():
            raise ValidationError({"borough": f"Unknown borough code {filters.borough!r}."})
        queryset = queryset.filter(borough__code=filters.borough.upper())
    if filters.district is not None:
        if not District.objects.filter(pk=filters.district).exists():
            raise ValidationError({"district": f"Unknown district id {filters.district}."})
        queryset = queryset.filter(districts=filters.district)
    if filters.q:
        queryset = queryset.filter(Q(name__icontains=filters.q))
    return queryset


@router.get("/wards/{ward_code}", response=WardDetailOut, auth=Allow("areas.view_ward", hide=True))
def get_ward(request, ward_code: str, query: GeometryQuery = Query(...)):
    ward = get_object_or_404(Ward.objects.select_related("borough"), code=ward_code.upper())
    ward.shown_boundary = ward.boundary if query.geometry else None
    return ward


@router.get(
    "/locate",
    response=LocateOut,
    auth=Allow("areas.view_ward"),
    description="The ward containing a point (point-in-polygon on the ONS boundaries).",
)
def locate(request, query: LocateQuery = Query(...)):
    code = ward_code_at(query.latitude, query.longitude)
    return {"ward": _wards().filter(code=code).first() if code else None}


def _districts():
    return District.objects.prefetch_related("wards")


@router.get("/districts", response=list[DistrictOut], auth=Allow("areas.view_district"))
@paginate(PageNumberPagination)
def list_districts(request):
    return _districts()


@router.post("/districts", response={201: DistrictOut}, auth=Allow("areas.add_district"))
def create_district(request, payload: DistrictIn):
    district = services.save_district(
        user=request.user,
        name=payload.name,
        description=payload.description,
        ward_codes=payload.wards,
    )
    return Status(201, _districts().get(pk=district.pk))


@router.get(
    "/districts/{int:district_id}",
    response=DistrictOut,
    auth=Allow("areas.view_district", hide=True),
)
def get_district(request, district_id: int):
    return get_object_or_404(_districts(), pk=district_id)


@router.patch(
    "/districts/{int:district_id}",
    response=DistrictOut,
    auth=Allow("areas.change_district", hide=True),
)
def update_district(request, district_id: int, payload: DistrictPatch):
    district = get_object_or_404(District, pk=district_id)
    data = payload.dict(exclude_unset=True)
    for name in ("name", "description", "wards"):
        if name in data and data[name] is None:
            raise ValidationError({name: "This field cannot be null."})
    services.save_district(
        district,
        user=request.user,
        name=data.get("name"),
        description=data.get("description"),
        ward_codes=data.get("wards"),
    )
    return _districts().get(pk=district_id)
