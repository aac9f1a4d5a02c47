"""The one query layer for statistics: pages, API, FOI answers, exports and board reports all
read from here. Every figure is computed by the database (GROUP BY), never by looping over
incidents in Python.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone

from drachma.areas.models import Borough, District, Ward
from drachma.incidents.models import Incident, IncidentKind, IncidentSource, IncidentStatus, Outcome
from drachma.statistics import conf

OUTSIDE_GM = "Outside Greater Manchester"
NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class Period:
    """An inclusive range of calendar days, in UK time."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def of(cls, start, end) -> "Period":
        errors = {}
        start = _as_date(start, "start", errors)
        end = _as_date(end, "end", errors)
        if not errors:
            if end < start:
                errors["end"] = "The period ends before it starts."
            elif start < datetime.date(2000, 1, 1):
                errors["start"] = "Statistics start in 2000."
            elif (end - start).days > 366 * conf.max_period_years():
                errors["end"] = f"A period may cover at most {conf.max_period_years()} years."
        if errors:
            raise ValidationError(errors)
        return cls(start, end)

    @property
    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        tz = timezone.get_default_timezone()
        return (
            datetime.datetime.combine(self.start, datetime.time(), tzinfo=tz),
            datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time(), tzinfo=tz),
        )

    def year_before(self) -> "Period":
        return Period(_minus_year(self.start), _minus_year(self.end))

    def __str__(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"


def _minus_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _as_date(value, name, errors):
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors[name] = f"{value!r} is not a date (use YYYY-MM-DD)."
        return None


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str
    name_bearing: bool = False  # identifies people: a count of one would reveal someone
    time: bool = False


DIMENSIONS = {
    d.name: d
    for d in [
        Dimension("year", "Year", time=True),
        Dimension("quarter", "Quarter", time=True),
        Dimension("month", "Month", time=True),
        Dimension("area", "Area (force district or borough)"),
        Dimension("borough", "Borough"),
        Dimension("ward", "Ward"),
        Dimension("source", "Source"),
        Dimension("kind", "Kind"),
        Dimension("outcome", "Outcome"),
        Dimension("status", "Status"),
        Dimension("group", "Group"),
        Dimension("officer", "Recording officer", name_bearing=True),
    ]
}
CHOICES = {
    "source": dict(IncidentSource.choices),
    "kind": dict(IncidentKind.choices),
    "outcome": {**dict(Outcome.choices), "": NOT_RECORDED},
    "status": dict(IncidentStatus.choices),
}


def dimension(name: str) -> Dimension:
    try:
        return DIMENSIONS[name]
    except KeyError:
        raise ValidationError(
            {"by": f"Unknown breakdown {name!r}; choose from {', '.join(DIMENSIONS)}."}
        ) from None


def _district_name():
    return Subquery(
        District.objects.filter(wards=OuterRef("ward_id")).order_by("name").values("name")[:1],
        output_field=CharField(),
    )


def _key_expression(dim: str):
    return {
        "year": TruncYear("occurred_at"),
        "quarter": TruncQuarter("occurred_at"),
        "month": TruncMonth("occurred_at"),
        "area": Coalesce(_district_name(), F("borough__name"), Value(OUTSIDE_GM)),
        "borough": Coalesce(F("borough__name"), Value(OUTSIDE_GM)),
        "ward": Coalesce(F("ward__code"), Value("")),
        "source": F("source"),
        "kind": F("kind"),
        "outcome": F("outcome"),
        "status": F("status"),
        "group": Coalesce(F("groups__name"), Value("No group recorded")),
        "officer": Coalesce(F("created_by__username"), Value(NOT_RECORDED)),
    }[dim]


@dataclass(frozen=True)
class AreaFilter:
    """Areas named by ONS code (borough E08…, ward E05…), ``district:<id>`` or ``outside``."""

    boroughs: tuple = ()
    wards: tuple = ()
    districts: tuple = ()
    outside: bool = False

    @classmethod
    def parse(cls, values) -> "AreaFilter | None":
        values = [v.strip() for v in (values or []) if v and v.strip()]
        if not values:
            return None
        boroughs, wards, districts, outside, unknown = [], [], [], False, []
        known_boroughs = set(Borough.objects.values_list("code", flat=True))
        known_wards = set(Ward.objects.filter(code__in=values).values_list("code", flat=True))
        known_districts = {str(pk) for pk in District.objects.values_list("pk", flat=True)}
        for v in values:
            if v in known_boroughs:
                boroughs.append(v)
            elif v in known_wards:
                wards.append(v)
            elif v.startswith("district:") and v.split(":", 1)[1] in known_districts:
                districts.append(int(v.split(":", 1)[1]))
            elif v.lower() == "outside":
                outside = True
            else:
                unknown.append(v)
        if unknown:
            raise ValidationError({"areas": f"Unknown area: {', '.join(unknown)}."})
        return cls(tuple(boroughs), tuple(wards), tuple(districts), outside)

    def q(self) -> Q:
        q = Q(pk__in=[])
        if self.boroughs:
            q |= Q(borough__code__in=self.boroughs)
        if self.wards:
            q |= Q(ward__code__in=self.wards)
        if self.districts:
            q |= Q(ward__districts__in=self.districts)
        if self.outside:
            q |= Q(borough__isnull=True)
        return q


def incidents_in(period: Period, areas: AreaFilter | None = None) -> QuerySet[Incident]:
    start, end = period.bounds
    qs = Incident.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    if areas is not None:
        qs = qs.filter(areas.q())
        if areas.districts:
            qs = qs.distinct()
    return qs


@dataclass
class Row:
    key: object
    label: str
    count: int
    extra: dict = field(default_factory=dict)


def _label(dim: str, key) -> str:
    if dim == "year":
        return f"{key:%Y}"
    if dim == "quarter":
        return f"{key:%Y} Q{(key.month - 1) // 3 + 1}"
    if dim == "month":
        return f"{key:%B %Y}"
    if dim in CHOICES:
        return CHOICES[dim].get(key, str(key))
    return str(key)


def _local(key):
    if isinstance(key, datetime.datetime):
        return timezone.localtime(key).date() if timezone.is_aware(key) else key.date()
    return key


def counts_by(period: Period, by: str, *, areas: AreaFilter | None = None) -> list[Row]:
    """Incident counts for each value of one breakdown. Time breakdowns list every month,
    quarter or year of the period, zeros included."""
    dim = dimension(by)
    qs = incidents_in(period, areas).values(key=_key_expression(by)).annotate(n=Count("pk", distinct=True))
    counted = {_local(r["key"]): r["n"] for r in qs.order_by()}
    if dim.time:
        return [Row(k, _label(by, k), counted.get(k, 0)) for k in _time_keys(period, by)]
    if by in CHOICES:
        # Every category, zeros included; "not recorded" only where there are some.
        keys = [k for k in CHOICES[by] if k != "" or k in counted]
        return [Row(k, _label(by, k), counted.get(k, 0)) for k in keys]
    if by == "borough":
        rows = [Row(b.name, b.name, counted.get(b.name, 0), {"code": b.code, "population": b.population})
                for b in Borough.objects.order_by("name")]
        if counted.get(OUTSIDE_GM):
            rows.append(Row(OUTSIDE_GM, OUTSIDE_GM, counted[OUTSIDE_GM]))
        return rows
    if by == "ward":
        wards = {w.code: w for w in Ward.objects.select_related("borough").filter(code__in=counted)}
        rows = [Row(code, f"{wards[code].name} ({wards[code].borough.name})", n, {"borough": wards[code].borough.name})
                for code, n in counted.items() if code in wards]
        if counted.get(""):
            rows.append(Row("", "Ward not known", counted[""]))
        return sorted(rows, key=lambda r: (-r.count, r.label))
    return sorted((Row(k, _label(by, k), n) for k, n in counted.items()), key=lambda r: (-r.count, str(r.label)))


def _time_keys(period: Period, by: str) -> list[datetime.date]:
    keys = []
    if by == "year":
        return [datetime.date(y, 1, 1) for y in range(period.start.year, period.end.year + 1)]
    step = 3 if by == "quarter" else 1
    month = (period.start.month - 1) // step * step + 1
    day = datetime.date(period.start.year, month, 1)
    while day <= period.end:
        keys.append(day)
        month_index = day.month - 1 + step
        day = datetime.date(day.year + month_index // 12, month_index % 12 + 1, 1)
    return keys


def total(period: Period, areas: AreaFilter | None = None) -> int:
    return incidents_in(period, areas).count()


def summary(period: Period) -> dict:
    """Total, within Greater Manchester, outside it: one query."""
    return incidents_in(period).aggregate(
        total=Count("pk"),
        in_gm=Count("pk", filter=Q(borough__isnull=False)),
        outside_gm=Count("pk", filter=Q(borough__isnull=True)),
    )


def rates_per_100k(period: Period) -> list[Row]:
    """Counts and rates per 100,000 residents (Census 2021) by borough, highest rate first."""
    rows = [r for r in counts_by(period, "borough") if "population" in r.extra]
    for r in rows:
        r.extra["rate"] = round(r.count * 100_000 / r.extra["population"], 2)
    return sorted(rows, key=lambda r: (-r.extra["rate"], r.label))


def trend(period: Period, by: str, *, areas: AreaFilter | None = None) -> list[Row]:
    """Each value's count against the same period a year before."""
    if dimension(by).time:
        raise ValidationError({"by": "Compare a time breakdown by choosing a longer period instead."})
    now = {r.key: r for r in counts_by(period, by, areas=areas)}
    before = {r.key: r for r in counts_by(period.year_before(), by, areas=areas)}
    rows = []
    for key in list(now) + [k for k in before if k not in now]:
        current = now[key].count if key in now else 0
        previous = before[key].count if key in before else 0
        label = (now.get(key) or before.get(key)).label
        change = None if previous == 0 else round((current - previous) * 100 / previous, 1)
        rows.append(Row(key, label, current, {"previous": previous, "change_pct": change}))
    return rows


def crosstab(period: Period, rows_by: str, cols_by: str, *, areas: AreaFilter | None = None) -> dict:
    """A two-way table: {(row_key, col_key): count} with the labels of each."""
    for name in (rows_by, cols_by):
        dimension(name)
    if rows_by == cols_by:
        raise ValidationError({"by": "Choose two different breakdowns."})
    qs = (
        incidents_in(period, areas)
        .values(r=_key_expression(rows_by), c=_key_expression(cols_by))
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    cells = {(_local(x["r"]), _local(x["c"])): x["n"] for x in qs}
    row_keys = sorted({k[0] for k in cells}, key=str)
    col_keys = sorted({k[1] for k in cells}, key=str)
    return {
        "rows": [(k, _label(rows_by, k)) for k in row_keys],
        "cols": [(k, _label(cols_by, k)) for k in col_keys],
        "cells": cells,
    }
