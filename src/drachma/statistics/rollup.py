"""Keeping MonthlyCount in step with incidents (see models.py for why it exists)."""

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, F
from django.db.models.functions import TruncMonth
from django.utils import timezone

from drachma.statistics.models import MonthlyCount

ROLLED = ("source", "kind", "outcome", "status", "officer", "group")
FIELDS = {
    "source": "source",
    "kind": "kind",
    "outcome": "outcome",
    "status": "status",
    "officer": "created_by_id",
}
Key = tuple[datetime.date, int, int, str, str]


def month_of(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date().replace(day=1)


def contributions(values: dict | None, group_ids: Iterable[int]) -> Counter:
    """The rows one incident adds to: ``values`` has occurred_at, borough_id, ward_id and the
    rolled fields."""
    if values is None or values.get("occurred_at") is None:
        return Counter()
    month = month_of(values["occurred_at"])
    area = (values.get("borough_id") or 0, values.get("ward_id") or 0)
    keys = [(month, *area, "total", "")]
    for dim, field in FIELDS.items():
        value = values.get(field)
        keys.append((month, *area, dim, "" if value is None else str(value)))
    groups = [str(g) for g in group_ids] or [""]  # "" counts the incidents with no group
    keys += [(month, *area, "group", g) for g in groups]
    return Counter(keys)


def apply(deltas: Counter) -> None:
    """Add the deltas to their rows in one statement per batch (an upsert), then drop zeros."""
    rows = [(*key, n) for key, n in deltas.items() if n]
    if not rows:
        return
    table = MonthlyCount._meta.db_table
    sql = (
        f"INSERT INTO {table} (month, borough_id, ward_id, dimension, value, n) "
        "VALUES (%s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (dimension, month, borough_id, ward_id, value) "
        f"DO UPDATE SET n = {table}.n + excluded.n"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    if any(n < 0 for *_, n in rows):
        MonthlyCount.objects.filter(n__lte=0).delete()


def incident_values(incident_id: int) -> tuple[dict | None, list[int]]:
    from drachma.incidents.models import Incident

    values = (
        Incident.objects.filter(pk=incident_id)
        .values("occurred_at", "borough_id", "ward_id", *FIELDS.values())
        .first()
    )
    groups = list(
        Incident.groups.through.objects.filter(incident_id=incident_id).values_list(
            "group_id", flat=True
        )
    )
    return values, groups


@transaction.atomic
def rebuild() -> int:
    """Recompute every row from the incidents table; returns the number of rows."""
    from drachma.incidents.models import Incident

    MonthlyCount.objects.all().delete()
    base = Incident.objects.annotate(m=TruncMonth("occurred_at")).order_by()
    rows: list[MonthlyCount] = []

    def add(queryset, dimension, value_of):
        for r in queryset:
            rows.append(
                MonthlyCount(
                    month=_date(r["m"]),
                    borough_id=r["borough_id"] or 0,
                    ward_id=r["ward_id"] or 0,
                    dimension=dimension,
                    value=value_of(r),
                    n=r["n"],
                )
            )

    add(base.values("m", "borough_id", "ward_id").annotate(n=Count("pk")), "total", lambda r: "")
    for dim, field in FIELDS.items():
        add(
            base.values("m", "borough_id", "ward_id", v=F(field)).annotate(n=Count("pk")),
            dim,
            lambda r: "" if r["v"] is None else str(r["v"]),
        )
    add(
        base.values("m", "borough_id", "ward_id", v=F("groups")).annotate(n=Count("pk")),
        "group",
        lambda r: "" if r["v"] is None else str(r["v"]),
    )
    MonthlyCount.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value
