"""The intake API: the triage queue, a report with its matches, triage decisions, referrals.

There is deliberately no public operation: reports come in through the reporting page only
(one door in), and nothing about a report goes out to anyone without a login. Referrals in
from CEOP, platforms and other forces are entered by staff (``POST /referrals-in``); the
quarantine's operations are the digital forensics unit's alone.
"""

import datetime
from typing import Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from drachma.areas.models import Borough, Ward
from drachma.audit import reads
from drachma.core.access import get_or_404
from drachma.core.apitools import Allow
from drachma.core.choices import Platform
from drachma.core.paging import ListingPagination
from drachma.core.schemas import WorkflowEventOut
from drachma.core.workflow import NOTE_MAX_LENGTH
from drachma.groups.models import Group
from drachma.incidents.models import IncidentKind, IncidentSource
from drachma.intake import known, official, selectors, services
from drachma.intake.filtersets import (
    REFERRAL_STATES,
    REPORT_STATES,
    ReferralFilterSet,
    ReportFilterSet,
)
from drachma.intake.models import (
    ConcernKind,
    OnwardReferral,
    Referral,
    Report,
    ReporterType,
    ReportFile,
)
from drachma.intake.views import link_targets

router = Router()


# --- schemas ------------------------------------------------------------------------------


class ReportFilters(FilterSchema):
    q: str | None = Field(None, description="Reference, text, link or handle")
    status: str | None = Field(
        None, description=f"One of: {', '.join(k for k, _ in REPORT_STATES)} (default: open)"
    )
    concern: ConcernKind | None = None
    reporter_type: ReporterType | None = None
    urgent: bool | None = None
    mine: bool | None = None


class ReportSummaryOut(Schema):
    reference: str
    submitted_at: datetime.datetime
    reporter_type: str
    concern: str
    status: str
    urgent: bool
    assigned_to: str | None = Field(None, alias="assigned_to.username")
    file_count: int
    match_count: int


class FileOut(Schema):
    exhibit_ref: str = Field(alias="item.exhibit_ref")
    original_filename: str = Field(alias="item.original_filename")
    kind: str = Field(alias="item.kind")
    size: int = Field(alias="item.stored_file.size")
    sha256: str = Field(alias="item.stored_file.sha256")
    incident: str | None = Field(None, alias="item.incident.reference")
    quarantined: bool = Field(
        False, description="May contain indecent images: never served but to the forensics unit"
    )
    grade: str = Field("", description="The digital forensics unit's grade (A, B, C, ...)")


class LinkOut(Schema):
    raw: str
    normalized: str
    platform: str
    source: str


class IdentifierOut(Schema):
    kind: str
    raw: str
    normalized: str
    platform: str
    source: str


class MatchOut(Schema):
    kind: str
    record: str
    identifier: str
    reason: str
    score: float


class LinkedOut(Schema):
    kind: str
    record: str
    note: str
    linked_by: str
    linked_at: datetime.datetime


class ContactOut(Schema):
    name: str
    organisation: str
    email: str
    phone: str


class ReportOut(Schema):
    reference: str
    submitted_at: datetime.datetime
    reporter_type: str
    origin: str = Field(description="'public_page', or 'referral' for a referral in")
    sender: str = Field(description="A referral in: the organisation that sent it")
    sender_reference: str = Field(description="A referral in: the sender's own reference")
    concern: str
    text: str
    place: str
    when_text: str
    status: str
    urgent: bool
    assigned_to: str | None
    close_reason: str
    keep_reason: str = Field(description="Why it is kept although it led to no incident")
    incident: str | None
    referral: str | None
    contact: ContactOut | None = Field(
        description="Only for roles that may see who reported (null otherwise)."
    )
    files: list[FileOut]
    links: list[LinkOut]
    identifiers: list[IdentifierOut]
    matches: list[MatchOut]
    linked: list[LinkedOut]
    events: list[WorkflowEventOut]


class AssignIn(Schema):
    assignee: str | None = Field(None, description="A username; empty assigns the report to you.")


class ReportReasonIn(Schema):
    reason: str = Field(max_length=2000)


