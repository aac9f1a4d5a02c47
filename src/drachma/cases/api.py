"""The cases API: cases with their defendants, charges, hearings, results, active proceedings
and publication log; the writes that build a case; and the figures (counts only, under the
small-number rule) for analysts. Every read of a case is audited (``selectors``)."""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from drachma.cases import figures as case_figures
from drachma.cases import proceedings, selectors, services
from drachma.cases.models import (
    Case,
    CollapseReason,
    CustodyStatus,
    HearingKind,
    Result,
)
from drachma.core.apitools import Allow
from drachma.core.paging import ListingPagination
from drachma.evidence.models import EvidenceItem
from drachma.incidents.models import Incident
from drachma.intelligence.models import IntelligenceEntry
from drachma.people.models import Person

router = Router()


class CaseFilters(Schema):
    q: str | None = Field(None, max_length=200, description="URN or a defendant's family name")


class CaseChargeOut(Schema):
    id: int
    wording: str
    legislation: str
    ho_offence_code: str
    charged_on: datetime.date
    result: str | None = None
    result_on: datetime.date | None = None
    collapse_reason: str | None = None

    @staticmethod
    def resolve_result(obj) -> str | None:
        row = getattr(obj, "result", None)
        return row.result if row is not None else None

    @staticmethod
    def resolve_result_on(obj) -> datetime.date | None:
        row = getattr(obj, "result", None)
        return row.decided_on if row is not None else None

    @staticmethod
    def resolve_collapse_reason(obj) -> str | None:
        row = getattr(obj, "result", None)
        return (row.collapse_reason or None) if row is not None else None


class CaseProceedingsOut(Schema):
    active: bool
    since: datetime.datetime | None
    ended_at: datetime.datetime | None
    reason: str


class CaseDefendantOut(Schema):
    id: int
    person_id: int
    name: str
    arrested_at: datetime.datetime | None
    interviewed_at: datetime.datetime | None
    warrant_issued_at: datetime.datetime | None
    summons_issued_at: datetime.datetime | None
    custody_status: str
    custody_since: datetime.datetime | None
    bail_conditions: str
    sentenced_on: datetime.date | None
    sentence: str
    charges: list[CaseChargeOut]
    proceedings: CaseProceedingsOut

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.full_name

    @staticmethod
    def resolve_charges(obj) -> list:
        return list(obj.charges.all())

    @staticmethod
    def resolve_proceedings(obj) -> dict[str, Any]:
        found = proceedings.for_defendant(obj)
        return {
            "active": found.active,
            "since": found.since,
            "ended_at": found.ended_at,
            "reason": found.reason,
        }


class CaseHearingOut(Schema):
    id: int
    defendant_id: int
    court: str
    at: datetime.datetime
    kind: str
    note: str


class CaseExposureOut(Schema):
    id: int
    defendant_id: int
    kind: str
    link: str
    found_at: datetime.datetime
    url: str
    during_active_proceedings: bool
    active_since: datetime.datetime | None
    takedown_reference: str
    takedown_action: str


class CaseSummaryOut(Schema):
    urn: str
    title: str
    stage: str
    officer_in_case: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_officer_in_case(obj) -> str:
        return obj.officer_in_case.get_username()


class CaseOut(CaseSummaryOut):
    disclosure_officer: str
    prosecutor_name: str
    prosecutor_contact: str
    summary: str
    incidents: list[str]
    exhibits: list[str]
    intelligence: list[str]
    collapse_reasons: list[str]
    defendants: list[CaseDefendantOut]
    hearings: list[CaseHearingOut]
    publication_log: list[CaseExposureOut]

    @staticmethod
    def resolve_disclosure_officer(obj) -> str:
        return obj.disclosure_officer.get_username()

    @staticmethod
    def resolve_incidents(obj) -> list[str]:
        return [i.reference for i in obj.incidents.all()]

    @staticmethod
    def resolve_exhibits(obj) -> list[str]:
        return [e.exhibit_ref for e in obj.exhibits.all()]

    @staticmethod
    def resolve_intelligence(obj) -> list[str]:
        return [e.reference for e in obj.intelligence.all()]

    @staticmethod
    def resolve_defendants(obj) -> list:
        return list(obj.defendants.all())

    @staticmethod
    def resolve_hearings(obj) -> list:
        return list(obj.hearings.all())

    @staticmethod
    def resolve_publication_log(obj) -> list:
        return list(obj.exposures.all())


class CaseIn(Schema):
    urn: str = Field(max_length=20, description="The CPS URN, e.g. 06AB1234526")
    officer_in_case: str = Field(max_length=150, description="Username")
    disclosure_officer: str = Field(max_length=150, description="Username")
    prosecutor_name: str = Field(max_length=200)
    prosecutor_contact: str = Field(max_length=300)
    summary: str = Field("", max_length=5000)
    incidents: list[str] = Field([], max_length=50, description="Incident references")
    exhibits: list[str] = Field([], max_length=200, description="Exhibit references")
    intelligence: list[str] = Field([], max_length=50, description="Intelligence references")


class CaseDefendantIn(Schema):
    person_id: int
    arrested_at: datetime.datetime | None = None
    interviewed_at: datetime.datetime | None = None
    warrant_issued_at: datetime.datetime | None = None
    summons_issued_at: datetime.datetime | None = None
    custody_status: CustodyStatus = CustodyStatus.NOT_ARRESTED
    custody_since: datetime.datetime | None = None
    bail_conditions: str = Field("", max_length=2000)


