"""The safeguarding API: assessments, actions, their transitions, officer time, and counts.

Only safeguarding officers and supervisors write. Analysts read the counts, which name no one.
"""

import datetime
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from drachma.core.apitools import Allow
from drachma.core.paging import ListingPagination
from drachma.core.schemas import WorkflowEventOut
from drachma.core.workflow import NOTE_MAX_LENGTH
from drachma.incidents.models import Incident
from drachma.people.models import Person
from drachma.safeguarding import selectors, services
from drachma.safeguarding.filtersets import SCOPES, STATES, ActionFilterSet
from drachma.safeguarding.models import (
    FACTORS,
    ActionKind,
    ExposureKind,
    Grade,
    OutcomeResult,
    SafeguardingAction,
)

router = Router()


# --- schemas ------------------------------------------------------------------------------


class FactorIn(Schema):
    score: int = Field(description="1 low, 2 medium, 3 high")
    rationale: str = Field("", max_length=2000)


class AssessmentIn(Schema):
    incident: str = Field(description="The incident's reference")
    threat: FactorIn
    harm: FactorIn
    risk: FactorIn
    investigation: FactorIn
    vulnerability: FactorIn
    engagement: FactorIn
    grade: Grade | None = Field(None, description="Only to override the proposed grade")
    override_reason: str = Field("", max_length=2000)
    reason_for_reassessment: str = Field(
        "", max_length=2000, description="Required when the incident was assessed before"
    )
    prevention: str = Field(
        "", max_length=2000, description="THRIVE+: what would stop the harm recurring"
    )
    intervention: str = Field(
        "", max_length=2000, description="THRIVE+: who intervenes (police or partners) and how"
    )
    plan: bool = Field(True, description="Add the actions the grading rules require")


class FactorOut(Schema):
    factor: str
    score: int
    rationale: str


class AssessmentOut(Schema):
    id: int
    incident: str = Field(alias="incident.reference")
    assessed_by: str = Field(alias="assessed_by.username")
    assessed_at: datetime.datetime
    proposed_grade: str
    proposal_reasons: list[str]
    plan_considerations: list[str]
    prevention: str
    intervention: str
    grade: str
    override_reason: str
    reason_for_reassessment: str
    previous: int | None = Field(None, alias="previous_id")
    factors: list[FactorOut]

    @staticmethod
    def resolve_factors(obj) -> list[dict]:
        return [
            {"factor": f["factor"], "score": f["score"], "rationale": f["rationale"]}
            for f in obj.factors()
        ]


class AssessmentFilters(FilterSchema):
    incident: str | None = Field(None, description="An incident reference")


class ActionFilters(FilterSchema):
    scope: str | None = Field(
        None, description=f"One of: {', '.join(k for k, _ in SCOPES)} (default: team)"
    )
    status: str | None = Field(
        None, description=f"One of: {', '.join(k for k, _ in STATES)} (default: active)"
    )
    overdue: bool | None = None
    grade: Grade | None = None
    kind: ActionKind | None = None
    incident: str | None = None
    owner: str | None = Field(None, description="A username")


class ActionIn(Schema):
    incident: str = Field(description="The incident's reference")
    kind: ActionKind
    owner: str | None = Field(
        None, description="A safeguarding officer's or supervisor's username (default: you)"
    )
    person: int | None = Field(None, description="A person involved in the incident")
    description: str = Field("", max_length=2000)
    due_at: datetime.datetime | None = Field(
        None, description="Leave out for the time the grade and type give"
    )


class ActionSummaryOut(Schema):
    id: int
    incident: str = Field(alias="incident.reference")
    kind: str
    person: int | None = Field(None, alias="person_id")
    owner: str = Field(alias="owner.username")
    grade: str
    due_at: datetime.datetime
    status: str
    overdue: bool = Field(alias="is_past_due", description="Active and past its due time now")
    overdue_notified_at: datetime.datetime | None


class TimeOut(Schema):
    id: int
    officer: str = Field(alias="officer.username")
    minutes: int
    spent_on: datetime.date
    note: str


class ActionOut(ActionSummaryOut):
    description: str
    assessment: int | None = Field(None, alias="assessment_id")
    started_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    outcome: str
    seen: str
    result: str
    cancel_reason: str
    events: list[WorkflowEventOut]
    time_entries: list[TimeOut]


