import datetime

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema

from drachma.core.apitools import Allow
from drachma.statistics import foi, hotspots, selectors
from drachma.statistics.selectors import AreaFilter, Period

router = Router()


class PeriodQuery(Schema):
    start: datetime.date = Field(description="First day, YYYY-MM-DD (UK time)")
    end: datetime.date = Field(description="Last day, YYYY-MM-DD")
    areas: list[str] = Field(
        default_factory=list, description="ONS borough/ward codes, district:<id>, outside"
    )


class CountsQuery(PeriodQuery):
    by: str = Field(
        description=(
            f"One of: {', '.join(n for n, d in selectors.DIMENSIONS.items() if not d.name_bearing)}"
        )
    )


class RowOut(Schema):
    key: str
    label: str
    count: int
    extra: dict = {}


class CountsOut(Schema):
    start: datetime.date
    end: datetime.date
    by: str
    rows: list[RowOut]
    total: int


def _period(q: PeriodQuery) -> tuple[Period, AreaFilter | None]:
    return Period.of(q.start, q.end), AreaFilter.parse(q.areas)


@router.get("/counts", response=CountsOut, auth=Allow("statistics.view_statistics"))
def counts(request, q: CountsQuery = Query(...)):
    """Incident counts by one breakdown (internal figures, not for publication)."""
    period, areas = _period(q)
    if selectors.dimension(q.by).name_bearing:
        raise ValidationError({"by": "This breakdown names people and is not available."})
    rows = selectors.counts_by(period, q.by, areas=areas)
    return {
        "start": period.start,
        "end": period.end,
        "by": q.by,
        "rows": [
            {"key": str(r.key), "label": r.label, "count": r.count, "extra": r.extra} for r in rows
        ],
        "total": selectors.total(period, areas),
    }


class HotspotOut(Schema):
    code: str
    name: str
    value: float
    z: float | None
    p_value: float | None
    classification: str


class HotspotsOut(Schema):
    level: str
    tested: bool
    message: str
    method: str
    areas: list[HotspotOut]


class HotspotQuery(PeriodQuery):
    level: str = Field("borough", description="borough or ward")
    per_100k: bool = Field(False, description="Boroughs only: Gi* on rates per 100,000 residents")


@router.get("/hotspots", response=HotspotsOut, auth=Allow("statistics.view_statistics"))
def hotspot_statistics(request, q: HotspotQuery = Query(...)):
    """Local Getis-Ord Gi* over boroughs (queen contiguity) or wards."""
    period, areas = _period(q)
    if q.level not in ("borough", "ward"):
        raise ValidationError({"level": "Choose borough or ward."})
    if q.level == "borough":
        rows = selectors.counts_by(period, "borough", areas=areas)
        result = hotspots.borough_hotspots(
            {r.extra["code"]: r.count for r in rows if "code" in r.extra}, per_100k=q.per_100k
        )
    else:
        rows = selectors.counts_by(period, "ward", areas=areas)
        result = hotspots.ward_hotspots(
            {r.key: r.count for r in rows if isinstance(r.key, str) and r.key}  # None: no ward
        )
    return {
        "level": q.level,
        "tested": result.tested,
        "message": result.message,
        "method": result.method,
        "areas": [
            {
                "code": a.code,
                "name": a.name,
                "value": a.value,
                "z": a.z,
                "p_value": a.p_sim_two_sided,
                "classification": a.classification,
            }
            for a in result.areas
        ],
    }


class FOIQuery(PeriodQuery):
    by: list[str] = Field(default_factory=lambda: ["area"])


@router.get("/foi", auth=Allow("statistics.answer_foi"))
def foi_answer(request, q: FOIQuery = Query(...)):
    """An FOI answer with the small-number rule applied: what may be published."""
    period, areas = _period(q)
    answer = foi.foi_answer(period, by=q.by or ["area"], areas=areas)
    return {
        "period": {"start": period.start, "end": period.end},
        "headline": answer.headline(),
        "total": answer.total.as_dict(),
        "within_greater_manchester": answer.within_gm.as_dict(),
        "outside_greater_manchester": answer.outside_gm.as_dict(),
        "tables": {name: table.as_dict() for name, table in answer.tables.items()},
        "footnote": answer.footnote,
    }
