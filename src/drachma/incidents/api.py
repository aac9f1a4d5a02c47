import datetime
from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import field_validator
from pydantic.json_schema import SkipJsonSchema

from drachma.areas.models import Borough, Ward
from drachma.core.apitools import Allow
from drachma.core.paging import PageNumberPagination
from drachma.core.schemas import WorkflowEventOut
from drachma.core.workflow import NOTE_MAX_LENGTH
from drachma.groups.models import Group
from drachma.incidents import selectors, services
from drachma.incidents.filtersets import IncidentFilterSet
from drachma.incidents.models import (
    Incident,
    IncidentKind,
    IncidentPerson,
    IncidentSource,
    IncidentStatus,
    LinkedCase,
    Outcome,
    PersonRole,
)
from drachma.people.models import Person

router = Router()


class IncidentFilters(FilterSchema):
    q: str | None = Field(None, description="Reference, summary, place or group name")
    occurred_from: datetime.date | None = None
    occurred_to: datetime.date | None = None
    borough: str | None = Field(None, description="ONS code, e.g. E08000003")
    ward: str | None = Field(None, description="ONS ward code")
    district: int | None = None
    group: int | None = None
    kind: IncidentKind | None = None
    source: IncidentSource | None = None
    status: IncidentStatus | None = None
    outcome: Outcome | None = None
    live_streamed: bool | None = None


class _StatusNotTaken(Schema):
    """The status is not an input of a create or an update: it changes only through
    ``POST …/transitions``. A client that still sends it is told so (422, field "status")
    rather than having it silently ignored."""

    status: SkipJsonSchema[Any] = Field(None, exclude=True)

    @field_validator("status")
    @classmethod
    def _refuse_status(cls, value: Any) -> Any:
        raise ValueError(
            "The status is changed only by POST /api/incidents/incidents/{reference}/transitions."
        )


class IncidentIn(_StatusNotTaken):
    occurred_at: datetime.datetime = Field(description="ISO 8601; without an offset it is UK time")
    received_at: datetime.datetime | None = None
    source: IncidentSource
    kind: IncidentKind
    summary: str = Field(max_length=5000)
    borough: str | None = Field(None, description="ONS code")
    ward: str | None = Field(None, description="ONS ward code")
    place: str = Field("", max_length=200)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    groups: list[int] = []
    live_streamed: bool = False
    stream_platform: str = ""
    stream_url: str = Field("", max_length=500)
    police_attended: bool = False
    outcome: Outcome | None = None
    mopi_group: int = Field(4, ge=1, le=4)
    review_date: datetime.date | None = None


class IncidentPatch(_StatusNotTaken):
    occurred_at: datetime.datetime | None = None
    received_at: datetime.datetime | None = None
    source: IncidentSource | None = None
    kind: IncidentKind | None = None
    summary: str | None = Field(None, max_length=5000)
    borough: str | None = None
    ward: str | None = None
    place: str | None = Field(None, max_length=200)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    groups: list[int] | None = None
    live_streamed: bool | None = None
    stream_platform: str | None = None
    stream_url: str | None = Field(None, max_length=500)
    police_attended: bool | None = None
    outcome: Outcome | None = None
    mopi_group: int | None = Field(None, ge=1, le=4)
    review_date: datetime.date | None = None


class GroupRef(Schema):
    id: int
    name: str


class IncidentOut(Schema):
    reference: str
    occurred_at: datetime.datetime
    received_at: datetime.datetime
    source: str
    kind: str
    status: str = Field(description="Changed only by POST …/transitions")
    summary: str
    borough: str | None = Field(None, alias="borough.code")
    borough_name: str | None = Field(None, alias="borough.name")
    ward: str | None = Field(None, alias="ward.code")
    ward_name: str | None = Field(None, alias="ward.name")
    place: str
    latitude: Decimal | None
    longitude: Decimal | None
    groups: list[GroupRef]
    live_streamed: bool
    stream_platform: str
    stream_url: str
    police_attended: bool
    outcome: str
    mopi_group: int
    review_date: datetime.date
    created_at: datetime.datetime
    updated_at: datetime.datetime