class ActionTransitionIn(Schema):
    transition: str = Field(
        description="start, complete, cancel or reopen (reopen: supervisors only)"
    )
    note: str = Field(
        "",
        max_length=NOTE_MAX_LENGTH,
        description="What was done (complete); the reason (cancel, reopen: required)",
    )
    seen: str = Field("", max_length=300, description="Complete: who was seen")
    result: str = Field(
        "",
        description="Complete: "
        + ", ".join(f"{value} ({label})" for value, label in OutcomeResult.choices),
    )
    minutes: int | None = Field(
        None, description="Complete: officer minutes spent (1 to 1440), recorded as time"
    )


class ActionOwnerIn(Schema):
    owner: str = Field(
        description=(
            "The username of the safeguarding officer or supervisor who takes the action over"
        )
    )


class TimeIn(Schema):
    minutes: int
    spent_on: datetime.date
    officer: str | None = Field(None, description="Username (default: you)")
    note: str = Field("", max_length=300)


class CountPair(Schema):
    active: int
    overdue: int


class ResponseOut(Schema):
    incidents: int
    median_minutes: float | None
    p90_minutes: float | None


class MonthHours(Schema):
    month: datetime.date
    hours: float


class AreaHours(Schema):
    area: str
    hours: float


class SafeguardingCountsOut(Schema):
    active: int
    overdue: int
    assessments: int
    by_grade: dict[str, CountPair]
    by_kind: dict[str, CountPair]
    by_status: dict[str, int]
    response: ResponseOut = Field(
        description="From an incident being received to the first work on its actions"
    )
    hours_by_month: list[MonthHours]
    hours_by_area: list[AreaHours]


# --- helpers ------------------------------------------------------------------------------


def _incident(reference: str) -> Incident:
    incident = Incident.objects.filter(reference=reference).first()
    if incident is None:
        raise ValidationError({"incident": f"There is no incident {reference!r}."})
    return incident


def _user(username: str | None, field: str):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationError({field: f"There is no active user {username!r}."})
    return user


def _action(action_id: int) -> SafeguardingAction:
    try:
        return selectors.action_detail(action_id)
    except SafeguardingAction.DoesNotExist:
        raise Http404 from None


# --- assessments --------------------------------------------------------------------------


@router.get(
    "/assessments", response=list[AssessmentOut], auth=Allow("safeguarding.view_thriveassessment")
)
@paginate(ListingPagination)
def list_assessments(request, filters: AssessmentFilters = Query(...)):
    return selectors.assessment_list_for(request.user, filters.incident or "")


@router.get(
    "/assessments/{assessment_id}",
    response=AssessmentOut,
    auth=Allow("safeguarding.view_thriveassessment", hide=True),
)
def get_assessment(request, assessment_id: int):
    return selectors.assessment_for(request.user, assessment_id)


@router.post(
    "/assessments", response={201: AssessmentOut}, auth=Allow("safeguarding.add_thriveassessment")
)
def create_assessment(request, payload: AssessmentIn):
    data = payload.dict()
    assessment = services.record_assessment(
        incident=_incident(payload.incident),
        user=request.user,
        scores={f: data[f]["score"] for f in FACTORS},
        rationales={f: data[f]["rationale"] for f in FACTORS},
        grade=payload.grade,
        override_reason=payload.override_reason,
        reason_for_reassessment=payload.reason_for_reassessment,
        prevention=payload.prevention,
        intervention=payload.intervention,
        plan=payload.plan,
    )
    return Status(201, assessment)


# --- actions ------------------------------------------------------------------------------


@router.get(
    "/actions", response=list[ActionSummaryOut], auth=Allow("safeguarding.view_safeguardingaction")
)
@paginate(ListingPagination)
def list_actions(request, filters: ActionFilters = Query(...)):
    params = {k: v for k, v in filters.dict().items() if v is not None}
    filterset = ActionFilterSet(params, queryset=selectors.action_queryset(), user=request.user)
    if not filterset.is_valid():
        raise ValidationError({k: " ".join(v) for k, v in filterset.errors.items()})
    return selectors.actions_for(request.user, filterset.qs, query=urlencode(params))


