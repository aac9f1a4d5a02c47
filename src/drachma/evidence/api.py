import datetime
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from drachma.core.apitools import Allow
from drachma.core.paging import ListingPagination
from drachma.core.workflow import NOTE_MAX_LENGTH
from drachma.evidence import selectors, services
from drachma.evidence.bundle import BundleError, BundleTarget, resolve, write_bundle
from drachma.evidence.models import (
    CustodyEventKind,
    DisclosureEntry,
    DisclosureStatus,
    EvidenceItem,
    EvidenceKind,
    ProsecutorDecision,
    ReceivedFrom,
)
from drachma.incidents.models import Incident

router = Router(tags=["evidence"])


class ItemOut(Schema):
    exhibit_ref: str
    original_filename: str
    kind: str
    description: str
    incident: str | None = Field(None, alias="incident.reference")
    sha256: str = Field(alias="stored_file.sha256")
    size: int = Field(alias="stored_file.size")
    media_type: str = Field(alias="stored_file.media_type")
    received_from_type: str
    received_from: str
    received_at: datetime.datetime
    received_via: str


class ItemDetailOut(ItemOut):
    custody_state: str
    holder: str = Field(alias="custody_holder")
    duplicate_of: list[str] = Field(
        default_factory=list,
        description="Other exhibits of the same file (same SHA-256), oldest first",
    )

    conversation: dict | None = None

    @staticmethod
    def resolve_conversation(item: EvidenceItem) -> dict | None:
        """What was read from a chat export, and its quality report (null for other files)."""
        parsed = selectors.parsed_conversation(item)
        if parsed is None:
            return None
        return {
            "format": parsed.format,
            "locale": parsed.locale,
            "zone": parsed.zone_name,
            "zone_source": parsed.zone_source,
            "zone_assumed": parsed.zone_assumed,
            "participants": parsed.participants,
            "message_count": parsed.message_count,
            "quality": parsed.quality,
            "artefact_counts": parsed.artefact_counts,
            "text_as_written": parsed.text_as_written,
        }

    @staticmethod
    def resolve_duplicate_of(item: EvidenceItem) -> list[str]:
        return [d.exhibit_ref for d in selectors.duplicates_of(item)]


class ItemFilters(Schema):
    incident: str | None = Field(None, description="Incident reference")
    kind: EvidenceKind | None = None


class CustodyIn(Schema):
    kind: CustodyEventKind
    at: datetime.datetime | None = None
    from_party: str = Field("", max_length=200)
    to_party: str = Field("", max_length=200)
    location: str = Field("", max_length=200)
    note: str = Field("", max_length=NOTE_MAX_LENGTH)
    verify_hash: bool = False
    by_description: str = Field("", max_length=200)


class CustodyOut(Schema):
    id: int
    kind: str = Field(alias="transition")
    from_state: str = Field(description="The custody state before (empty for the receipt)")
    to_state: str = Field(description="The custody state after")
    at: datetime.datetime
    by: str | None = Field(None, alias="by.username")
    by_description: str
    from_party: str
    to_party: str
    location: str
    sha256_verified: str
    note: str


class MessagesOut(Schema):
    header: dict
    quality: dict
    offset: int
    count: int
    messages: list[dict]


class DisclosureIn(Schema):
    description: str = Field(max_length=2000)
    exhibit_ref: str | None = None
    record_type: str | None = Field(
        None,
        description="Another record instead of an exhibit: 'app.model', "
        "e.g. 'intelligence.intelligenceentry'",
    )
    object_id: str | None = Field(None, max_length=64)
    location: str = Field("", max_length=200)
    used: bool = False
    sensitive: bool = False
    sensitivity_reason: str = Field("", max_length=2000)
    status: DisclosureStatus = DisclosureStatus.DRAFT
    might_undermine_or_assist: bool = False
    mg6e_reason: str = Field("", max_length=2000)
    prosecutor_decision: ProsecutorDecision | None = None


class DisclosurePatch(Schema):
    description: str | None = Field(None, max_length=2000)
    location: str | None = Field(None, max_length=200)
    used: bool | None = None
    sensitive: bool | None = None
    sensitivity_reason: str | None = Field(None, max_length=2000)
    status: DisclosureStatus | None = None
    might_undermine_or_assist: bool | None = None
    mg6e_reason: str | None = Field(None, max_length=2000)
    prosecutor_decision: ProsecutorDecision | None = None