class IncidentDetailOut(IncidentOut):
    events: list[WorkflowEventOut] = Field(description="The history of its status, oldest first")


class IncidentTransitionIn(Schema):
    transition: str = Field(
        description="assess, investigate, close or reopen (reopen: supervisors only)"
    )
    note: str = Field(
        "", max_length=NOTE_MAX_LENGTH, description="The reason (close, reopen: required)"
    )


class InvolvementIn(Schema):
    person: int
    role: PersonRole
    notes: str = Field("", max_length=500)


class InvolvementOut(Schema):
    id: int
    person: int = Field(alias="person_id")
    person_name: str = Field(alias="person.full_name")
    vulnerabilities: list[str] = Field(alias="person.vulnerabilities")
    role: str
    notes: str


def _resolve_refs(data: dict) -> dict:
    """Turn ONS codes and group ids into records, naming any that do not exist."""
    from django.core.exceptions import ValidationError

    errors: dict[str, str] = {}
    for name in ("borough", "ward"):
        if name in data and not data[name]:
            data[name] = None  # "" clears the area as null does (a form's empty choice)
    if data.get("borough"):
        data["borough"] = Borough.objects.filter(code=data["borough"]).first() or errors.setdefault(
            "borough", f"Unknown borough code {data['borough']!r}."
        )
    if data.get("ward"):
        data["ward"] = Ward.objects.select_related("borough").filter(
            code=data["ward"]
        ).first() or errors.setdefault("ward", f"Unknown ward code {data['ward']!r}.")
    if data.get("groups") is not None:
        wanted = set(data["groups"])
        found = list(Group.objects.filter(pk__in=wanted))
        missing = wanted - {g.pk for g in found}
        if missing:
            errors["groups"] = f"Unknown group ids: {sorted(missing)}."
        data["groups"] = found
    for name in ("outcome",):
        if name in data and data[name] is None:
            data[name] = ""
    if errors:
        raise ValidationError(errors)
    return data


def _get(reference: str) -> Incident:
    return get_object_or_404(selectors.incident_queryset(), reference=reference)


def _detail(reference: str) -> Incident:
    """The incident as the API answers with it: with the history of its status."""
    return get_object_or_404(
        selectors.with_history(selectors.incident_queryset()), reference=reference
    )


@router.get("/incidents", response=list[IncidentOut], auth=Allow("incidents.view_incident"))
@paginate(PageNumberPagination)
def list_incidents(request, filters: IncidentFilters = Query(...)):
    params = {k: v for k, v in filters.dict().items() if v is not None}
    filterset = IncidentFilterSet(params, queryset=selectors.incident_queryset())
    if not filterset.is_valid():
        from django.core.exceptions import ValidationError

        raise ValidationError({k: " ".join(v) for k, v in filterset.errors.items()})
    return filterset.qs


@router.post("/incidents", response={201: IncidentDetailOut}, auth=Allow("incidents.add_incident"))
def create_incident(request, payload: IncidentIn):
    data = _resolve_refs(payload.dict())
    groups = data.pop("groups")
    incident = services.create_incident(user=request.user, groups=groups, **data)
    return Status(201, _detail(incident.reference))


@router.get(
    "/incidents/{reference}",
    response=IncidentDetailOut,
    auth=Allow("incidents.view_incident", hide=True),
)
def get_incident(request, reference: str):
    return selectors.incident_for(request.user, reference)


@router.patch(
    "/incidents/{reference}",
    response=IncidentDetailOut,
    auth=Allow("incidents.change_incident", hide=True),
)
def update_incident(request, reference: str, payload: IncidentPatch):
    incident = _get(reference)
    data = _resolve_refs(payload.dict(exclude_unset=True))
    groups = data.pop("groups", None)
    services.update_incident(incident, user=request.user, groups=groups, **data)
    return _detail(reference)