@router.post(
    "/actions", response={201: ActionOut}, auth=Allow("safeguarding.add_safeguardingaction")
)
def create_action(request, payload: ActionIn):
    incident = _incident(payload.incident)
    person = None
    if payload.person is not None:
        person = Person.objects.filter(pk=payload.person).first()
        if person is None:
            raise ValidationError({"person": f"There is no person {payload.person}."})
    action = services.create_action(
        incident=incident,
        user=request.user,
        kind=payload.kind,
        owner=_user(payload.owner, "owner") or request.user,
        person=person,
        description=payload.description,
        due_at=payload.due_at,
    )
    return Status(201, selectors.action_detail(action.pk))


@router.get(
    "/actions/{action_id}",
    response=ActionOut,
    auth=Allow("safeguarding.view_safeguardingaction", hide=True),
)
def get_action(request, action_id: int):
    return selectors.action_for(request.user, action_id)


@router.post(
    "/actions/{action_id}/transitions",
    response=ActionOut,
    auth=Allow("safeguarding.work_safeguardingaction", hide=True),
)
def transition_action(request, action_id: int, payload: ActionTransitionIn):
    services.transition_action(
        _action(action_id),
        payload.transition,
        user=request.user,
        note=payload.note,
        seen=payload.seen,
        result=payload.result,
        minutes=payload.minutes,
    )
    return _action(action_id)


@router.post(
    "/actions/{action_id}/owner",
    response=ActionOut,
    auth=Allow("safeguarding.change_safeguardingaction", hide=True),
)
def reassign_action(request, action_id: int, payload: ActionOwnerIn):
    """Hand an open or in-progress action to another safeguarding officer or supervisor; the
    new owner is told, and the change is kept in the action's history."""
    action = _action(action_id)
    owner = _user(payload.owner, "owner")
    if owner is None:
        raise ValidationError({"owner": "Choose who owns the action."})
    services.reassign_action(action, user=request.user, owner=owner)
    return _action(action_id)


@router.post(
    "/actions/{action_id}/time",
    response={201: TimeOut},
    auth=Allow("safeguarding.add_timeentry", hide=True),
)
def record_time(request, action_id: int, payload: TimeIn):
    entry = services.record_time(
        _action(action_id),
        user=request.user,
        minutes=payload.minutes,
        spent_on=payload.spent_on,
        officer=_user(payload.officer, "officer"),
        note=payload.note,
    )
    return Status(201, entry)


# --- counts -------------------------------------------------------------------------------


@router.get(
    "/counts", response=SafeguardingCountsOut, auth=Allow("safeguarding.view_safeguarding_counts")
)
def counts(request):
    """Open and overdue actions by grade, type and state, time to first action, officer hours
    by month and by area. No names."""
    data = selectors.counts()
    response = data["response"]
    data["response"] = {
        "incidents": response.incidents,
        "median_minutes": response.median_minutes,
        "p90_minutes": response.p90_minutes,
    }
    return data


# --- exposure -----------------------------------------------------------------------------


class ExposureIn(Schema):
    incident: str = Field(description="The incident's reference")
    person: int = Field(description="A person involved in the incident")
    kind: ExposureKind
    occurred_at: datetime.datetime = Field(description="Not before the incident, not future")
    detail: str = Field("", max_length=2000)
    threats_received: bool = False
    loss_of_job_or_home: bool = False


class ExposureActionOut(Schema):
    id: int
    kind: str
    grade: str
    due_at: datetime.datetime
    status: str
    welfare_rule: str


class ExposureOut(Schema):
    id: int
    incident: str = Field(alias="incident.reference")
    person: int = Field(alias="person_id")
    kind: str
    occurred_at: datetime.datetime
    threats_received: bool
    loss_of_job_or_home: bool
    actions: list[ExposureActionOut]

    @staticmethod
    def resolve_actions(obj) -> list:
        return list(obj.actions.order_by("due_at", "pk"))


@router.post("/exposure", response={201: ExposureOut}, auth=Allow("safeguarding.add_exposureevent"))
def record_exposure(request, payload: ExposureIn):
    """Record an exposure event (an arrest, a release, a publication found); it starts the
    welfare actions of its row in the welfare table, returned with it. The person is given by
    number and the answer names no one."""
    person = Person.objects.filter(pk=payload.person).first()
    if person is None:
        raise ValidationError({"person": f"There is no person {payload.person}."})
    event = services.record_exposure(
        incident=_incident(payload.incident),
        person=person,
        user=request.user,
        kind=payload.kind,
        occurred_at=payload.occurred_at,
        detail=payload.detail,
        threats_received=payload.threats_received,
        loss_of_job_or_home=payload.loss_of_job_or_home,
    )
    return Status(201, event)
