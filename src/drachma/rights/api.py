"""The rights register's API: list, read and register requests, run the search and decide
each record found. Every read of a request is recorded with its purpose (s.62)."""

from __future__ import annotations

import datetime

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from drachma.core.apitools import Allow
from drachma.core.paging import PageNumberPagination
from drachma.rights import selectors, services
from drachma.rights.models import Decision, Ground, IdentityCheck, Right, RightsState

router = Router()


class RightsRequestSummaryOut(Schema):
    reference: str
    right: Right
    state: RightsState
    received_on: datetime.date
    due_on: datetime.date
    extended_to: datetime.date | None


class RightsItemOut(Schema):
    id: int
    kind: str
    summary: str
    matched_on: str
    data: dict
    redactions: int
    decision: Decision
    ground: str
    reason: str
    outcome: str


class RightsRequestOut(RightsRequestSummaryOut):
    requester_name: str
    requester_date_of_birth: datetime.date | None
    requester_email: str
    requester_phone: str
    requester_handles: str
    identity_check: IdentityCheck
    details: str
    items: list[RightsItemOut]

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items.all())


class RightsRequestIn(Schema):
    right: Right
    received_on: datetime.date
    requester_name: str = Field(max_length=200)
    requester_date_of_birth: datetime.date | None = None
    requester_address: str = Field("", max_length=500)
    requester_email: str = Field("", max_length=254)
    requester_phone: str = Field("", max_length=40)
    requester_handles: str = Field("", max_length=300)
    identity_check: IdentityCheck
    identity_note: str = Field("", max_length=300)
    details: str = Field("", max_length=5000)


class RightsDecisionIn(Schema):
    decision: Decision
    ground: Ground | None = None
    reason: str = Field("", max_length=2000)


@router.get(
    "/requests", response=list[RightsRequestSummaryOut], auth=Allow("rights.view_rightsrequest")
)
@paginate(PageNumberPagination)
def list_requests(request):
    """The register, newest received first (no personal data in the list)."""
    return selectors.requests().order_by("-received_on", "-pk")


@router.post("/requests", response={201: RightsRequestOut}, auth=Allow("rights.add_rightsrequest"))
def register_request(request, payload: RightsRequestIn):
    """Register a request: due one calendar month after receipt (s.54)."""
    item = services.register_request(user=request.user, **payload.dict())
    return Status(201, selectors.request_for(request.user, item.reference))


@router.get(
    "/requests/{rights_reference}",
    response=RightsRequestOut,
    auth=Allow("rights.view_rightsrequest", hide=True),
)
def get_request(request, rights_reference: str):
    return selectors.request_for(request.user, rights_reference)


@router.post(
    "/requests/{rights_reference}/search",
    response=RightsRequestOut,
    auth=Allow("rights.handle_rightsrequest", hide=True),
)
def search_request(request, rights_reference: str):
    """Search every app for the requester; 422 when nothing matches (nothing is written)."""
    services.run_search(selectors.request_for(request.user, rights_reference), user=request.user)
    return selectors.request_for(request.user, rights_reference)


@router.post(
    "/requests/{rights_reference}/items/{item_id}/decision",
    response=RightsItemOut,
    auth=Allow("rights.handle_rightsrequest", hide=True),
)
def decide_item(request, rights_reference: str, item_id: int, payload: RightsDecisionIn):
    """Disclose, withhold under s.45(4) with the reason, or set aside as not theirs."""
    item = selectors.request_for(request.user, rights_reference)
    return services.decide(
        selectors.item_for(item, item_id),
        user=request.user,
        decision=payload.decision,
        ground=payload.ground or "",
        reason=payload.reason,
    )
