"""The intelligence API: graded intelligence entries with their workflow. (The group
register's API is ``drachma.groups.api``.)"""

import datetime

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from drachma.core.access import get_or_404
from drachma.core.apitools import Allow, filtered
from drachma.core.paging import ListingPagination
from drachma.core.schemas import WorkflowEventOut
from drachma.core.workflow import NOTE_MAX_LENGTH
from drachma.groups.models import Group
from drachma.incidents.models import Incident
from drachma.intelligence import selectors, services
from drachma.intelligence.filtersets import IntelligenceEntryFilterSet
from drachma.intelligence.models import (
    HandlingCode,
    IntelligenceAssessment,
    IntelligenceEntry,
    IntelligenceStatus,
    SourceEvaluation,
    SourceType,
)

router = Router()


# --- intelligence entries ---------------------------------------------------------------


class EntryFilters(Schema):
    learned_from: datetime.date | None = None
    learned_to: datetime.date | None = None
    group: int | None = None
    borough: str | None = Field(None, description="The group's home borough, ONS code")
    source: SourceType | None = None
    status: IntelligenceStatus | None = None
    source_evaluation: SourceEvaluation | None = None
    intelligence_assessment: IntelligenceAssessment | None = None
    handling_code: HandlingCode | None = None
    incident: str | None = Field(None, description="Incident reference")


class EntryIn(Schema):
    group: int | None = None
    learned_at: datetime.datetime = Field(description="ISO 8601; without an offset it is UK time")
    source_type: SourceType
    source_description: str = Field("", max_length=300)
    source_evaluation: SourceEvaluation = Field(description="3x5x2: 1, 2 or 3")
    intelligence_assessment: IntelligenceAssessment = Field(description="3x5x2: A to E")
    handling_code: HandlingCode = Field(description="3x5x2: P, or C with conditions")
    handling_conditions: str = Field("", max_length=2000)
    legacy_grading: str = Field("", max_length=3)
    text: str = Field(max_length=20000, min_length=1)
    sanitised_text: str = Field("", max_length=20000)
    incidents: list[str] = Field([], description="Incident references")
    mopi_group: int = Field(4, ge=1, le=4)
    review_date: datetime.date | None = None


class EntryPatch(Schema):
    group: int | None = None
    learned_at: datetime.datetime | None = None
    source_type: SourceType | None = None
    source_description: str | None = Field(None, max_length=300)
    source_evaluation: SourceEvaluation | None = None
    intelligence_assessment: IntelligenceAssessment | None = None
    handling_code: HandlingCode | None = None
    handling_conditions: str | None = Field(None, max_length=2000)
    legacy_grading: str | None = Field(None, max_length=3)
    text: str | None = Field(None, max_length=20000, min_length=1)
    sanitised_text: str | None = Field(None, max_length=20000)
    incidents: list[str] | None = None
    mopi_group: int | None = Field(None, ge=1, le=4)
    review_date: datetime.date | None = None


class EntryGroupRef(Schema):
    id: int
    name: str


class EntryOut(Schema):
    id: int
    reference: str
    group: EntryGroupRef | None
    learned_at: datetime.datetime
    source_type: str
    source_description: str
    source_evaluation: str
    intelligence_assessment: str
    handling_code: str
    grading: str = Field(description="The 3x5x2 code, e.g. 2BC")
    handling_conditions: str
    legacy_grading: str
    text: str
    sanitised_text: str
    status: str
    returned_reason: str
    incidents: list[str]
    created_by: str | None = Field(None, alias="created_by.username")
    events: list[WorkflowEventOut]
    transitions: list[str] = Field(description="Workflow steps open to you now")
    mopi_group: int
    review_date: datetime.date
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_incidents(obj) -> list[str]:
        return [i.reference for i in obj.incidents.all()]

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.all())

    @staticmethod
    def resolve_transitions(obj, context) -> list[str]:
        return services.available_transitions(obj, context["request"].user)


class EntryTransitionIn(Schema):
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


def _entry_data(data: dict) -> dict:
    if "group" in data:
        group_id = data["group"]
        data["group"] = Group.objects.filter(pk=group_id).first() if group_id is not None else None
        if group_id is not None and data["group"] is None:
            raise ValidationError({"group": f"Unknown group id {group_id}."})
    if data.get("incidents") is not None:
        refs = {r.strip().upper() for r in data["incidents"] if r.strip()}
        found = list(Incident.objects.filter(reference__in=refs))
        missing = refs - {i.reference for i in found}
        if missing:
            raise ValidationError(
                {"incidents": f"Unknown incident references: {', '.join(sorted(missing))}."}
            )
        data["incidents"] = found
    for name in (
        "learned_at",
        "source_type",
        "source_evaluation",
        "intelligence_assessment",
        "handling_code",
        "text",
        "mopi_group",
        "source_description",
        "handling_conditions",
        "legacy_grading",
        "sanitised_text",
    ):
        if name in data and data[name] is None:
            raise ValidationError({name: "This field cannot be null."})
    return data


