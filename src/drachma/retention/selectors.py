"""Which records are due for review: every model that carries a MoPI group and review date."""

import datetime
from dataclasses import dataclass

from django.apps import apps

from drachma.core.models import ReviewableRecord


@dataclass
class DueRecord:
    record: ReviewableRecord
    kind: str
    label: str


def reviewable_models() -> list[type[ReviewableRecord]]:
    return [
        m
        for m in apps.get_models()
        if issubclass(m, ReviewableRecord) and m.__module__.startswith("drachma.")
    ]


def due_for_review(
    on: datetime.date, *, kind: str | None = None, limit: int = 500
) -> list[DueRecord]:
    """Records whose review date is on or before ``on``, soonest first, across all record types."""
    due = []
    for model in reviewable_models():
        label = model._meta.label_lower
        if kind and kind != label:
            continue
        for record in model._default_manager.filter(review_date__lte=on).order_by("review_date")[
            :limit
        ]:
            due.append(DueRecord(record, label, str(model._meta.verbose_name).capitalize()))
    due.sort(key=lambda d: (d.record.review_date, d.kind, d.record.pk))
    return due[:limit]


def counts_due(on: datetime.date) -> dict[str, int]:
    return {
        str(m._meta.verbose_name_plural).capitalize(): m._default_manager.filter(
            review_date__lte=on
        ).count()
        for m in reviewable_models()
    }