@router.post(
    "/incidents/{reference}/transitions",
    response=IncidentDetailOut,
    auth=Allow("incidents.change_incident", hide=True),
)
def change_status(request, reference: str, payload: IncidentTransitionIn):
    """Move the incident's status one step (``GET`` the incident for its history); a step
    not allowed from its status, or to the caller's role, is refused (422) naming why."""
    services.change_status(
        _get(reference), payload.transition, user=request.user, note=payload.note
    )
    return _detail(reference)


@router.get(
    "/incidents/{reference}/people",
    response=list[InvolvementOut],
    auth=Allow("incidents.view_incidentperson", hide=True),
)
def list_involvements(request, reference: str):
    return selectors.involvements_for(request.user, _get(reference))


@router.post(
    "/incidents/{reference}/people",
    response={201: InvolvementOut},
    auth=Allow("incidents.add_incidentperson", hide=True),
)
def add_involvement(request, reference: str, payload: InvolvementIn):
    from django.core.exceptions import ValidationError

    incident = _get(reference)
    person = Person.objects.filter(pk=payload.person).first()
    if person is None:
        raise ValidationError({"person": f"Unknown person id {payload.person}."})
    involvement = services.add_person(
        incident, person=person, role=payload.role, notes=payload.notes, user=request.user
    )
    return Status(201, involvement)


@router.delete(
    "/incidents/{reference}/people/{involvement_id}",
    response={204: None},
    auth=Allow("incidents.delete_incidentperson", hide=True),
)
def remove_involvement(request, reference: str, involvement_id: int):
    involvement = get_object_or_404(
        IncidentPerson, pk=involvement_id, incident__reference=reference
    )
    services.remove_person(involvement, user=request.user)
    return Status(204, None)


class LinkedCaseIn(Schema):
    suspect: int = Field(description="Involvement id of the subject (the person confronted)")
    group_member: int = Field(description="Involvement id of the group member")
    note: str = Field("", max_length=2000)


class LinkedCaseOut(Schema):
    id: int
    suspect: int = Field(alias="suspect_id")
    suspect_name: str = Field(alias="suspect.person.full_name")
    group_member: int = Field(alias="group_member_id")
    group_member_name: str = Field(alias="group_member.person.full_name")
    note: str
    created_at: datetime.datetime


def _linked_cases(incident: Incident):
    return (
        LinkedCase.objects.filter(incident=incident)
        .select_related("suspect__person", "group_member__person")
        .order_by("created_at", "pk")
    )


@router.get(
    "/incidents/{reference}/linked-cases",
    response=list[LinkedCaseOut],
    auth=Allow("incidents.view_linkedcase", "incidents.view_incidentperson", hide=True),
)
def list_linked_cases(request, reference: str):
    return selectors.linked_cases_for(request.user, _get(reference))


@router.post(
    "/incidents/{reference}/linked-cases",
    response={201: LinkedCaseOut},
    auth=Allow("incidents.add_linkedcase", "incidents.view_incidentperson", hide=True),
)
def link_cases(request, reference: str, payload: LinkedCaseIn):
    from django.core.exceptions import ValidationError

    incident = _get(reference)
    involvements = {
        i.pk: i
        for i in IncidentPerson.objects.filter(
            incident=incident, pk__in=[payload.suspect, payload.group_member]
        ).select_related("person")
    }
    errors = {
        name: f"No involvement {pk} in this incident."
        for name, pk in (("suspect", payload.suspect), ("group_member", payload.group_member))
        if pk not in involvements
    }
    if errors:
        raise ValidationError(errors)
    link = services.link_cases(
        incident,
        suspect=involvements[payload.suspect],
        group_member=involvements[payload.group_member],
        note=payload.note,
        user=request.user,
    )
    return Status(201, _linked_cases(incident).get(pk=link.pk))
