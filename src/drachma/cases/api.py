"""The cases API: cases with their defendants, charges, hearings, results, active proceedings
and publication log; the writes that build a case; and the figures (counts only, under the
small-number rule) for analysts. Every read of a case is audited (``selectors``)."""

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from drachma.cases import disclosure, proceedings, schedules, selectors, services
from drachma.cases import figures as case_figures
from drachma.cases.models import (
    Case,
    CollapseReason,
    CustodyStatus,
    HearingKind,
    HolderKind,
    LegalRoute,
    MaterialStatus,
    RequestAnswer,
    RequestedMaterial,
    Result,
)
from drachma.core.apitools import Allow
from drachma.core.paging import ListingPagination
from drachma.evidence.models import EvidenceItem, ProsecutorDecision
from drachma.groups.models import Group
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


# --- Disclosure per case (docs/cases.md, "Disclosure") -------------------------------------


class CaseMaterialOut(Schema):
    id: int
    number: int
    description: str
    defendant_id: int | None
    exhibit: str | None = None
    third_party_request: str | None = None
    location: str
    used: bool
    sensitive: bool
    sensitivity_reason: str
    status: str
    might_undermine_or_assist: bool
    mg6e_reason: str
    prosecutor_decision: str
    schedule: str

    @staticmethod
    def resolve_exhibit(obj) -> str | None:
        return obj.item.exhibit_ref if obj.item_id else None

    @staticmethod
    def resolve_third_party_request(obj) -> str | None:
        return obj.third_party_request.reference if obj.third_party_request_id else None


class CaseMaterialIn(Schema):
    description: str = Field(max_length=2000)
    defendant_id: int | None = None
    exhibit: str | None = Field(None, max_length=20)
    third_party_request_id: int | None = None
    location: str = Field("", max_length=200)
    used: bool = False
    sensitive: bool = False
    sensitivity_reason: str = Field("", max_length=2000)
    status: MaterialStatus = MaterialStatus.UNDECIDED
    might_undermine_or_assist: bool = False
    mg6e_reason: str = Field("", max_length=2000)
    prosecutor_decision: ProsecutorDecision | None = None


class CaseMaterialChangeIn(Schema):
    description: str | None = Field(None, max_length=2000)
    location: str | None = Field(None, max_length=200)
    used: bool | None = None
    sensitive: bool | None = None
    sensitivity_reason: str | None = Field(None, max_length=2000)
    status: MaterialStatus | None = None
    might_undermine_or_assist: bool | None = None
    mg6e_reason: str | None = Field(None, max_length=2000)
    prosecutor_decision: ProsecutorDecision | None = None


class CaseScheduleOut(Schema):
    id: int
    kind: str
    defendant_id: int | None
    version: int
    state: str
    certified_name: str
    certified_role: str
    certified_at: datetime.datetime | None
    rows: list[dict] = []
    undecided: list[str] = []

    @staticmethod
    def resolve_rows(obj) -> list[dict]:
        return schedules.rows_of(obj)

    @staticmethod
    def resolve_undecided(obj) -> list[str]:
        return schedules.undecided(obj) if obj.is_draft else []


class CaseScheduleSummaryOut(Schema):
    id: int
    kind: str
    defendant_id: int | None
    version: int
    state: str
    certified_at: datetime.datetime | None


class CaseCertifyIn(Schema):
    role: str = Field("", max_length=200)


class CaseCandidateOut(Schema):
    id: int
    exhibit: str
    kind: str
    finding: str
    state: str
    reason: str

    @staticmethod
    def resolve_exhibit(obj) -> str:
        return obj.item.exhibit_ref


class CaseCandidateIn(Schema):
    accept: bool | None = None
    reason: str = Field("", max_length=2000)


class CaseRequestOut(Schema):
    id: int
    reference: str
    holder_kind: str
    holder: str
    group_id: int | None
    legal_route: str
    what: str
    details: str
    reasons: str
    asked_on: datetime.date
    answered_on: datetime.date | None
    answer_kind: str
    answer: str
    refusal_reason: str
    received: list[str] = []

    @staticmethod
    def resolve_received(obj) -> list[str]:
        return [i.exhibit_ref for i in obj.received.all()]


class CaseRequestIn(Schema):
    holder_kind: HolderKind | None = None
    group_id: int | None = None
    holder_name: str = Field("", max_length=200)
    legal_route: LegalRoute | None = None
    what: RequestedMaterial
    details: str = Field("", max_length=2000)
    reasons: str = Field("", max_length=2000)
    asked_on: datetime.date | None = None


class CaseAnswerIn(Schema):
    answered_on: datetime.date | None = None
    answer_kind: RequestAnswer | None = None
    answer: str = Field("", max_length=2000)
    refusal_reason: str = Field("", max_length=2000)
    received: list[str] = Field(default_factory=list, max_length=100)


class CaseDmdIn(Schema):
    investigation_summary: str = Field("", max_length=10000)
    defence_case: str = Field("", max_length=10000)
    lines_of_enquiry: str = Field("", max_length=10000)
    digital_strategy: str = Field("", max_length=10000)
    third_party_approach: str = Field("", max_length=10000)
    sensitive_material: str = Field("", max_length=10000)
    timetable: str = Field("", max_length=10000)


class CaseDmdOut(CaseDmdIn):
    updated_at: datetime.datetime | None = None


class CaseDisclosureOut(Schema):
    urn: str
    material: list[CaseMaterialOut]
    schedules: list[CaseScheduleSummaryOut]
    candidates: list[CaseCandidateOut]
    requests: list[CaseRequestOut]
    dmd: CaseDmdOut


