"""The takedown API: footage, captures (file uploads), matches, takedown requests and their
steps, the work queue, match banks, the figures and the publication log."""

import datetime
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, File, FilterSchema, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from drachma.core.apitools import Allow
from drachma.core.choices import Platform as CorePlatform
from drachma.core.paging import ListingPagination
from drachma.core.schemas import WorkflowEventOut
from drachma.core.workflow import NOTE_MAX_LENGTH
from drachma.evidence.models import EvidenceItem
from drachma.groups.models import Group
from drachma.incidents.models import Incident
from drachma.takedown import selectors, services
from drachma.takedown.filtersets import STATES, ContentItemFilterSet
from drachma.takedown.forms import incident_by_reference
from drachma.takedown.models import (
    FINISHED,
    Capture,
    ContentItem,
    ContentMatch,
    MatchBank,
    MatchReview,
    Platform,
    PublicationRecord,
    StillOnline,
    TakedownRequest,
    TakedownState,
)

router = Router()


# --- schemas ---------------------------------------------------------------------------------


class FootageFilters(FilterSchema):
    q: str | None = Field(None, description="Reference, address, account or SHA-256")
    platform: Platform | None = None
    group: int | None = None
    state: str | None = Field(None, description=f"One of: {', '.join(k for k, _ in STATES)}")
    matched: bool | None = None


class ItemSummaryOut(Schema):
    reference: str
    url: str
    platform: str
    account: str
    group: str | None = Field(None, alias="group.name")
    incident: str | None = Field(None, alias="incident.reference")
    first_seen_at: datetime.datetime
    capture_count: int
    match_count: int

    # The list's queryset annotates both counts; one item read on its own counts its rows.
    @staticmethod
    def resolve_capture_count(item: ContentItem) -> int:
        annotated = item.__dict__.get("capture_count")
        return annotated if annotated is not None else item.captures.count()

    @staticmethod
    def resolve_match_count(item: ContentItem) -> int:
        annotated = item.__dict__.get("match_count")
        return annotated if annotated is not None else item.matches.count()


class HashOut(Schema):
    id: int
    kind: str
    hash: str
    quality: int
    frame_index: int | None
    timestamp: float | None
    false_match: bool
    false_match_reason: str


class CaptureOut(Schema):
    id: int
    exhibit_ref: str = Field(alias="evidence.exhibit_ref")
    sha256: str
    media_kind: str
    captured_at: datetime.datetime
    captured_by: str | None = Field(None, alias="captured_by.username")
    hashes: list[HashOut]


class FootageMatchOut(Schema):
    id: int
    capture: int = Field(alias="capture_id")
    matched_item: str = Field(alias="matched_item.reference")
    matched_capture: int = Field(alias="matched_capture_id")
    kind: str
    distance: int | None
    frame_share: float | None
    transform: str
    found_at: datetime.datetime
    review: str
    review_note: str


class RequestOut(Schema):
    reference: str
    content_item: str = Field(alias="content_item.reference")
    state: str
    deadline: datetime.datetime | None
    overdue: bool = Field(alias="is_overdue")
    identified_at: datetime.datetime | None
    group_message: str
    removal_asked_at: datetime.datetime | None
    group_answer: str
    rules_breached: str
    platform_reference: str
    reported_at: datetime.datetime | None
    removed_at: datetime.datetime | None
    removed_by: str
    events: list[WorkflowEventOut]


class FootageOut(ItemSummaryOut):
    views_when_seen: int | None
    notes: str
    bank: str = Field(alias="bank.name")
    captures: list[CaptureOut]
    matches: list[FootageMatchOut]
    requests: list[RequestOut]


class ItemIn(Schema):
    url: str = Field(max_length=2000)
    platform: Platform
    account: str = Field("", max_length=200)
    group: int | None = None
    incident: str | None = Field(None, description="An incident reference")
    first_seen_at: datetime.datetime | None = None
    views_when_seen: int | None = Field(None, ge=0)
    notes: str = Field("", max_length=5000)
    bank: int | None = None


class ItemUpdateIn(Schema):
    """Only the fields given are changed; null clears the group or the incident."""

    url: str | None = Field(None, max_length=2000)
    platform: Platform | None = None
    account: str | None = Field(None, max_length=200)
    group: int | None = None
    incident: str | None = Field(None, description="An incident reference")
    first_seen_at: datetime.datetime | None = None
    views_when_seen: int | None = Field(None, ge=0)
    notes: str | None = Field(None, max_length=5000)
    bank: int | None = None


