"""The audit API, for the auditor: the log with filters, one entry, and the chain check."""

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from drachma.audit.filtersets import AuditEntryFilterSet
from drachma.audit.models import AuditAction, AuditEntry
from drachma.audit.services import record_log_entry_read, record_log_read
from drachma.audit.services import verify as verify_log
from drachma.core.apitools import Allow
from drachma.core.paging import PageNumberPagination

router = Router()

READ = "audit.view_audit_log"


class AuditFilters(Schema):
    at_from: datetime.date | None = Field(None, description="On or after this day")
    at_to: datetime.date | None = Field(None, description="On or before this day")
    actor: str | None = Field(None, max_length=150, description="Username")
    action: AuditAction | None = None
    model: str | None = Field(
        None, max_length=100, description="app_label.model, e.g. people.person"
    )
    object_id: str | None = Field(None, max_length=64)
    request_id: str | None = Field(None, max_length=36)
    purpose: str | None = Field(
        None, max_length=200, description="Words of the purpose given for the task"
    )
    recipient: str | None = Field(
        None, max_length=200, description="Words of a disclosure's recipient"
    )


class AuditEntryOut(Schema):
    seq: int
    at: datetime.datetime
    actor_id: int | None
    actor_username: str
    action: str
    model: str
    object_id: str
    object_repr: str
    changes: dict
    request_id: str
    ip_address: str | None
    method: str
    path: str
    purpose: str = Field(description="The purpose of the task it was written in (s.62 DPA)")
    recipient: str = Field(description="To whom, when the task disclosed to someone")
    key_id: str = Field(description="The key that hashed the entry, or 'unkeyed'")
    entry_hash: str = Field(description="The keyed hash of the entry's content")
    position: int | None = Field(description="Its place in the chain; null until sealed")
    prev_hash: str | None = Field(description="The chain's hash before it; null until sealed")
    chain_hash: str | None = Field(description="The chain's hash up to it; null until sealed")

    @staticmethod
    def resolve_position(entry: AuditEntry) -> int | None:
        return entry.sealed.position if entry.sealed else None

    @staticmethod
    def resolve_prev_hash(entry: AuditEntry) -> str | None:
        return entry.sealed.prev_hash if entry.sealed else None

    @staticmethod
    def resolve_chain_hash(entry: AuditEntry) -> str | None:
        return entry.sealed.chain_hash if entry.sealed else None


class ChainProblemOut(Schema):
    seq: int | None = Field(description="The entry's number, when there is an entry to name")
    entry_id: int | None
    position: int | None = Field(description="The place in the chain, when it has one")
    reason: str


class VerifyOut(Schema):
    intact: bool
    checked: int = Field(description="Entries that held, in chain order then the unsealed")
    problem: ChainProblemOut | None = Field(None, description="The first broken entry")
    sealed: int = Field(0, description="Entries in the chain")
    unkeyed: int = Field(0, description="Of those, sealed before the chain had a key")
    unsealed: int = Field(0, description="Entries written and not yet sealed")
    anchors: int = Field(0, description="Anchors of the chain's head checked")


class RecordedPages(PageNumberPagination):
    """Pages of the log whose reading is itself recorded, after the page is read (so the
    entry recording a read is never part of what that read returned)."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page[self.items_attribute] = list(page[self.items_attribute])
        record_log_read(request, page[self.items_attribute])
        return page


@router.get("/entries", response=list[AuditEntryOut], auth=Allow(READ))
@paginate(RecordedPages)
def list_entries(request, filters: AuditFilters = Query(...)):
    params = {k: v for k, v in filters.dict().items() if v is not None}
    if params.get("at_from") and params.get("at_to") and params["at_from"] > params["at_to"]:
        raise ValidationError({"at_to": "The period ends before it starts."})
    filterset = AuditEntryFilterSet(params, queryset=AuditEntry.objects.select_related("seal"))
    if not filterset.is_valid():
        raise ValidationError({k: " ".join(v) for k, v in filterset.errors.items()})
    return filterset.qs


@router.get("/entries/{int:audit_seq}", response=AuditEntryOut, auth=Allow(READ, hide=True))
def get_entry(request, audit_seq: int):
    entry = get_object_or_404(AuditEntry.objects.select_related("seal"), seq=audit_seq)
    record_log_entry_read(request, entry)
    return entry


@router.get(
    "/verify",
    response=VerifyOut,
    auth=Allow(READ),
    description=(
        "Walks the chain from the first entry, against the anchors outside the database, and "
        "names the first broken entry; counts the entries not yet sealed."
    ),
)
def verify(request):
    report = verify_log()
    return {
        "intact": report.intact,
        "checked": report.checked,
        "problem": report.problem,
        "sealed": report.sealed,
        "unkeyed": report.unkeyed,
        "unsealed": len(report.unsealed),
        "anchors": report.anchors,
    }