class DisclosureOut(Schema):
    id: int
    incident: str = Field(alias="incident.reference")
    number: int
    exhibit_ref: str | None = Field(None, alias="item.exhibit_ref")
    record_type: str | None = Field(None, alias="content_type.model")
    object_id: str
    description: str
    location: str
    used: bool
    sensitive: bool
    schedule: str
    sensitivity_reason: str
    status: str
    might_undermine_or_assist: bool
    mg6e_reason: str
    prosecutor_decision: str
    decided_by: str | None = Field(None, alias="decided_by.username")
    decided_at: datetime.datetime | None


def _item(exhibit_ref: str) -> EvidenceItem:
    try:
        return selectors.item_detail(exhibit_ref)
    except EvidenceItem.DoesNotExist:
        raise Http404("No such exhibit.") from None


def _incident(reference: str) -> Incident:
    return get_object_or_404(Incident, reference=reference)


def _exhibit_on(incident: Incident, exhibit_ref: str | None) -> EvidenceItem | None:
    if not exhibit_ref:
        return None
    item = EvidenceItem.objects.filter(exhibit_ref=exhibit_ref).first()
    if item is None:
        raise ValidationError({"exhibit_ref": f"There is no exhibit {exhibit_ref}."})
    return item


def _record(record_type: str | None, object_id: str | None):
    """The Drachma record named by 'app.model' and its id, for a disclosure entry."""
    if not record_type and not object_id:
        return None
    if not (record_type and object_id):
        raise ValidationError(
            {"record_type": "Name a record by record_type and object_id together."}
        )
    from django.apps import apps

    try:
        model = apps.get_model(record_type)
    except (LookupError, ValueError):
        model = None
    if model is None or not model.__module__.startswith("drachma."):
        raise ValidationError(
            {"record_type": f"Unknown record type {record_type!r}; give 'app.model'."}
        )
    record = (
        model._default_manager.filter(pk=object_id).first() if str(object_id).isdigit() else None
    )
    if record is None:
        raise ValidationError(
            {"object_id": f"There is no {model._meta.verbose_name} with id {object_id}."}
        )
    return record


@router.get("/items", response=list[ItemOut], auth=Allow("evidence.view_evidenceitem"))
@paginate(ListingPagination)
def list_items(request, filters: ItemFilters = Query(...)):
    # The rows of the page are recorded (the API recorded an empty list before; the page, the
    # rows it showed).
    return selectors.items_for(
        request.user, incident=filters.incident or "", kind=filters.kind or ""
    )


@router.post("/items", response={201: ItemDetailOut}, auth=Allow("evidence.add_evidenceitem"))
def upload_item(
    request,
    file: File[UploadedFile],
    received_from_type: Form[ReceivedFrom],
    kind: Form[EvidenceKind] = EvidenceKind.OTHER,
    received_from: Form[str] = "",
    incident: Form[str] = "",
    description: Form[str] = "",
    location: Form[str] = "",
    received_at: Form[datetime.datetime | None] = None,
    timezone: Form[str] = "",
    date_order: Form[str] = "auto",
    gap_hours: Form[float] = 24.0,
    expected_size: Form[int | None] = None,
    expected_sha256: Form[str] = "",
):
    """Take in a file (multipart). A chat export is parsed; one that does not parse is refused
    with the parser's message and nothing is stored. ``expected_size``/``expected_sha256``
    catch an upload that arrived cut short."""
    target = None
    if incident.strip():
        target = Incident.objects.filter(reference=incident.strip()).first()
        if target is None:
            raise ValidationError({"incident": f"There is no incident {incident.strip()}."})
    item = services.upload_evidence(
        file,
        original_filename=file.name or "unnamed",
        received_from_type=received_from_type,
        received_from=received_from,
        user=request.user,
        incident=target,
        kind=kind,
        description=description,
        received_at=received_at,
        location=location,
        expected_size=expected_size,
        expected_sha256=expected_sha256.strip(),
        timezone_name=timezone.strip() or None,
        date_order=date_order,
        gap_hours=gap_hours,
    )
    return Status(201, selectors.item_detail(item.exhibit_ref))