class CaptureResultOut(Schema):
    capture: CaptureOut
    matches: list[FootageMatchOut]
    draft_request: str | None
    matchable: bool


class FileMatchOut(Schema):
    content_item: str
    url: str
    platform: str
    capture: int
    kind: str
    distance: int | None
    frame_share: float | None
    transform: str


class OpenIn(Schema):
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


class TakedownTransitionIn(Schema):
    action: str = Field(
        description="confirm, discard, ask_group, group_removed, group_refused, no_answer, "
        "report_to_platform, platform_removed, platform_rejected, platform_pending, "
        "escalate or close"
    )
    note: str = Field(
        "",
        max_length=NOTE_MAX_LENGTH,
        description="The message to the group (ask_group), the rules breached "
        "(report_to_platform), a reason or answer otherwise.",
    )
    platform_reference: str = Field("", max_length=200)


class TakedownReasonIn(Schema):
    reason: str = Field(max_length=500)


class ReviewIn(Schema):
    review: MatchReview
    note: str = Field("", max_length=500)


class BankOut(Schema):
    id: int
    name: str
    description: str
    match_distance: int
    video_match_share: float
    is_default: bool
    source: str = Field(
        description="Who the bank's hashes came from (an imported hash list); empty for the "
        "force's own footage."
    )


class NewBankIn(Schema):
    name: str = Field(max_length=100)
    match_distance: int = Field(31, ge=0, le=64)
    video_match_share: float = Field(0.8, ge=0.05, le=1.0)
    description: str = Field("", max_length=500)


class BankIn(Schema):
    match_distance: int | None = Field(None, ge=0, le=64)
    video_match_share: float | None = Field(None, ge=0.05, le=1.0)
    description: str | None = Field(None, max_length=500)


class FigureOut(Schema):
    key: str
    label: str
    requests: int
    removed: int
    removal_rate: float | None
    removed_by_group: int
    removed_by_platform: int
    median_days_to_removal: float | None


class FiguresOut(Schema):
    by: str
    start: datetime.date | None
    end: datetime.date | None
    rows: list[FigureOut]
    total: FigureOut


# --- helpers ---------------------------------------------------------------------------------


def _item(reference: str) -> ContentItem:
    try:
        return selectors.item_detail(reference)
    except ContentItem.DoesNotExist:
        raise Http404 from None


def _request(reference: str) -> TakedownRequest:
    try:
        return selectors.request_detail(reference)
    except TakedownRequest.DoesNotExist:
        raise Http404 from None


def _resolve(data: dict) -> dict:
    errors: dict[str, str] = {}
    if data.get("group") is not None:
        data["group"] = Group.objects.filter(pk=data["group"]).first() or errors.setdefault(
            "group", f"There is no group {data['group']}."
        )
    if data.get("bank") is not None:
        data["bank"] = MatchBank.objects.filter(pk=data["bank"]).first() or errors.setdefault(
            "bank", f"There is no match bank {data['bank']}."
        )
    if data.get("incident"):
        try:
            data["incident"] = incident_by_reference(data["incident"])
        except ValidationError as exc:
            errors["incident"] = " ".join(exc.messages)
    elif "incident" in data:
        data["incident"] = None  # an empty reference names no incident
    if errors:
        raise ValidationError(errors)
    return data


# --- footage ---------------------------------------------------------------------------------


@router.get("/items", response=list[ItemSummaryOut], auth=Allow("takedown.view_contentitem"))
@paginate(ListingPagination)
def list_items(request, filters: FootageFilters = Query(...)):
    # The rows shown are recorded, as the page records them (the API recorded nothing).
    params = {k: v for k, v in filters.dict().items() if v is not None}
    filterset = ContentItemFilterSet(params, queryset=selectors.item_queryset())
    if not filterset.is_valid():
        raise ValidationError({k: " ".join(v) for k, v in filterset.errors.items()})
    return selectors.items_for(request.user, filterset.qs, query=urlencode(params))


@router.post("/items", response={201: FootageOut}, auth=Allow("takedown.add_contentitem"))
def create_item(request, payload: ItemIn):
    data = _resolve(payload.dict())
    item = services.create_content_item(user=request.user, **data)
    return Status(201, selectors.item_for(request.user, item.reference))


@router.get(
    "/items/{item_ref}", response=FootageOut, auth=Allow("takedown.view_contentitem", hide=True)
)
def get_item(request, item_ref: str):
    return selectors.item_for(request.user, item_ref)