class LinkIn(Schema):
    incident: str | None = Field(None, description="An incident reference")
    group: int | None = None
    person: int | None = None
    note: str = Field("", max_length=500)


class ReferIn(Schema):
    due_date: datetime.date | None = None
    owner: str | None = Field(None, description="An investigator's username")
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


class ConvertIn(Schema):
    """Values that differ from those taken from the report (see incident_initial)."""

    occurred_at: datetime.datetime | None = None
    received_at: datetime.datetime | None = None
    kind: IncidentKind | None = None
    source: IncidentSource | None = None
    summary: str | None = Field(None, max_length=5000)
    borough: str | None = Field(None, description="ONS code")
    ward: str | None = Field(None, description="ONS ward code")
    place: str | None = Field(None, max_length=200)
    groups: list[int] | None = None
    live_streamed: bool = False
    stream_platform: str = ""
    stream_url: str = Field("", max_length=500)


class IncidentRefOut(Schema):
    reference: str


class ReferralFilters(FilterSchema):
    status: str | None = Field(
        None, description=f"One of: {', '.join(k for k, _ in REFERRAL_STATES)} (default: open)"
    )
    overdue: bool | None = None
    mine: bool | None = None


class ReferralSummaryOut(Schema):
    reference: str
    report: str = Field(alias="report.reference")
    status: str
    due_date: datetime.date
    overdue: bool = Field(alias="is_overdue")
    owner: str | None = Field(None, alias="owner.username")
    platforms: list[str]


class MaterialOut(Schema):
    exhibit_ref: str
    original_filename: str
    size: int = Field(alias="stored_file.size")
    sha256: str = Field(alias="stored_file.sha256")


class HandleOut(Schema):
    platform: str
    handle: str


class ReferralOut(ReferralSummaryOut):
    summary: str
    handles: list[HandleOut]
    links: list[str]
    phones: list[str]
    material: list[MaterialOut]
    rejected_reason: str
    outcome: str
    created_by: str | None = Field(None, alias="created_by.username")
    events: list[WorkflowEventOut]


class ReferralActionIn(Schema):
    action: str = Field(
        description="accept, start, close or reject; reassign (with owner) keeps the state"
    )
    note: str = Field(
        "",
        max_length=NOTE_MAX_LENGTH,
        description="Required to reject (the reason) and to close (the outcome).",
    )
    owner: str | None = Field(
        None, description="accept: the investigator who takes it (default: you)"
    )


class OwnerIn(Schema):
    owner: str


# --- helpers ------------------------------------------------------------------------------


def _report(reference: str) -> Report:
    """The report a step acts on; what the step returns is read through ``_shown``."""
    try:
        return selectors.report_detail(reference)
    except Report.DoesNotExist:
        raise Http404 from None


def _referral(reference: str) -> Referral:
    return get_or_404(selectors.referral_detail_queryset(), reference=reference, what="referral")


def _user(username: str | None, field: str):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationError({field: f"There is no active user {username!r}."})
    return user


def _match_record(m) -> str:
    if m.incident_id:
        return m.incident.reference
    if m.account_id:
        return f"{m.account.group.name}: {m.account}"
    if m.group_id:
        return m.group.name
    if m.person_id:
        return f"person {m.person_id}: {m.person.full_name}"
    return m.other_report.reference


def _shown(request, reference: str) -> dict:
    """The report as the caller may see it (the read recorded by the selector), as returned."""
    return _report_out(request, selectors.report_for(request.user, reference))