@router.get(
    "/items/{exhibit_ref}",
    response=ItemDetailOut,
    auth=Allow("evidence.view_evidenceitem", hide=True),
)
def get_item(request, exhibit_ref: str):
    return selectors.item_for(request.user, exhibit_ref)


@router.get(
    "/items/{exhibit_ref}/custody",
    response=list[CustodyOut],
    auth=Allow("evidence.view_custodyevent", hide=True),
)
def list_custody(request, exhibit_ref: str):
    item = selectors.item_for(request.user, exhibit_ref, fields=["custody"])
    return selectors.custody_events(item)


@router.post(
    "/items/{exhibit_ref}/custody",
    response={201: CustodyOut},
    auth=Allow("evidence.add_custodyevent", hide=True),
)
def add_custody(request, exhibit_ref: str, payload: CustodyIn):
    item = _item(exhibit_ref)
    event = services.record_custody_event(item, user=request.user, **payload.dict())
    return Status(201, event)


@router.get(
    "/items/{exhibit_ref}/conversation",
    response=MessagesOut,
    auth=Allow("evidence.view_parsedconversation", hide=True),
)
def get_conversation(
    request, exhibit_ref: str, offset: int = Query(0, ge=0), limit: int = Query(100, ge=1, le=1000)
):
    """The parsed conversation: header, quality report and a page of messages (re-derived
    from the stored bytes)."""
    read = selectors.conversation_for(request.user, exhibit_ref)
    parsed, conv = read.parsed, read.conversation
    end = min(offset + limit, len(conv.messages))
    return {
        "header": conv.header_dict(),
        "quality": parsed.quality,
        "offset": offset,
        "count": len(conv.messages),
        "messages": [conv.message_dict(conv.messages[i], i) for i in range(offset, end)],
    }


@router.get(
    "/incidents/{reference}/disclosure",
    response=list[DisclosureOut],
    auth=Allow("evidence.view_disclosureentry", hide=True),
)
def list_disclosure(request, reference: str):
    return selectors.disclosure_for(request.user, reference)[1]


@router.post(
    "/incidents/{reference}/disclosure",
    response={201: DisclosureOut},
    auth=Allow("evidence.add_disclosureentry", hide=True),
)
def add_disclosure(request, reference: str, payload: DisclosureIn):
    incident = _incident(reference)
    data = payload.dict()
    item = _exhibit_on(incident, data.pop("exhibit_ref"))
    record = _record(data.pop("record_type"), data.pop("object_id"))
    data["prosecutor_decision"] = data["prosecutor_decision"] or ""
    entry = services.create_disclosure_entry(
        incident=incident, user=request.user, item=item, record=record, **data
    )
    return Status(201, entry)


@router.patch(
    "/disclosure/{disclosure_id}",
    response=DisclosureOut,
    auth=Allow("evidence.change_disclosureentry", hide=True),
)
def update_disclosure(request, disclosure_id: int, payload: DisclosurePatch):
    entry = get_object_or_404(DisclosureEntry, pk=disclosure_id)
    data = payload.dict(exclude_unset=True)
    if "prosecutor_decision" in data and data["prosecutor_decision"] is None:
        data["prosecutor_decision"] = ""
    return services.update_disclosure_entry(entry, user=request.user, **data)


@router.get("/incidents/{reference}/bundle", auth=Allow("evidence.export_bundle", hide=True))
def get_bundle(request, reference: str):
    """The prosecutor's bundle as a ZIP (see docs/evidence.md): the case's bundle when one
    case holds the incident."""
    incident = _incident(reference)
    folder = Path(tempfile.mkdtemp(prefix="drachma-bundle-"))
    try:
        subject = resolve(incident.reference)
        path = folder / f"bundle-{subject.reference}.zip"
        write_bundle(subject, path, user=request.user)
    except BundleError as exc:
        folder.rmdir()
        raise ValidationError({"bundle": str(exc)}) from None
    if isinstance(subject, BundleTarget):
        subject.shown(request.user)
    else:
        selectors.bundle_shown(request.user, incident)
    handle = open(path, "rb")  # noqa: SIM115  (FileResponse closes it)
    path.unlink()
    folder.rmdir()
    return FileResponse(
        handle, as_attachment=True, filename=path.name, content_type="application/zip"
    )