@router.patch(
    "/items/{item_ref}", response=FootageOut, auth=Allow("takedown.change_contentitem", hide=True)
)
def update_item(request, item_ref: str, payload: ItemUpdateIn):
    item = ContentItem.objects.filter(reference=item_ref).first()
    if item is None:
        raise Http404
    given = payload.dict(exclude_unset=True)
    for name in ("url", "platform", "first_seen_at", "bank"):
        if name in given and given[name] is None:
            raise ValidationError({name: "This field cannot be empty."})
    data = _resolve(dict(given))
    if "incident" in given and not given["incident"]:
        data["incident"] = None
    services.update_content_item(item, user=request.user, **data)
    return selectors.item_for(request.user, item_ref)


@router.post(
    "/items/{item_ref}/captures",
    response={201: CaptureResultOut},
    auth=Allow("takedown.add_capture", hide=True),
)
def capture_item(request, item_ref: str, file: File[UploadedFile]):
    """Upload a captured copy (multipart, field ``file``): it is kept as an exhibit, hashed and
    matched against the bank; a match opens a draft takedown request for review."""
    item = _item(item_ref)
    result = services.capture(item, user=request.user, file=file, filename=file.name or "")
    capture = (
        Capture.objects.select_related("evidence", "captured_by")
        .prefetch_related("hashes")
        .get(pk=result.capture.pk)
    )
    return Status(
        201,
        {
            "capture": capture,
            "matches": result.matches,
            "draft_request": result.draft.reference if result.draft else None,
            "matchable": result.matchable,
        },
    )


@router.post("/match", response=list[FileMatchOut], auth=Allow("takedown.add_capture"))
def match_file(request, file: File[UploadedFile]):
    """The known footage a file matches (multipart, field ``file``); the file is not kept."""
    with services.hashed_upload(file, filename=file.name or "") as media:
        return [m.as_dict() | {"content_item": m.reference} for m in services.match(media)]


@router.post(
    "/captures/{capture_id}/false-match",
    response=list[HashOut],
    auth=Allow("takedown.mark_false_match", hide=True),
)
def mark_false_match(request, capture_id: int, payload: TakedownReasonIn):
    capture = Capture.objects.filter(pk=capture_id).first()
    if capture is None:
        raise Http404
    services.mark_false_match(capture=capture, user=request.user, reason=payload.reason)
    return list(capture.hashes.all())


@router.post(
    "/matches/{match_id}/review",
    response=FootageMatchOut,
    auth=Allow("takedown.review_contentmatch", hide=True),
)
def review_match(request, match_id: int, payload: ReviewIn):
    match = ContentMatch.objects.select_related("matched_item").filter(pk=match_id).first()
    if match is None:
        raise Http404
    return services.review_match(match, user=request.user, review=payload.review, note=payload.note)


# --- takedown requests -----------------------------------------------------------------------


@router.post(
    "/items/{item_ref}/requests",
    response={201: RequestOut},
    auth=Allow("takedown.add_takedownrequest", hide=True),
)
def open_request(request, item_ref: str, payload: OpenIn):
    opened = services.open_request(_item(item_ref), user=request.user, note=payload.note)
    return Status(201, _request(opened.reference))


@router.get("/requests", response=list[RequestOut], auth=Allow("takedown.view_takedownrequest"))
@paginate(ListingPagination)
def list_requests(request, overdue: bool = False, state: str | None = None):
    """Open requests; ``overdue=true`` gives the work queue (past the deadline)."""
    if overdue:
        rows = selectors.overdue_requests()
    elif state:
        rows = selectors.request_queryset()
    else:
        rows = selectors.request_queryset().exclude(state__in=FINISHED)
    if state:
        if state not in TakedownState.values:
            raise ValidationError({"state": f"One of: {', '.join(TakedownState.values)}."})
        rows = rows.filter(state=state)
    query = "overdue" if overdue else f"state={state or 'open'}"
    return selectors.requests_for(request.user, rows.prefetch_related("events__by"), query=query)


@router.get(
    "/requests/{request_ref}",
    response=RequestOut,
    auth=Allow("takedown.view_takedownrequest", hide=True),
)
def get_request(request, request_ref: str):
    return selectors.request_for(request.user, request_ref)


