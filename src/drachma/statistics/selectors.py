"""The one query layer for statistics: pages, API, FOI answers, exports and board reports all
read from here.

Counts come from the database, never from looping over incidents in Python: whole months
from the monthly counts (``models.MonthlyCount``, kept in step with incidents), and the
part-months at either end of a period from the incidents table, so the cost of a query does
not grow with the number of incidents. Python only names and orders the (few) groups the
database returns.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone

from drachma.areas.models import Borough, District, Ward
from drachma.groups.models import Group
from drachma.incidents.models import Incident, IncidentKind, IncidentSource, IncidentStatus, Outcome
from drachma.statistics import conf
from drachma.statistics.models import FOIRequest, FOIStatus, MonthlyCount
from drachma.statistics.rollup import FIELDS, month_of

OUTSIDE_GM = "Outside Greater Manchester"
NOT_RECORDED = "Not recorded"
NO_GROUP = "No group recorded"


# --- periods -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """An inclusive range of calendar days, in UK time."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def of(cls, start, end) -> "Period":
        errors: dict[str, str] = {}
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
        return _midnight(self.start), _midnight(self.end + datetime.timedelta(days=1))

    def year_before(self) -> "Period":
        return Period(_minus_year(self.start), _minus_year(self.end))

    def whole_months(self) -> tuple[datetime.date, datetime.date] | None:
        """The first and last month lying wholly inside the period, if any."""
        first = self.start if self.start.day == 1 else _next_month(self.start)
        after_end = self.end + datetime.timedelta(days=1)
        last = (
            _prev_month(after_end.replace(day=1))
            if after_end.day == 1
            else _prev_month(self.end.replace(day=1))
        )
        return (first, last) if first <= last else None

    def __str__(self) -> str:
        return f"{self.start.day} {self.start:%B %Y} to {self.end.day} {self.end:%B %Y}"


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_default_timezone())


def _next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _prev_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)


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


# --- breakdowns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str
    name_bearing: bool = False  # identifies people: a count of one would reveal someone
    time: bool = False
    spatial: bool = False


