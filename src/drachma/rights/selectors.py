"""Reads of the rights register. A request holds the requester's personal data: reading one
records the view (with the request's purpose, s.62)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from drachma.audit.models import AuditAction
from drachma.audit.services import append, label_of
from drachma.core.access import get_or_404
from drachma.rights.models import RightsRequest, RightsRequestItem, RightsState
from drachma.rights.services import purpose_of


def requests() -> QuerySet[RightsRequest]:
    return RightsRequest.objects.select_related("recorded_by")


def shown_list(viewer: Any, rows: list[RightsRequest]) -> list[RightsRequest]:
    if rows:
        append(
            AuditAction.VIEW,
            model=label_of(RightsRequest),
            object_repr=f"list of {len(rows)}",
            changes={"ids": [str(r.pk) for r in rows]},
            actor=viewer,
        )
    return rows


def request_for(viewer: Any, reference: str) -> RightsRequest:
    """The request, its view recorded with the request's purpose."""
    request = get_or_404(requests(), what="rights request", reference=reference)
    append(
        AuditAction.VIEW,
        model=label_of(request),
        object_id=str(request.pk),
        object_repr=str(request),
        actor=viewer,
        purpose=purpose_of(request),
    )
    return request


def item_for(request: RightsRequest, item_id: int) -> RightsRequestItem:
    return get_or_404(request.items.all(), what="record of the request", pk=item_id)


def counts() -> dict[str, int]:
    today = timezone.localdate()
    open_states = [RightsState.REGISTERED, RightsState.SEARCHING, RightsState.DECIDING]
    open_qs = RightsRequest.objects.filter(state__in=open_states)
    overdue = sum(1 for r in open_qs.only("due_on", "extended_to") if r.deadline < today)
    return {"open": open_qs.count(), "overdue": overdue}
