"""Which records are due for review: every model that carries a MoPI group and review date."""

import datetime
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.http import Http404

from drachma.audit import reads
from drachma.core.access import get_or_404
from drachma.core.models import ReviewableRecord
from drachma.retention.models import RetentionDecision


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
        records = model._default_manager.filter(review_date__lte=on).order_by("review_date")
        for record in records[:limit]:
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


def due_for(viewer: Any, on: datetime.date, *, kind: str | None = None) -> list[DueRecord]:
    """``due_for_review`` as ``viewer`` sees it: the list names each record (a person by name),
    so each record type shown is recorded as a list view."""
    return shown_due(viewer, due_for_review(on, kind=kind), on)


def shown_due(viewer: Any, due: list[DueRecord], on: datetime.date) -> list[DueRecord]:
    """The records due that a page shows ``viewer`` (a page of the list): each record type
    among them recorded as a list view of exactly those records."""
    for _kind, rows in groupby(sorted(due, key=lambda d: d.kind), key=lambda d: d.kind):
        shown = [d.record for d in rows]
        reads.viewed_list(viewer, type(shown[0]), shown, query=f"due for review by {on}")
    return due


def history_of(kind: str, record: ReviewableRecord) -> QuerySet[RetentionDecision]:
    """The earlier review decisions about ``record`` (of type ``kind``), newest first."""
    app_label, _, model = kind.partition(".")
    return RetentionDecision.objects.select_related("decided_by").filter(
        content_type__app_label=app_label, content_type__model=model, object_id=str(record.pk)
    )


def reviewable_record(kind: str, record_id: Any) -> ReviewableRecord:
    """The record ``kind`` (an app label and model, "people.person") with ``record_id``, to be
    reviewed; 404 for an unknown type or record."""
    model = next((m for m in reviewable_models() if m._meta.label_lower == kind), None)
    if model is None:
        raise Http404("No such record type.")
    return get_or_404(model, pk=record_id, what="record")


def record_for_review(viewer: Any, kind: str, record_id: Any) -> ReviewableRecord:
    """``reviewable_record`` shown to ``viewer`` on the review page: the view is recorded."""
    record = reviewable_record(kind, record_id)
    reads.viewed(viewer, record, fields=["review"])
    return record