DIMENSIONS = {
    d.name: d
    for d in [
        Dimension("year", "Year", time=True),
        Dimension("quarter", "Quarter", time=True),
        Dimension("month", "Month", time=True),
        Dimension("area", "Area (force district or borough)", spatial=True),
        Dimension("borough", "Borough", spatial=True),
        Dimension("ward", "Ward", spatial=True),
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


# --- areas ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaFilter:
    """Areas named by ONS code (borough E08…, ward E05…), ``district:<id>`` or ``outside``."""

    borough_ids: tuple = ()
    ward_ids: tuple = ()
    outside: bool = False
    names: tuple = ()

    @classmethod
    def parse(cls, values) -> "AreaFilter | None":
        values = [v.strip() for v in (values or []) if v and v.strip()]
        if not values:
            return None
        boroughs = dict(Borough.objects.filter(code__in=values).values_list("code", "pk"))
        wards = dict(Ward.objects.filter(code__in=values).values_list("code", "pk"))
        borough_ids, ward_ids, outside, unknown = [], [], False, []
        for v in values:
            if v in boroughs:
                borough_ids.append(boroughs[v])
            elif v in wards:
                ward_ids.append(wards[v])
            elif v.lower() == "outside":
                outside = True
            elif (
                v.startswith("district:")
                and v[9:].isdigit()
                and District.objects.filter(pk=int(v[9:])).exists()
            ):
                ward_ids += list(
                    District.objects.get(pk=int(v[9:])).wards.values_list("pk", flat=True)
                )
            else:
                unknown.append(v)
        if unknown:
            raise ValidationError({"areas": f"Unknown area: {', '.join(unknown)}."})
        return cls(tuple(borough_ids), tuple(sorted(set(ward_ids))), outside, tuple(values))

    def q(self, borough: str = "borough_id", ward: str = "ward_id", outside_value=None) -> Q:
        q = Q(pk__in=[])
        if self.borough_ids:
            q |= Q(**{f"{borough}__in": self.borough_ids})
        if self.ward_ids:
            q |= Q(**{f"{ward}__in": self.ward_ids})
        if self.outside:
            q |= (
                Q(**{borough: outside_value})
                if outside_value is not None
                else Q(**{f"{borough}__isnull": True})
            )
        return q


def _area_names() -> tuple[dict, dict]:
    """ward id -> force area (its district, else its borough); borough id -> borough name.

    Where part of a borough is a district, its other wards are "<borough> (other wards)", so
    that the borough's name is not mistaken for the whole borough."""
    boroughs = dict(Borough.objects.values_list("pk", "name"))
    ward_borough = dict(Ward.objects.values_list("pk", "borough_id"))
    ward_area = {pk: boroughs[b] for pk, b in ward_borough.items()}
    split = set()
    for district in District.objects.order_by("-name").prefetch_related("wards"):
        for ward in district.wards.all():
            ward_area[ward.pk] = district.name
            split.add(ward_borough[ward.pk])
    for pk, b in ward_borough.items():
        if b in split and ward_area[pk] == boroughs[b]:
            ward_area[pk] = f"{boroughs[b]} (other wards)"
    return ward_area, boroughs


def incidents_in(period: Period, areas: AreaFilter | None = None) -> QuerySet[Incident]:
    start, end = period.bounds
    qs = Incident.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
    return qs.filter(areas.q()) if areas is not None else qs


# --- counting ------------------------------------------------------------------------------

# What each breakdown is counted by: the monthly-count dimension and the key fields.
_SPATIAL_KEYS = {
    "area": ("ward_id", "borough_id"),
    "borough": ("borough_id",),
    "ward": ("ward_id",),
}


def _raw_key(field_name: str):
    return {"month": TruncMonth("occurred_at"), "value_group": F("groups")}.get(
        field_name, F(field_name)
    )


def _count(
    period: Period, areas: AreaFilter | None, keys: tuple[str, ...], value_dim: str = "total"
) -> Counter:
    """Counts keyed by tuples of ``keys`` (among month, borough_id, ward_id, value), for the
    rolled dimension ``value_dim``: whole months from MonthlyCount, part-months from incidents."""
    counts: Counter = Counter()
    months = period.whole_months()
    raw_ranges = [period.bounds]
    if months:
        rolled = MonthlyCount.objects.filter(
            dimension=value_dim, month__gte=months[0], month__lte=months[1]
        )
        if areas is not None:
            rolled = rolled.filter(areas.q(outside_value=0))
        for row in rolled.values(*keys).annotate(n=Sum("n")).order_by():
            counts[tuple(_none(k, row[k]) for k in keys)] += row["n"]
        start, end = period.bounds
        raw_ranges = [(start, _midnight(months[0])), (_midnight(_next_month(months[1])), end)]
    raw_fields = {"month": "month", "borough_id": "borough_id", "ward_id": "ward_id"}
    # "value" is a key only for a dimension with an incident field ("total" has none).
    if value_dim == "group":
        raw_fields["value"] = "value_group"
    elif value_dim in FIELDS:
        raw_fields["value"] = FIELDS[value_dim]
    for low, high in raw_ranges:
        if low >= high:
            continue
        qs = Incident.objects.filter(occurred_at__gte=low, occurred_at__lt=high)
        if areas is not None:
            qs = qs.filter(areas.q())
        exprs = {f"k_{k}": _raw_key(raw_fields[k]) for k in keys}
        for row in qs.values(**exprs).annotate(n=Count("pk")).order_by():
            counts[tuple(_normalise(k, row[f"k_{k}"]) for k in keys)] += row["n"]
    return counts


def _none(key: str, value):
    """MonthlyCount stores 0 for "no borough/ward"; the rest of this module uses None."""
    return None if key in ("borough_id", "ward_id") and value == 0 else value


def _normalise(key: str, value):
    if key == "month":
        return month_of(value) if isinstance(value, datetime.datetime) else value
    if key == "value":
        return "" if value is None else str(value)
    return value


@dataclass
class Row:
    key: object
    label: str
    count: int
    extra: dict = field(default_factory=dict)


def _time_key(by: str, month: datetime.date) -> datetime.date:
    if by == "year":
        return month.replace(month=1)
    if by == "quarter":
        return month.replace(month=(month.month - 1) // 3 * 3 + 1)
    return month


def _time_keys(period: Period, by: str) -> list[datetime.date]:
    if by == "year":
        return [datetime.date(y, 1, 1) for y in range(period.start.year, period.end.year + 1)]
    keys, day = [], _time_key(by, period.start.replace(day=1))
    step = 3 if by == "quarter" else 1
    while day <= period.end:
        keys.append(day)
        index = day.month - 1 + step
        day = datetime.date(day.year + index // 12, index % 12 + 1, 1)
    return keys


def _label(by: str, key) -> str:
    if by == "year":
        return f"{key:%Y}"
    if by == "quarter":
        return f"{key:%Y} Q{(key.month - 1) // 3 + 1}"
    if by == "month":
        return f"{key:%B %Y}"
    if by in CHOICES:
        return CHOICES[by].get(key, str(key))
    return str(key)


def _namer(by: str):
    """Turn a counted key (ids, codes) into the published key of breakdown ``by``."""
    if by in ("year", "quarter", "month"):
        return lambda month, *_: _time_key(by, month)
    if by == "area":
        ward_area, boroughs = _area_names()
        return lambda ward, borough: ward_area[ward] if ward else boroughs.get(borough, OUTSIDE_GM)
    if by == "borough":
        boroughs = dict(Borough.objects.values_list("pk", "name"))
        return lambda borough: boroughs.get(borough, OUTSIDE_GM)
    if by == "ward":
        wards = dict(Ward.objects.values_list("pk", "code"))
        return lambda ward: wards.get(ward, "")
    if by == "group":
        groups = dict(Group.objects.values_list("pk", "name"))
        return lambda value: groups.get(int(value), NO_GROUP) if value else NO_GROUP
    if by == "officer":
        users = dict(get_user_model().objects.values_list("pk", "username"))
        return lambda value: users.get(int(value), NOT_RECORDED) if value else NOT_RECORDED
    return lambda value: value


def _keys_for(by: str) -> tuple[tuple[str, ...], str]:
    """(key fields, rolled dimension) for counting by one breakdown."""
    if DIMENSIONS[by].time:
        return ("month",), "total"
    if by in _SPATIAL_KEYS:
        return _SPATIAL_KEYS[by], "total"
    return ("value",), by


def counts_by(period: Period, by: str, *, areas: AreaFilter | None = None) -> list[Row]:
    """Incident counts for each value of one breakdown. Time breakdowns list every month,
    quarter or year of the period, zeros included; categories list every category; boroughs
    list all ten. An incident with two groups counts once for each."""
    dim = dimension(by)
    keys, rolled = _keys_for(by)
    name = _namer(by)
    counted: Counter = Counter()
    for key, n in _count(period, areas, keys, rolled).items():
        counted[name(*key)] += n
    if dim.time:
        return [Row(k, _label(by, k), counted.get(k, 0)) for k in _time_keys(period, by)]
    if by in CHOICES:
        keys_in_order = [k for k in CHOICES[by] if k != "" or k in counted]
        return [Row(k, _label(by, k), counted.get(k, 0)) for k in keys_in_order]
    if by == "area":
        ward_area, boroughs = _area_names()
        names = sorted(set(ward_area.values()))
        rows = [Row(name, name, counted.get(name, 0)) for name in names]
        if counted.get(OUTSIDE_GM):
            rows.append(Row(OUTSIDE_GM, OUTSIDE_GM, counted[OUTSIDE_GM]))
        return sorted(rows, key=lambda r: (-r.count, r.label))
    if by == "borough":
        rows = [
            Row(
                b.name, b.name, counted.get(b.name, 0), {"code": b.code, "population": b.population}
            )
            for b in Borough.objects.defer("boundary").order_by("name")
        ]
        if counted.get(OUTSIDE_GM):
            rows.append(Row(OUTSIDE_GM, OUTSIDE_GM, counted[OUTSIDE_GM]))
        return rows
    if by == "ward":
        wards = {
            w.code: w
            for w in Ward.objects.select_related("borough")
            .defer("boundary", "borough__boundary")
            .filter(code__in=[k for k in counted if k])
        }
        rows = [
            Row(
                code,
                f"{wards[code].name} ({wards[code].borough.name})",
                n,
                {"borough": wards[code].borough.name},
            )
            for code, n in counted.items()
            if code in wards
        ]
        if counted.get(""):
            rows.append(Row("", "Ward not known or outside Greater Manchester", counted[""]))
        return sorted(rows, key=lambda r: (-r.count, r.label))
    return sorted(
        (Row(k, str(k), n) for k, n in counted.items()), key=lambda r: (-r.count, r.label)
    )


def total(period: Period, areas: AreaFilter | None = None) -> int:
    return sum(_count(period, areas, ("borough_id",)).values())


def summary(period: Period, areas: AreaFilter | None = None) -> dict:
    """Total, within Greater Manchester, outside it."""
    by_borough = _count(period, areas, ("borough_id",))
    outside = by_borough.get((None,), 0)
    everything = sum(by_borough.values())
    return {"total": everything, "in_gm": everything - outside, "outside_gm": outside}


def rates_per_100k(period: Period) -> list[Row]:
    """Counts and rates per 100,000 residents (Census 2021) by borough, highest rate first."""
    rows = [r for r in counts_by(period, "borough") if "population" in r.extra]
    for r in rows:
        r.extra["rate"] = round(r.count * 100_000 / r.extra["population"], 2)
    return sorted(rows, key=lambda r: (-r.extra["rate"], r.label))


def trend(period: Period, by: str, *, areas: AreaFilter | None = None) -> list[Row]:
    """Each value's count against the same period a year before."""
    if dimension(by).time:
        raise ValidationError(
            {"by": "Compare a time breakdown by choosing a longer period instead."}
        )
    now = {r.key: r for r in counts_by(period, by, areas=areas)}
    before = {r.key: r for r in counts_by(period.year_before(), by, areas=areas)}
    rows = []
    for key in list(now) + [k for k in before if k not in now]:
        current = now[key].count if key in now else 0
        previous = before[key].count if key in before else 0
        label = now[key].label if key in now else before[key].label
        change = None if previous == 0 else round((current - previous) * 100 / previous, 1)
        rows.append(Row(key, label, current, {"previous": previous, "change_pct": change}))
    return rows


def crosstab(
    period: Period, rows_by: str, cols_by: str, *, areas: AreaFilter | None = None
) -> dict:
    """A two-way table ``{(row key, column key): count}`` with the labels of each.

    One side may be any breakdown; the other must be a time or area breakdown (both come
    from the monthly counts). Two category breakdowns (say source by kind) are refused."""
    dims = [dimension(rows_by), dimension(cols_by)]
    if rows_by == cols_by:
        raise ValidationError({"by": "Choose two different breakdowns."})
    if not any(d.time or d.spatial for d in dims):
        raise ValidationError({"by": "One of the two breakdowns must be a time or an area."})
    if all(d.spatial for d in dims):
        raise ValidationError({"by": "Choose one area breakdown, not two."})
    value_side = next((i for i, d in enumerate(dims) if not (d.time or d.spatial)), None)
    keys: list[str] = []
    parts = []
    for i, by in enumerate((rows_by, cols_by)):
        part = ("value",) if i == value_side else _keys_for(by)[0]
        parts.append((len(keys), len(keys) + len(part)))
        keys += part
    rolled = (rows_by, cols_by)[value_side] if value_side is not None else "total"
    namers = [_namer(rows_by), _namer(cols_by)]
    cells: Counter = Counter()
    for key, n in _count(period, areas, tuple(keys), rolled).items():
        r = namers[0](*key[parts[0][0] : parts[0][1]])
        c = namers[1](*key[parts[1][0] : parts[1][1]])
        cells[(r, c)] += n
    row_keys = sorted({k[0] for k in cells}, key=str)
    col_keys = sorted({k[1] for k in cells}, key=str)
    return {
        "rows": [(k, _label(rows_by, k)) for k in row_keys],
        "cols": [(k, _label(cols_by, k)) for k in col_keys],
        "cells": dict(cells),
    }


OVERVIEW_BREAKDOWNS = ("area", "source", "kind", "outcome", "group")


def overview(period: Period, areas: AreaFilter | None = None) -> dict:
    """Everything the statistics page shows."""
    span_days = (period.end - period.start).days
    time_by = "month" if span_days <= 3 * 366 else "quarter" if span_days <= 6 * 366 else "year"
    return {
        "period": period,
        "summary": summary(period, areas),
        "time_by": time_by,
        "series": counts_by(period, time_by, areas=areas),
        "series_before": counts_by(period.year_before(), time_by, areas=areas)
        if time_by == "month" and span_days <= 366
        else None,
        "breakdowns": {name: counts_by(period, name, areas=areas) for name in OVERVIEW_BREAKDOWNS},
        "rates": rates_per_100k(period) if areas is None else None,
        "trend": trend(period, "area", areas=areas),
    }


# --- Freedom of Information requests ----------------------------------------------------------


def foi_requests():
    """Every FOI request, with who recorded and answered it (requests name no one: the
    requester is known by a reference only)."""
    return FOIRequest.objects.select_related("recorded_by", "answered_by")


def foi_request(reference: str):
    return get_object_or_404(foi_requests().prefetch_related("exemptions"), reference=reference)


@dataclass(frozen=True)
class Timeliness:
    """Requests answered on time: the figure the ICO asks forces to publish."""

    received: int
    answered: int
    on_time: int
    late: int
    open: int
    overdue: int

    @property
    def percent_on_time(self) -> float | None:
        return round(100 * self.on_time / self.answered, 1) if self.answered else None

    def as_dict(self) -> dict:
        return {
            "received": self.received,
            "answered": self.answered,
            "answered_on_time": self.on_time,
            "answered_late": self.late,
            "open": self.open,
            "overdue": self.overdue,
            "percent_on_time": self.percent_on_time,
        }


def foi_timeliness(
    start: datetime.date | None = None, end: datetime.date | None = None
) -> Timeliness:
    """Of the requests received from ``start`` to ``end`` (inclusive; all when not given): how
    many were answered, how many of those by the deadline, and how many are still open."""
    rows = FOIRequest.objects.all()
    if start:
        rows = rows.filter(received_on__gte=start)
    if end:
        rows = rows.filter(received_on__lte=end)
    today = timezone.localdate()
    counts = rows.aggregate(
        received=Count("pk"),
        answered=Count("pk", filter=Q(status=FOIStatus.ANSWERED)),
        on_time=Count("pk", filter=Q(status=FOIStatus.ANSWERED, answered_on_time=True)),
        open=Count("pk", filter=Q(status=FOIStatus.OPEN)),
        overdue=Count("pk", filter=Q(status=FOIStatus.OPEN, due_on__lt=today)),
    )
    return Timeliness(
        received=counts["received"],
        answered=counts["answered"],
        on_time=counts["on_time"],
        late=counts["answered"] - counts["on_time"],
        open=counts["open"],
        overdue=counts["overdue"],
    )
