import datetime

from django.core.exceptions import ValidationError
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from drachma.core.apitools import Allow
from drachma.core.paging import PageNumberPagination
from drachma.core.schemas import WorkflowEventOut
from drachma.statistics import foi, hotspots, selectors, services
from drachma.statistics.filtersets import FOIRequestFilterSet
from drachma.statistics.models import Exemption, FOIStatus
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


# --- FOI requests ---------------------------------------------------------------------------


class FOIRequestIn(Schema):
    received_on: datetime.date = Field(description="The day the force received it (not later)")
    requester_reference: str = Field(max_length=100)
    question: str = Field(max_length=5000)
    period_start: datetime.date = Field(description="Figures from, YYYY-MM-DD")
    period_end: datetime.date = Field(description="Figures to, YYYY-MM-DD")
    breakdowns: list[str] = Field(
        description=(
            "One or more of: "
            + ", ".join(n for n, d in selectors.DIMENSIONS.items() if not d.name_bearing)
        ),
    )
    areas: list[str] = Field(
        default_factory=list, description="ONS borough/ward codes, district:<id>, outside"
    )


class FOIExemptionOut(Schema):
    section: str
    label: str = Field(alias="get_section_display")
    reason: str


class FOIRequestSummaryOut(Schema):
    reference: str
    received_on: datetime.date
    due_on: datetime.date
    status: FOIStatus
    requester_reference: str
    answered_on_time: bool | None


class FOIRequestOut(FOIRequestSummaryOut):
    question: str
    period_start: datetime.date
    period_end: datetime.date
    breakdowns: list[str]
    areas: list[str]
    recorded_by: str = Field(alias="recorded_by.username")
    answered_at: datetime.datetime | None
    answered_by: str | None = Field(None, alias="answered_by.username")
    answer: dict = Field(description="The answer as published: headline, rows, footnote")
    judgement: dict = Field(description="The small-number judgement: rule, withheld, note")
    exemptions: list[FOIExemptionOut]
    events: list[WorkflowEventOut]

    @staticmethod
    def resolve_exemptions(obj) -> list:
        return list(obj.exemptions.all())

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.select_related("by"))


class FOIAnswerIn(Schema):
    judgement: str = Field(
        max_length=5000, description="Why no published figure can identify anyone"
    )
    exemptions: dict[str, str] = Field(
        default_factory=dict,
        description=f"Section -> reason, sections from: {', '.join(Exemption.values)}",
    )


class FOIRequestFilters(FilterSchema):
    status: FOIStatus | None = None
    overdue: bool | None = None
    received_after: datetime.date | None = None
    received_before: datetime.date | None = None


class FOITimelinessOut(Schema):
    received: int
    answered: int
    answered_on_time: int
    answered_late: int
    open: int
    overdue: int
    percent_on_time: float | None


@router.get(
    "/foi-requests",
    response=list[FOIRequestSummaryOut],
    auth=Allow("statistics.view_foirequest"),
)
@paginate(PageNumberPagination)
def list_foi_requests(request, filters: FOIRequestFilters = Query(...)):
    """The FOI request register, soonest due first."""
    params = {k: v for k, v in filters.dict().items() if v is not None}
    filterset = FOIRequestFilterSet(params, queryset=selectors.foi_requests())
    if not filterset.is_valid():
        raise ValidationError({k: " ".join(v) for k, v in filterset.errors.items()})
    return filterset.qs.order_by("due_on", "pk")


@router.get(
    "/foi-requests/timeliness",
    response=FOITimelinessOut,
    auth=Allow("statistics.view_foirequest"),
)
def foi_timeliness(request, start: datetime.date | None = None, end: datetime.date | None = None):
    """Requests received in the period (all when not given) answered on time."""
    return selectors.foi_timeliness(start, end).as_dict()


@router.post(
    "/foi-requests", response={201: FOIRequestOut}, auth=Allow("statistics.add_foirequest")
)
def record_foi_request(request, payload: FOIRequestIn):
    """Record a request: its deadline is the 20th working day after receipt."""
    item = services.record_request(user=request.user, **payload.dict())
    return Status(201, selectors.foi_request(item.reference))


@router.get(
    "/foi-requests/{foi_reference}",
    response=FOIRequestOut,
    auth=Allow("statistics.view_foirequest", hide=True),
)
def get_foi_request(request, foi_reference: str):
    return selectors.foi_request(foi_reference)


@router.post(
    "/foi-requests/{foi_reference}/answer",
    response=FOIRequestOut,
    auth=Allow("statistics.answer_foirequest", hide=True),
)
def answer_foi_request(request, foi_reference: str, payload: FOIAnswerIn):
    """Answer from the statistics, once: a second answer is refused (422)."""
    services.answer_request(
        selectors.foi_request(foi_reference),
        user=request.user,
        judgement_note=payload.judgement,
        exemptions=payload.exemptions,
    )
    return selectors.foi_request(foi_reference)


class CasePeriodQuery(Schema):
    start: datetime.date = Field(description="First day, YYYY-MM-DD (UK time)")
    end: datetime.date = Field(description="Last day, YYYY-MM-DD")


class CaseMedianOut(Schema):
    median_days: float | None
    withheld: bool
    count: dict


class CasePeriodFiguresOut(Schema):
    start: datetime.date
    end: datetime.date
    charged: dict | None
    results: dict | None
    collapse_reasons: dict | None
    publications: dict | None
    to_charge: CaseMedianOut
    to_result: CaseMedianOut
    footnote: str


@router.get("/cases", response=CasePeriodFiguresOut, auth=Allow("statistics.view_statistics"))
def case_figures(request, q: CasePeriodQuery = Query(...)):
    """The cases app's figures for a period (cases charged, results, endings without a verdict,
    publications found during active proceedings, median days from incident to charge and to
    result), as published: the small-number rule applied, medians only over enough cases."""
    from drachma.cases import figures

    period = Period.of(q.start, q.end)
    return figures.for_period_json(period.start, period.end)