def _disclosure(case: Case) -> dict[str, Any]:
    found = disclosure.overview(case)
    dmd = found["dmd"]
    return {
        "urn": case.urn,
        **found,
        "dmd": {
            **{name: getattr(dmd, name) for name in disclosure.DMD_FIELDS},
            "updated_at": dmd.updated_at if dmd.pk else None,
        },
    }


@router.get(
    "/cases/{urn}/disclosure",
    response=CaseDisclosureOut,
    auth=Allow("cases.view_case", hide=True),
)
def get_disclosure(request, urn: str):
    return _disclosure(_case(request, urn))


@router.post(
    "/cases/{urn}/disclosure/material",
    response={201: CaseMaterialOut},
    auth=Allow("cases.manage_disclosure", hide=True),
)
def add_material(request, urn: str, payload: CaseMaterialIn):
    case = _case(request, urn)
    data = payload.dict()
    defendant_id = data.pop("defendant_id")
    defendant = None
    if defendant_id is not None:
        defendant = case.defendants.filter(pk=defendant_id).first()
        if defendant is None:
            raise ValidationError({"defendant_id": f"No such defendant in {case.urn}."})
    exhibit = data.pop("exhibit")
    item = None
    if exhibit:
        item = EvidenceItem.objects.filter(exhibit_ref=exhibit).first()
        if item is None:
            raise ValidationError({"exhibit": f"There is no exhibit {exhibit}."})
    request_id = data.pop("third_party_request_id")
    third = None
    if request_id is not None:
        third = case.third_party_requests.filter(pk=request_id).first()
        if third is None:
            raise ValidationError({"third_party_request_id": f"No such request in {case.urn}."})
    data["prosecutor_decision"] = data["prosecutor_decision"] or ""
    material = disclosure.add_material(
        case, user=request.user, defendant=defendant, item=item, third_party_request=third, **data
    )
    return Status(201, material)


@router.post(
    "/disclosure/material/{material_id}",
    response=CaseMaterialOut,
    auth=Allow("cases.manage_disclosure", hide=True),
)
def change_material(request, material_id: int, payload: CaseMaterialChangeIn):
    material = disclosure.material_for(request.user, material_id)
    changes = payload.dict(exclude_unset=True)
    if "prosecutor_decision" in changes:
        changes["prosecutor_decision"] = changes["prosecutor_decision"] or ""
    changes = {k: v for k, v in changes.items() if v is not None or k == "prosecutor_decision"}
    return disclosure.update_material(material, user=request.user, **changes)


@router.get(
    "/disclosure/schedules/{schedule_id}",
    response=CaseScheduleOut,
    auth=Allow("cases.view_case", hide=True),
)
def get_schedule(request, schedule_id: int):
    return disclosure.schedule_for(request.user, schedule_id)


@router.post(
    "/disclosure/schedules/{schedule_id}/certify",
    response=CaseScheduleOut,
    auth=Allow("cases.certify_schedule", hide=True),
)
def certify_schedule(request, schedule_id: int, payload: CaseCertifyIn):
    schedule = disclosure.schedule_for(request.user, schedule_id)
    return disclosure.certify(schedule, user=request.user, role=payload.role)


@router.post(
    "/cases/{urn}/disclosure/candidates",
    response=list[CaseCandidateOut],
    auth=Allow("cases.manage_disclosure", hide=True),
)
def offer_candidates(request, urn: str):
    case = _case(request, urn)
    disclosure.offer_candidates(case, user=request.user)
    return list(case.mg6e_candidates.select_related("item"))


@router.post(
    "/disclosure/candidates/{candidate_id}/decision",
    response=CaseCandidateOut,
    auth=Allow("cases.manage_disclosure", hide=True),
)
def decide_candidate(request, candidate_id: int, payload: CaseCandidateIn):
    candidate = disclosure.candidate_for(request.user, candidate_id)
    return disclosure.decide_candidate(
        candidate, user=request.user, accept=payload.accept, reason=payload.reason
    )


@router.post(
    "/cases/{urn}/disclosure/requests",
    response={201: CaseRequestOut},
    auth=Allow("cases.manage_disclosure", hide=True),
)
def add_request(request, urn: str, payload: CaseRequestIn):
    case = _case(request, urn)
    data = payload.dict()
    group_id = data.pop("group_id")
    group = None
    if group_id is not None:
        group = Group.objects.filter(pk=group_id).first()
        if group is None:
            raise ValidationError({"group_id": "There is no such group."})
    made = disclosure.add_request(
        case,
        user=request.user,
        group=group,
        holder_kind=data["holder_kind"] or "",
        legal_route=data["legal_route"] or "",
        what=data["what"],
        holder_name=data["holder_name"],
        details=data["details"],
        reasons=data["reasons"],
        asked_on=data["asked_on"],
    )
    return Status(201, made)


@router.post(
    "/disclosure/requests/{request_id}/answer",
    response=CaseRequestOut,
    auth=Allow("cases.manage_disclosure", hide=True),
)
def answer_request(request, request_id: int, payload: CaseAnswerIn):
    tp = disclosure.request_for(request.user, request_id)
    data = payload.dict()
    received = _many(EvidenceItem, "exhibit_ref", data["received"], "received")
    return disclosure.answer_request(
        tp,
        user=request.user,
        answered_on=data["answered_on"],
        answer_kind=data["answer_kind"] or "",
        answer=data["answer"],
        refusal_reason=data["refusal_reason"],
        received=received,
    )


@router.put(
    "/cases/{urn}/disclosure/dmd",
    response=CaseDmdOut,
    auth=Allow("cases.manage_disclosure", hide=True),
)
def save_dmd(request, urn: str, payload: CaseDmdIn):
    case = _case(request, urn)
    return disclosure.save_dmd(case, user=request.user, **payload.dict())