@router.post(
    "/requests/{request_ref}/transitions",
    response=RequestOut,
    auth=Allow("takedown.work_takedownrequest", hide=True),
)
def transition_request(request, request_ref: str, payload: TakedownTransitionIn):
    services.transition_request(
        _request(request_ref),
        payload.action,
        user=request.user,
        note=payload.note,
        platform_reference=payload.platform_reference,
    )
    return _request(request_ref)


# --- banks and figures -----------------------------------------------------------------------


@router.get("/banks", response=list[BankOut], auth=Allow("takedown.view_matchbank"))
def list_banks(request):
    return list(MatchBank.objects.all())


@router.post("/banks", response={201: BankOut}, auth=Allow("takedown.configure_matchbank"))
def create_bank(request, payload: NewBankIn):
    return Status(201, services.create_bank(user=request.user, **payload.dict()))


@router.post(
    "/banks/{bank_id}", response=BankOut, auth=Allow("takedown.configure_matchbank", hide=True)
)
def configure_bank(request, bank_id: int, payload: BankIn):
    bank = MatchBank.objects.filter(pk=bank_id).first()
    if bank is None:
        raise Http404
    return services.configure_bank(bank, user=request.user, **payload.dict())


@router.get("/figures", response=FiguresOut, auth=Allow("takedown.view_takedown_figures"))
def figures(
    request,
    by: str = "platform",
    start: datetime.date | None = None,
    end: datetime.date | None = None,
):
    """Removal rate and median days to removal by platform, group or month (the transparency
    table), for the requests identified between ``start`` and ``end`` (inclusive)."""
    if start and end and end < start:
        raise ValidationError({"end": "The period ends before it starts."})
    rows, total = selectors.figures(by, start=start, end=end)
    return {
        "by": by,
        "start": start,
        "end": end,
        "rows": [r.as_dict() for r in rows],
        "total": total.as_dict(),
    }


# --- Publication log ---------------------------------------------------------------------


class PublicationIn(Schema):
    url: str = Field(max_length=1000)
    platform: CorePlatform
    found_at: datetime.datetime | None = None
    description: str = Field("", max_length=2000)
    found_by_description: str = Field("", max_length=200)
    still_online: StillOnline = StillOnline.UNKNOWN
    checked_at: datetime.datetime | None = None
    takedown_reference: str = Field("", max_length=40)
    exhibit_ref: str | None = None


class PublicationPatch(Schema):
    url: str | None = Field(None, max_length=1000)
    platform: CorePlatform | None = None
    description: str | None = Field(None, max_length=2000)
    still_online: StillOnline | None = None
    checked_at: datetime.datetime | None = None
    takedown_reference: str | None = Field(None, max_length=40)


class PublicationOut(Schema):
    id: int
    incident: str = Field(alias="incident.reference")
    url: str
    platform: str
    description: str
    found_at: datetime.datetime
    found_by: str | None = Field(None, alias="found_by.username")
    found_by_description: str
    still_online: str
    checked_at: datetime.datetime | None
    takedown_reference: str
    takedown_status: str
    exhibit_ref: str | None = Field(None, alias="item.exhibit_ref")


def _exhibit(exhibit_ref: str | None) -> EvidenceItem | None:
    if not exhibit_ref:
        return None
    item = EvidenceItem.objects.filter(exhibit_ref=exhibit_ref).first()
    if item is None:
        raise ValidationError({"exhibit_ref": f"There is no exhibit {exhibit_ref}."})
    return item


@router.get(
    "/incidents/{reference}/publications",
    response=list[PublicationOut],
    auth=Allow("takedown.view_publicationrecord", hide=True),
)
def list_publications(request, reference: str):
    return selectors.publications_for(request.user, reference)[1]


@router.post(
    "/incidents/{reference}/publications",
    response={201: PublicationOut},
    auth=Allow("takedown.add_publicationrecord", hide=True),
)
def add_publication(request, reference: str, payload: PublicationIn):
    incident = get_object_or_404(Incident, reference=reference)
    data = payload.dict()
    item = _exhibit(data.pop("exhibit_ref"))
    return Status(
        201, services.record_publication(incident=incident, user=request.user, item=item, **data)
    )


@router.patch(
    "/publications/{publication_id}",
    response=PublicationOut,
    auth=Allow("takedown.change_publicationrecord", hide=True),
)
def update_publication(request, publication_id: int, payload: PublicationPatch):
    record = get_object_or_404(PublicationRecord, pk=publication_id)
    return services.update_publication(
        record, user=request.user, **payload.dict(exclude_unset=True)
    )