def _report_out(request, report: Report) -> dict:
    show_contact = selectors.shows_contact(request.user)
    return {
        "reference": report.reference,
        "submitted_at": report.submitted_at,
        "reporter_type": report.reporter_type,
        "origin": report.origin,
        "sender": report.sender,
        "sender_reference": report.sender_reference,
        "concern": report.concern,
        "text": report.text,
        "place": report.place,
        "when_text": report.when_text,
        "status": report.status,
        "urgent": report.urgent,
        "assigned_to": report.assigned_to.username if report.assigned_to else None,
        "close_reason": report.close_reason,
        "keep_reason": report.keep_reason,
        "incident": report.incident.reference if report.incident else None,
        "referral": report.referral.reference if hasattr(report, "referral") else None,
        "contact": {
            "name": report.reporter_name,
            "organisation": report.reporter_organisation,
            "email": report.reporter_email,
            "phone": report.reporter_phone,
        }
        if show_contact
        else None,
        "files": list(report.files.all()),
        "links": list(report.links.all()),
        "identifiers": list(report.identifiers.all()),
        "matches": [
            {
                "kind": m.kind,
                "record": _match_record(m),
                "identifier": m.identifier,
                "reason": m.reason,
                "score": m.score,
            }
            for m in report.matches.all()
        ],
        "linked": [
            {
                "kind": lr.target_kind,
                "record": str(lr.target),
                "note": lr.note,
                "linked_by": lr.linked_by.username,
                "linked_at": lr.linked_at,
            }
            for lr in report.linked_records.all()
        ],
        "events": list(report.events.all()),
    }


def _resolve_incident(data: dict) -> dict:
    errors: dict[str, str] = {}
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
        if wanted - {g.pk for g in found}:
            errors["groups"] = f"Unknown group ids: {sorted(wanted - {g.pk for g in found})}."
        data["groups"] = found
    if errors:
        raise ValidationError(errors)
    return data


# --- reports ------------------------------------------------------------------------------


@router.get("/reports", response=list[ReportSummaryOut], auth=Allow("intake.view_report"))
@paginate(ListingPagination)
def list_reports(request, filters: ReportFilters = Query(...)):
    params = {k: v for k, v in filters.dict().items() if v is not None}
    filterset = ReportFilterSet(params, queryset=selectors.report_queryset(), user=request.user)
    if not filterset.is_valid():
        raise ValidationError({k: " ".join(v) for k, v in filterset.errors.items()})
    return selectors.reports_for(request.user, filterset.qs, query=request.GET.urlencode())


@router.get(
    "/reports/{report_ref}", response=ReportOut, auth=Allow("intake.view_report", hide=True)
)
def get_report(request, report_ref: str):
    return _shown(request, report_ref)


@router.post(
    "/reports/{report_ref}/assign",
    response=ReportOut,
    auth=Allow("intake.triage_report", hide=True),
)
def assign_report(request, report_ref: str, payload: AssignIn):
    report = _report(report_ref)
    services.assign_report(
        report, user=request.user, assignee=_user(payload.assignee, "assignee") or request.user
    )
    return _shown(request, report_ref)


@router.post(
    "/reports/{report_ref}/close", response=ReportOut, auth=Allow("intake.triage_report", hide=True)
)
def close_report(request, report_ref: str, payload: ReportReasonIn):
    services.close_report(_report(report_ref), user=request.user, reason=payload.reason)
    return _shown(request, report_ref)


@router.post(
    "/reports/{report_ref}/keep", response=ReportOut, auth=Allow("intake.triage_report", hide=True)
)
def keep_report(request, report_ref: str, payload: ReportReasonIn):
    """Record why a report that led to no incident is kept: it is then not removed with the
    reports closed without an incident (docs/intake.md, "Nothing kept without a reason")."""
    services.record_keep_reason(_report(report_ref), user=request.user, reason=payload.reason)
    return _shown(request, report_ref)


@router.post(
    "/reports/{report_ref}/reopen",
    response=ReportOut,
    auth=Allow("intake.reopen_report", hide=True),
)
def reopen_report(request, report_ref: str, payload: ReportReasonIn):
    services.reopen_report(_report(report_ref), user=request.user, reason=payload.reason)
    return _shown(request, report_ref)


@router.post(
    "/reports/{report_ref}/link", response=ReportOut, auth=Allow("intake.triage_report", hide=True)
)
def link_report(request, report_ref: str, payload: LinkIn):
    data = payload.dict()
    if sum(bool(data.get(k)) for k in ("incident", "group", "person")) != 1:
        raise ValidationError(
            {"target": "Give one incident, group or person to link the report to."}
        )
    services.link_report(
        _report(report_ref), user=request.user, note=payload.note, **link_targets(data)
    )
    return _shown(request, report_ref)