class CaseChargeIn(Schema):
    defendant_id: int
    wording: str = Field(max_length=2000)
    legislation: str = Field(max_length=300)
    ho_offence_code: str = Field("", max_length=10)
    charged_on: datetime.date


class CaseHearingIn(Schema):
    defendant_id: int
    court: str = Field(max_length=200)
    at: datetime.datetime
    kind: HearingKind
    note: str = Field("", max_length=2000)


class CaseResultIn(Schema):
    charge_id: int
    result: Result
    decided_on: datetime.date
    collapse_reason: CollapseReason | None = None
    note: str = Field("", max_length=2000)


class CaseFigureTableOut(Schema):
    rows: list[dict]
    total: dict
    footnote: str


class CaseFiguresOut(Schema):
    stages: CaseFigureTableOut | None
    results: CaseFigureTableOut | None
    collapse_reasons: CaseFigureTableOut | None
    incident_outcomes: CaseFigureTableOut | None
    publications: CaseFigureTableOut | None


def _user(username: str, field: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError({field: f"There is no user {username!r}."})
    return user


def _many(model, field_name: str, values: list[str], field: str) -> list:
    found = {
        getattr(o, field_name): o for o in model.objects.filter(**{f"{field_name}__in": values})
    }
    missing = [v for v in values if v not in found]
    if missing:
        raise ValidationError({field: f"Not found: {', '.join(missing[:5])}."})
    return [found[v] for v in values]


def _case(request, urn: str) -> Case:
    return selectors.case_for(request.user, urn)


@router.get("/cases", response=list[CaseSummaryOut], auth=Allow("cases.view_case"))
@paginate(ListingPagination)
def list_cases(request, filters: CaseFilters = Query(...)):
    rows = selectors.case_queryset().order_by("-created_at", "-pk")
    if filters.q:
        rows = selectors.search(rows, filters.q)
    return selectors.cases_for(request.user, rows, query=filters.q or "")


@router.post("/cases", response={201: CaseOut}, auth=Allow("cases.add_case"))
def create_case(request, payload: CaseIn):
    data = payload.dict()
    case = services.create_case(
        user=request.user,
        urn=data["urn"],
        officer_in_case=_user(data["officer_in_case"], "officer_in_case"),
        disclosure_officer=_user(data["disclosure_officer"], "disclosure_officer"),
        prosecutor_name=data["prosecutor_name"],
        prosecutor_contact=data["prosecutor_contact"],
        summary=data["summary"],
        incidents=_many(Incident, "reference", data["incidents"], "incidents"),
        exhibits=_many(EvidenceItem, "exhibit_ref", data["exhibits"], "exhibits"),
        intelligence=_many(IntelligenceEntry, "reference", data["intelligence"], "intelligence"),
    )
    return Status(201, _case(request, case.urn))


@router.get("/cases/{urn}", response=CaseOut, auth=Allow("cases.view_case", hide=True))
def get_case(request, urn: str):
    return _case(request, urn)


@router.post(
    "/cases/{urn}/defendants",
    response={201: CaseOut},
    auth=Allow("cases.change_case", hide=True),
)
def add_defendant(request, urn: str, payload: CaseDefendantIn):
    case = _case(request, urn)
    data = payload.dict()
    person = Person.objects.filter(pk=data.pop("person_id")).first()
    if person is None:
        raise ValidationError({"person_id": "There is no such person."})
    services.add_defendant(case, user=request.user, person=person, **data)
    return Status(201, _case(request, case.urn))


@router.post(
    "/cases/{urn}/charges", response={201: CaseOut}, auth=Allow("cases.change_case", hide=True)
)
def add_charge(request, urn: str, payload: CaseChargeIn):
    case = _case(request, urn)
    data = payload.dict()
    defendant = case.defendants.filter(pk=data.pop("defendant_id")).first()
    if defendant is None:
        raise ValidationError({"defendant_id": f"No such defendant in {case.urn}."})
    services.add_charge(defendant, user=request.user, **data)
    return Status(201, _case(request, case.urn))


@router.post(
    "/cases/{urn}/hearings", response={201: CaseOut}, auth=Allow("cases.change_case", hide=True)
)
def add_hearing(request, urn: str, payload: CaseHearingIn):
    case = _case(request, urn)
    data = payload.dict()
    services.add_hearing(case, user=request.user, defendant=data.pop("defendant_id"), **data)
    return Status(201, _case(request, case.urn))


@router.post(
    "/cases/{urn}/results", response={201: CaseOut}, auth=Allow("cases.record_result", hide=True)
)
def record_result(request, urn: str, payload: CaseResultIn):
    case = _case(request, urn)
    data = payload.dict()
    services.record_result(
        case,
        user=request.user,
        charge=data["charge_id"],
        result=data["result"],
        decided_on=data["decided_on"],
        collapse_reason=data["collapse_reason"] or "",
        note=data["note"],
    )
    return Status(201, _case(request, case.urn))


@router.get("/figures", response=CaseFiguresOut, auth=Allow("cases.view_case_figures"))
def figures(request):
    return case_figures.as_json()