def _entry(entry_id: int) -> IntelligenceEntry:
    """The entry a write acts on; what it returns is read through ``selectors.entry_for``."""
    return get_or_404(IntelligenceEntry, pk=entry_id, what="intelligence entry")


@router.get("/entries", response=list[EntryOut], auth=Allow("intelligence.view_intelligenceentry"))
@paginate(ListingPagination)
def list_entries(request, filters: EntryFilters = Query(...)):
    queryset = filtered(IntelligenceEntryFilterSet, filters, selectors.entry_queryset())
    return selectors.entries_for(request.user, queryset, query=request.GET.urlencode())


@router.post("/entries", response={201: EntryOut}, auth=Allow("intelligence.add_intelligenceentry"))
def create_entry(request, payload: EntryIn):
    data = _entry_data(payload.dict())
    incidents = data.pop("incidents")
    entry = services.create_entry(user=request.user, incidents=incidents, **data)
    return Status(201, selectors.entry_for(request.user, entry.pk))


@router.get(
    "/entries/{int:entry_id}",
    response=EntryOut,
    auth=Allow("intelligence.view_intelligenceentry", hide=True),
)
def get_entry(request, entry_id: int):
    return selectors.entry_for(request.user, entry_id)


@router.patch(
    "/entries/{int:entry_id}",
    response=EntryOut,
    auth=Allow("intelligence.change_intelligenceentry", hide=True),
)
def update_entry(request, entry_id: int, payload: EntryPatch):
    entry = _entry(entry_id)
    data = _entry_data(payload.dict(exclude_unset=True))
    incidents = data.pop("incidents", None)
    services.update_entry(entry, user=request.user, incidents=incidents, **data)
    return selectors.entry_for(request.user, entry_id)


@router.post(
    "/entries/{int:entry_id}/{action}",
    response=EntryOut,
    auth=Allow("intelligence.view_intelligenceentry", hide=True),
    description="A workflow step: assess, return_for_correction (note required), resubmit, link. "
    "The step's own permission is checked by the workflow.",
)
def transition_entry(request, entry_id: int, action: str, payload: EntryTransitionIn):
    entry = _entry(entry_id)
    services.transition_entry(entry, action, user=request.user, note=payload.note)
    return selectors.entry_for(request.user, entry_id)


# --- disclosures of the sanitised copy --------------------------------------------------


class SanitisedDisclosureIn(Schema):
    entry: int = Field(description="The intelligence entry's id")
    recipient: str = Field(max_length=300, description="Organisation or person")
    # Checked by the service, so an unknown code is refused by name like every other problem.
    handling_code: str = Field(description="The 3x5x2 handling code it went under: P or C")
    disclosed_on: datetime.date = Field(description="Not in the future")
    reason: str = Field(max_length=2000)


class SanitisedDisclosureOut(Schema):
    id: int
    entry: int = Field(alias="entry_id")
    recipient: str
    handling_code: str
    disclosed_on: datetime.date
    by: str = Field(alias="by.username")
    reason: str
    created_at: datetime.datetime


@router.post(
    "/disclosures",
    response={201: SanitisedDisclosureOut},
    auth=Allow("intelligence.add_sanitiseddisclosure"),
    description="Record that an entry's sanitised copy was disclosed: to whom, under which "
    "handling code, when and why.",
)
def create_disclosure(request, payload: SanitisedDisclosureIn):
    entry = _entry(payload.entry)
    data = payload.dict()
    data.pop("entry")
    disclosure = services.disclose_entry(entry, user=request.user, **data)
    return Status(201, disclosure)


@router.get(
    "/disclosures",
    response=list[SanitisedDisclosureOut],
    auth=Allow("intelligence.view_sanitiseddisclosure"),
    description="Disclosures of sanitised copies, newest first; `entry` narrows them to one entry.",
)
@paginate(ListingPagination)
def list_disclosures(request, entry: int | None = None):
    of = _entry(entry) if entry is not None else None
    return selectors.disclosure_listing(request.user, of, query=request.GET.urlencode())