@router.post(
    "/reports/{report_ref}/refer",
    response={201: ReferralOut},
    auth=Allow("intake.add_referral", hide=True),
)
def refer_report(request, report_ref: str, payload: ReferIn):
    referral = services.refer_report(
        _report(report_ref),
        user=request.user,
        due_date=payload.due_date,
        owner=_user(payload.owner, "owner"),
        note=payload.note,
    )
    return Status(201, selectors.referral_for(request.user, referral.reference))


@router.post(
    "/reports/{report_ref}/incident",
    response={201: IncidentRefOut},
    auth=Allow("intake.triage_report", "incidents.add_incident", hide=True),
)
def convert_report(request, report_ref: str, payload: ConvertIn):
    report = _report(report_ref)
    initial = services.incident_initial(report)
    initial["groups"] = list(Group.objects.filter(pk__in=initial["groups"]))
    data = _resolve_incident(payload.dict(exclude_unset=True))
    fields = {**initial, **{k: v for k, v in data.items() if v is not None}}
    groups = fields.pop("groups", [])
    incident = services.convert_report(report, user=request.user, groups=groups, **fields)
    return Status(201, {"reference": incident.reference})


@router.post(
    "/reports/{report_ref}/matches",
    response=ReportOut,
    auth=Allow("intake.triage_report", hide=True),
)
def refresh_matches(request, report_ref: str):
    services.refresh_matches(_report(report_ref), user=request.user)
    return _shown(request, report_ref)


# --- referrals ----------------------------------------------------------------------------


@router.get("/referrals", response=list[ReferralSummaryOut], auth=Allow("intake.view_referral"))
@paginate(ListingPagination)
def list_referrals(request, filters: ReferralFilters = Query(...)):
    params = {k: v for k, v in filters.dict().items() if v is not None}
    filterset = ReferralFilterSet(params, queryset=selectors.referral_queryset(), user=request.user)
    if not filterset.is_valid():
        raise ValidationError({k: " ".join(v) for k, v in filterset.errors.items()})
    return selectors.referrals_for(request.user, filterset.qs, query=request.GET.urlencode())


@router.get(
    "/referrals/{referral_ref}", response=ReferralOut, auth=Allow("intake.view_referral", hide=True)
)
def get_referral(request, referral_ref: str):
    return selectors.referral_for(request.user, referral_ref)


@router.post(
    "/referrals/{referral_ref}/transitions",
    response=ReferralOut,
    auth=Allow("intake.work_referral", hide=True),
)
def transition_referral(request, referral_ref: str, payload: ReferralActionIn):
    referral = _referral(referral_ref)
    services.transition_referral(
        referral,
        payload.action,
        user=request.user,
        note=payload.note,
        owner=_user(payload.owner, "owner"),
    )
    return selectors.referral_for(request.user, referral_ref)


@router.post(
    "/referrals/{referral_ref}/owner",
    response=ReferralOut,
    auth=Allow("intake.work_referral", hide=True),
)
def reassign_referral(request, referral_ref: str, payload: OwnerIn):
    referral = _referral(referral_ref)
    owner = _user(payload.owner, "owner")
    services.reassign_referral(referral, user=request.user, owner=owner)
    return selectors.referral_for(request.user, referral_ref)


# --- official channels: referrals in, quarantine, onward referrals --------------------------


class ReferralInIn(Schema):
    reporter_type: str = Field(description="'ceop', 'platform' or 'force'")
    sender: str = Field(description="The organisation that sent the referral")
    sender_reference: str = Field(description="The sender's reference: required, unique per sender")
    concern: ConcernKind
    text: str
    place: str = ""
    when_text: str = ""
    links: list[str] = []
    handles: list[str] = []
    phones: list[str] = []
    names: list[str] = []
    may_be_indecent: bool = Field(
        False, description="The sender marked the material as possibly indecent images"
    )


