"""Keeping MonthlyCount in step with incidents (see models.py for why it exists).

Incidents' services call ``incident_changed`` (the plug-in point ``incidents.figures``) in
the transaction of every change to a counted fact; ``rebuild`` recomputes every row.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Count, F
from django.db.models.functions import TruncMonth
from django.utils import timezone

from drachma.statistics.models import MonthlyCount

if TYPE_CHECKING:
    from drachma.incidents.figures import Facts

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


def contributions(values: dict, group_ids: Iterable[int]) -> Counter:
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


def incident_changed(before: Facts | None, after: Facts | None) -> None:
    """Move one incident's counts from what it was (``before``; None when it is new) to what
    it is (``after``; None when it was deleted)."""
    deltas = Counter()
    if after is not None:
        deltas.update(contributions(after.values, after.groups))
    if before is not None:
        deltas.subtract(contributions(before.values, before.groups))
    apply(deltas)


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