class QuarantineOut(Schema):
    id: int
    report: str = Field(alias="report.reference")
    exhibit_ref: str = Field(alias="item.exhibit_ref")
    kind: str = Field(alias="item.kind")
    size: int = Field(alias="item.stored_file.size")
    sha256: str = Field(alias="item.stored_file.sha256")
    quarantine_reason: str
    quarantined_at: datetime.datetime | None
    grade: str
    grade_note: str
    graded_by: str | None = Field(None, alias="graded_by.username")
    graded_at: datetime.datetime | None


class GradeIn(Schema):
    category: str = Field(description="'A', 'B', 'C' or 'not_indecent' (the national categories)")
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


class QuarantineIn(Schema):
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


class OnwardIn(Schema):
    destination: str = Field(
        description="'ceop', 'force', 'childrens_social_care' or 'adult_social_care'"
    )
    recipient: str = ""
    what_sent: str = ""
    channel: str = ""
    their_reference: str = ""
    sent_at: datetime.datetime | None = None


class OnwardOut(Schema):
    id: int
    report: str = Field(alias="report.reference")
    destination: str
    recipient: str
    channel: str
    what_sent: str
    their_reference: str
    sent_at: datetime.datetime
    sent_by: str = Field(alias="sent_by.username")
    status: str
    answer: str
    answered_at: datetime.datetime | None
    withdrawn_reason: str


class AnswerIn(Schema):
    answer: str
    answered_at: datetime.datetime | None = None


@router.post("/referrals-in", response={201: ReportOut}, auth=Allow("intake.receive_referral"))
def receive_referral(request, payload: ReferralInIn):
    """Enter a referral in (without files: the material is sent through the page). Refused
    without the sender's reference, or with one the sender already used."""
    data = payload.dict()
    report = official.receive_referral(user=request.user, **data)
    return Status(201, _shown(request, report.reference))


@router.get("/quarantine", response=list[QuarantineOut], auth=Allow("intake.view_quarantine"))
@paginate(ListingPagination)
def list_quarantine(request, awaiting: bool | None = None):
    queryset = selectors.quarantine_queryset(awaiting=awaiting)
    return selectors.quarantine_for(request.user, queryset, query=request.GET.urlencode())


@router.get(
    "/quarantine/{file_id}/file",
    auth=Allow("intake.view_quarantine", hide=True),
)
def download_quarantined(request, file_id: int):
    """The bytes, as a download only (application/octet-stream), the read recorded."""
    from drachma.intake.official_views import quarantined_bytes

    return quarantined_bytes(selectors.quarantined_file_for(request.user, file_id, download=True))


@router.post(
    "/quarantine/{file_id}/grade",
    response=QuarantineOut,
    auth=Allow("intake.grade_reportfile", hide=True),
)
def grade_quarantined(request, file_id: int, payload: GradeIn):
    report_file = selectors.quarantined_file(file_id)
    official.grade_file(
        report_file, user=request.user, category=payload.category, note=payload.note
    )
    return selectors.quarantined_file_for(request.user, file_id)


@router.post(
    "/reports/{report_ref}/files/{position}/quarantine",
    response=ReportOut,
    auth=Allow("intake.triage_report", hide=True),
)
def quarantine_report_file(request, report_ref: str, position: int, payload: QuarantineIn):
    report = _report(report_ref)
    report_file = get_or_404(ReportFile, what="file", report=report, position=position)
    official.quarantine_file(report_file, user=request.user, note=payload.note)
    return _shown(request, report_ref)


@router.get(
    "/reports/{report_ref}/onward",
    response=list[OnwardOut],
    auth=Allow("intake.view_onwardreferral", hide=True),
)
def list_onward(request, report_ref: str):
    report = _report(report_ref)
    rows = list(selectors.onward_referrals(report))
    reads.viewed_list(request.user, OnwardReferral, rows)
    return rows


@router.post(
    "/reports/{report_ref}/onward",
    response={201: OnwardOut},
    auth=Allow("intake.add_onwardreferral", hide=True),
)
def add_onward(request, report_ref: str, payload: OnwardIn):
    onward = official.record_onward_referral(
        _report(report_ref), user=request.user, **payload.dict()
    )
    return Status(201, selectors.onward_for(request.user, onward.pk))


@router.post(
    "/onward/{onward_id}/answer",
    response=OnwardOut,
    auth=Allow("intake.answer_onwardreferral", hide=True),
)
def answer_onward(request, onward_id: int, payload: AnswerIn):
    onward = get_or_404(OnwardReferral, what="onward referral", pk=onward_id)
    official.answer_onward_referral(
        onward, user=request.user, answer=payload.answer, answered_at=payload.answered_at
    )
    return selectors.onward_for(request.user, onward_id)


@router.post(
    "/onward/{onward_id}/withdraw",
    response=OnwardOut,
    auth=Allow("intake.answer_onwardreferral", hide=True),
)
def withdraw_onward(request, onward_id: int, payload: ReportReasonIn):
    onward = get_or_404(OnwardReferral, what="onward referral", pk=onward_id)
    official.withdraw_onward_referral(onward, user=request.user, reason=payload.reason)
    return selectors.onward_for(request.user, onward_id)


# --- already known? -----------------------------------------------------------------------

KnownKind = Literal["name", "phone", "email", "handle", "url"]


class KnownQueryIn(Schema):
    kind: KnownKind
    value: str = Field(min_length=1, max_length=500)
    platform: Platform | None = Field(None, description="For a handle given without one")
    date_of_birth: datetime.date | None = Field(None, description="With a name")


class KnownCheckIn(Schema):
    identifiers: list[KnownQueryIn] = Field(min_length=1, max_length=known.MAX_IDENTIFIERS)
    where: str = Field("", max_length=200, description="Where they came from, for the audit")


class KnownPersonOut(Schema):
    person_id: int
    name: str
    prior_incidents: list[str]
    vulnerabilities: list[str]
    open_safeguarding: list[str]


class KnownHitOut(Schema):
    what: str = Field(description="person, report, incident, account or group")
    id: str
    reason: str
    score: float = Field(description="100 for an exact match, else the rapidfuzz similarity")
    person: KnownPersonOut | None = Field(None, description="Only for roles that may see people")


class KnownExternalOut(Schema):
    system: str
    reference: str
    summary: str
    contact: str


class KnownAnswerOut(Schema):
    kind: str
    value: str
    normalized: str
    known: bool
    hits: list[KnownHitOut] = Field(description="The records your role may see")
    hidden: int = Field(description="Records that hold it which your role may not see")
    ask: str = Field(description="Whom to ask about those")
    external: list[KnownExternalOut]
    problems: list[str]


def _known_out(answer: known.Answer) -> dict:
    return {
        "kind": answer.query.kind,
        "value": answer.query.value,
        "normalized": answer.normalized,
        "known": answer.known,
        "hits": [
            {
                "what": str(h.what),
                "id": str(h.record.pk),
                "reason": h.reason,
                "score": h.score,
                "person": {
                    "person_id": h.facts.person.pk,
                    "name": h.facts.person.full_name,
                    "prior_incidents": h.facts.incidents,
                    "vulnerabilities": h.facts.vulnerabilities,
                    "open_safeguarding": h.facts.open_actions,
                }
                if h.facts
                else None,
            }
            for h in answer.hits
            if h.shown
        ],
        "hidden": answer.hidden,
        "ask": answer.ask,
        "external": [e.__dict__ for e in answer.external],
        "problems": answer.problems,
    }


@router.post(
    "/known",
    response=list[KnownAnswerOut],
    auth=Allow(known.CHECK_PERM),
    description="Already known? Each identifier is looked up in people, groups' accounts, "
    "incidents, reports and the national and force systems; 422 naming "
    "identifiers.<n>.value when one does not normalise. Audited.",
)
def check_known(request, payload: KnownCheckIn):
    queries = [
        known.Query(q.kind, q.value, q.platform or "", q.date_of_birth) for q in payload.identifiers
    ]
    via = payload.where.strip() or "the API"
    return [_known_out(a) for a in known.check(request.user, queries, via=via, strict=True)]
