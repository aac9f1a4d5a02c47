"""Every write to a case's disclosure: its material, its schedules (drafted, certified,
revised), the MG6E candidates read from conversations' quality reports, third-party requests
and the Disclosure Management Document; and the reads the pages and the API share.

Each write checks everything first and runs in a transaction, locking the case: a change of
material and a certification never pass each other, and a certified schedule whose material
changed is revised (``workflow.SCHEDULE``) in the same transaction as the change. Refused
input is a ValidationError naming the field, with nothing written.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from drachma.audit import reads
from drachma.audit.services import record_decision
from drachma.cases import schedules
from drachma.cases.models import (
    CandidateKind,
    CandidateState,
    Case,
    Defendant,
    DisclosureManagementDocument,
    Material,
    MaterialStatus,
    Mg6eCandidate,
    Schedule,
    ScheduleKind,
    ScheduleState,
    ThirdPartyRequest,
)
from drachma.cases.workflow import SCHEDULE
from drachma.core.access import get_or_404
from drachma.evidence.models import (
    DisclosureEntry,
    DisclosureStatus,
    EvidenceItem,
    ParsedConversation,
)

MATERIAL_FIELDS = (
    "description",
    "defendant",
    "location",
    "used",
    "sensitive",
    "sensitivity_reason",
    "status",
    "might_undermine_or_assist",
    "mg6e_reason",
    "prosecutor_decision",
    "item",
    "third_party_request",
)
# The headings of the Disclosure Management Document (AG's Guidelines 2024, Annex C), in order.
DMD_HEADINGS = (
    ("investigation_summary", "The investigation and the prosecution case"),
    ("defence_case", "The issues and what is known of the defence case"),
    ("lines_of_enquiry", "Reasonable lines of enquiry"),
    ("digital_strategy", "Strategy for digital material"),
    ("third_party_approach", "Third-party material"),
    ("sensitive_material", "Sensitive material"),
    ("timetable", "Disclosure timetable and engagement with the defence"),
)
DMD_FIELDS = tuple(name for name, _ in DMD_HEADINGS)


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def case_exhibits(case: Case) -> QuerySet[EvidenceItem]:
    """The case's exhibits and those of its incidents."""
    return (
        EvidenceItem.objects.filter(Q(cases=case) | Q(incident__in=case.incidents.all()))
        .select_related("stored_file")
        .distinct()
        .order_by("exhibit_ref")
    )


# --- Schedules ---------------------------------------------------------------------------


def ensure_schedules(case: Case, *, user: Any) -> list[Schedule]:
    """A draft of each schedule for each scope the case has now (version 1 where none is)."""
    made = []
    for defendant in schedules.scopes(case):
        for kind in ScheduleKind.values:
            if Schedule.objects.filter(case=case, defendant=defendant, kind=kind).exists():
                continue
            schedule = Schedule.objects.create(case=case, defendant=defendant, kind=kind)
            SCHEDULE.start(schedule, user=user, transition="drafted")
            made.append(schedule)
    return made


def after_change(case: Case, *, user: Any, what: str) -> list[Schedule]:
    """Draft schedules for new scopes, and revise every certified schedule the change altered.
    Returns the new drafts of revised schedules."""
    ensure_schedules(case, user=user)
    drafted = []
    for schedule in Schedule.objects.filter(case=case, state=ScheduleState.CERTIFIED):
        if schedules.has_changed(schedule):
            SCHEDULE.apply(schedule, "revise", user=user, note=what)
            drafted.append(schedule.next_version)
    return drafted


@transaction.atomic
def certify(schedule: Schedule, *, user: Any, role: str = "") -> Schedule:
    """Certify ``schedule``: refused unless by the case's disclosure officer and with nothing
    undecided on it."""
    _lock(schedule.case)
    return SCHEDULE.apply(schedule, "certify", user=user, role=role)


# --- Material ----------------------------------------------------------------------------


def _check_links(case: Case, material: Material) -> None:
    item = material.item if material.item_id else None
    if item is not None and not case_exhibits(case).filter(pk=item.pk).exists():
        raise ValidationError(
            {
                "item": f"Exhibit {item.exhibit_ref} is not one of the case's exhibits nor from "
                "its incidents: add it to the case first."
            }
        )


def _default_location(material: Material) -> None:
    if material.location:
        return
    item = material.item if material.item_id else None
    request = material.third_party_request if material.third_party_request_id else None
    if item is not None:
        material.location = f"Drachma evidence store, exhibit {item.exhibit_ref}"
    elif request is not None:
        material.location = f"Held by {request.holder} (third-party request {request.reference})"


@transaction.atomic
def add_material(
    case: Case,
    *,
    user: Any,
    description: str,
    defendant: Defendant | None = None,
    item: EvidenceItem | None = None,
    third_party_request: ThirdPartyRequest | None = None,
    location: str = "",
    used: bool = False,
    sensitive: bool = False,
    sensitivity_reason: str = "",
    status: str = MaterialStatus.UNDECIDED,
    might_undermine_or_assist: bool = False,
    mg6e_reason: str = "",
    prosecutor_decision: str = "",
) -> Material:
    """Record a piece of relevant material on the case; the next item number is its."""
    case = _lock(case)
    material = Material(
        case=case,
        defendant=defendant,
        item=item,
        third_party_request=third_party_request,
        description=(description or "").strip(),
        location=(location or "").strip(),
        used=used,
        sensitive=sensitive,
        sensitivity_reason=(sensitivity_reason or "").strip(),
        status=status,
        might_undermine_or_assist=might_undermine_or_assist,
        mg6e_reason=(mg6e_reason or "").strip(),
        prosecutor_decision=prosecutor_decision or "",
    )
    _default_location(material)
    material.number = (case.material.aggregate(m=Max("number"))["m"] or 0) + 1
    if status != MaterialStatus.UNDECIDED:
        material.decided_by, material.decided_at = user, timezone.now()
    material.full_clean()
    _check_links(case, material)
    material.save()
    after_change(case, user=user, what=f"Item {material.number} added.")
    return material


@transaction.atomic
def update_material(material: Material, *, user: Any, **changes: Any) -> Material:
    """Change what is recorded of a piece of material; a change of status records who and
    when, and any certified schedule it alters is revised."""
    unknown = set(changes) - set(MATERIAL_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This cannot be changed on material."})
    case = _lock(material.case)
    material = Material.objects.select_for_update().get(pk=material.pk)
    old_status = material.status
    for name, value in changes.items():
        if isinstance(value, str) and name not in ("status", "prosecutor_decision"):
            value = value.strip()
        if value is None and name not in ("defendant", "item", "third_party_request"):
            value = ""
        setattr(material, name, value)
    if material.status != old_status:
        material.decided_by, material.decided_at = user, timezone.now()
    _default_location(material)
    material.full_clean()
    _check_links(case, material)
    material.save()
    after_change(case, user=user, what=f"Item {material.number} changed.")
    return material


def import_incident_entries(case: Case, *, user: Any = None) -> list[Material]:
    """Copy onto ``case`` the incident schedule entries (evidence.DisclosureEntry) of its
    incidents not copied yet. Decisions are kept when the incident is in this case only; an
    incident shared by several cases leaves each case's disclosure officer to decide again
    (the old decision is kept in the audit log and on the incident's entry)."""
    made = []
    done = set(case.material.exclude(migrated_from=None).values_list("migrated_from", flat=True))
    for entry in DisclosureEntry.objects.filter(incident__in=case.incidents.all()).order_by(
        "incident__reference", "number"
    ):
        if entry.pk in done:
            continue
        shared = entry.incident.cases.count() > 1
        status = {
            DisclosureStatus.DRAFT: MaterialStatus.UNDECIDED,
            DisclosureStatus.SCHEDULED: MaterialStatus.SCHEDULED,
            DisclosureStatus.WITHDRAWN: MaterialStatus.WITHDRAWN,
        }[DisclosureStatus(entry.status)]
        material = Material(
            case=case,
            item=entry.item if entry.item_id else None,
            description=entry.description,
            location=entry.location or f"Incident {entry.incident.reference}, item {entry.number}",
            used=entry.used,
            sensitive=entry.sensitive,
            sensitivity_reason=entry.sensitivity_reason,
            status=MaterialStatus.UNDECIDED if shared else status,
            might_undermine_or_assist=entry.might_undermine_or_assist,
            mg6e_reason=entry.mg6e_reason,
            prosecutor_decision="" if shared else entry.prosecutor_decision,
            migrated_from=entry,
            decided_by=None if shared else entry.decided_by,
            decided_at=None if shared else entry.decided_at,
        )
        material.number = (case.material.aggregate(m=Max("number"))["m"] or 0) + 1
        material.save()
        made.append(material)
    return made


# --- MG6E candidates from conversations' quality reports ---------------------------------


def findings(quality: dict[str, Any]) -> dict[str, str]:
    """The findings of a quality report worth the disclosure officer's MG6E decision."""
    found: dict[str, str] = {}
    deleted = quality.get("deleted") or {}
    if deleted.get("count"):
        by = ", ".join(f"{k}: {v}" for k, v in sorted((deleted.get("by_sender") or {}).items()))
        found[CandidateKind.DELETED] = (
            f"{deleted['count']} message(s) deleted before the export"
            + (f" ({by})." if by else ".")
        )
    gaps = quality.get("gaps") or []
    if gaps:
        longest = max(gaps, key=lambda g: g.get("seconds", 0))
        found[CandidateKind.GAPS] = (
            f"{len(gaps)} silence(s) longer than "
            f"{round((quality.get('gap_threshold_seconds') or 0) / 3600)} hours; the longest, "
            f"{longest.get('length', '')}, from {longest.get('start_timestamp', '')} to "
            f"{longest.get('end_timestamp', '')}."
        )
    media = quality.get("media") or {}
    missing = media.get("missing_count") or 0
    omitted = media.get("placeholders_count") or 0
    if missing or omitted:
        parts = []
        if missing:
            parts.append(f"{missing} attachment(s) named by the export but not supplied")
        if omitted:
            parts.append(f"{omitted} media item(s) left out of the export")
        found[CandidateKind.MEDIA] = "; ".join(parts) + "."
    first = quality.get("first_sender")
    if first:
        found[CandidateKind.FIRST_SENDER] = (
            f"The first message was sent by {first.get('sender')} ({first.get('timestamp', '')})."
        )
    partial = quality.get("partial") or {}
    if partial.get("looks_partial"):
        found[CandidateKind.PARTIAL] = "The export looks partial: " + " ".join(
            partial.get("reasons") or []
        )
    return {k: v[:2000] for k, v in found.items()}


@transaction.atomic
def offer_candidates(case: Case, *, user: Any) -> list[Mg6eCandidate]:
    """Offer the disclosure officer each finding of the quality reports of the case's
    conversations not offered yet. Returns the new candidates."""
    case = _lock(case)
    made = []
    conversations = ParsedConversation.objects.filter(item__in=case_exhibits(case)).select_related(
        "item"
    )
    for parsed in conversations:
        for kind, finding in findings(parsed.quality or {}).items():
            candidate, created = Mg6eCandidate.objects.get_or_create(
                case=case, item=parsed.item, kind=kind, defaults={"finding": finding}
            )
            if created:
                made.append(candidate)
    if made:
        ensure_schedules(case, user=user)
    return made


@transaction.atomic
def decide_candidate(
    candidate: Mg6eCandidate, *, user: Any, accept: bool | None, reason: str
) -> Mg6eCandidate:
    """Accept a candidate for the MG6E, or decline it; the reason is required either way. A
    decision that alters a certified MG6E revises it."""
    if accept is None:
        raise ValidationError({"accept": "Choose whether to accept it for the MG6E or decline it."})
    case = _lock(candidate.case)
    candidate = Mg6eCandidate.objects.select_for_update().get(pk=candidate.pk)
    candidate.state = CandidateState.ACCEPTED if accept else CandidateState.DECLINED
    candidate.reason = (reason or "").strip()
    candidate.decided_by, candidate.decided_at = user, timezone.now()
    candidate.full_clean()
    candidate.save()
    record_decision(candidate, "mg6e_candidate", state=candidate.state, reason=candidate.reason)
    after_change(
        case,
        user=user,
        what=f"MG6E candidate '{candidate.get_kind_display().lower()}' in "
        f"{candidate.item.exhibit_ref} {candidate.get_state_display().lower()}.",
    )
    return candidate


# --- Third-party material ----------------------------------------------------------------


@transaction.atomic
def add_request(
    case: Case,
    *,
    user: Any,
    holder_kind: str,
    what: str,
    reasons: str,
    asked_on: datetime.date | None,
    group: Any = None,
    holder_name: str = "",
    legal_route: str = "",
    details: str = "",
) -> ThirdPartyRequest:
    """Record a request for material held by someone else. Drachma sends nothing: a request to
    a group is made (and recorded here) by the officer, never through Drachma."""
    case = _lock(case)
    if not holder_kind:
        raise ValidationError(
            {"holder_kind": "Say who holds the material: a group, a platform or an agency."}
        )
    if asked_on is None:
        raise ValidationError({"asked_on": "Give the date the material was asked for."})
    request = ThirdPartyRequest(
        case=case,
        holder_kind=holder_kind,
        group=group,
        holder_name=(holder_name or "").strip(),
        legal_route=legal_route or "",
        what=what,
        details=(details or "").strip(),
        reasons=(reasons or "").strip(),
        asked_on=asked_on,
        asked_by=user,
    )
    request.number = (case.third_party_requests.aggregate(m=Max("number"))["m"] or 0) + 1
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def answer_request(
    request: ThirdPartyRequest,
    *,
    user: Any,
    answered_on: datetime.date | None,
    answer_kind: str,
    answer: str = "",
    refusal_reason: str = "",
    received: Iterable[EvidenceItem] = (),
) -> ThirdPartyRequest:
    """Record the answer to a request, and the exhibits that came in (the case's own)."""
    case = _lock(request.case)
    request = ThirdPartyRequest.objects.select_for_update().get(pk=request.pk)
    received = list(received)
    request.answered_on = answered_on
    request.answer_kind = answer_kind or ""
    request.answer = (answer or "").strip()
    request.refusal_reason = (refusal_reason or "").strip()
    request.full_clean()
    if not request.answer_kind:
        raise ValidationError({"answer_kind": "Choose what the answer was."})
    if received and request.answer_kind not in ("provided", "partly"):
        raise ValidationError(
            {"received": "Exhibits came in only with an answer that provided material."}
        )
    ours = set(case_exhibits(case).values_list("pk", flat=True))
    for item in received:
        if item.pk not in ours:
            raise ValidationError(
                {
                    "received": f"Exhibit {item.exhibit_ref} is not one of the case's exhibits "
                    "nor from its incidents: add it to the case first."
                }
            )
    request.save()
    request.received.set(received)
    return request


# --- The Disclosure Management Document --------------------------------------------------


@transaction.atomic
def save_dmd(case: Case, *, user: Any, **fields: Any) -> DisclosureManagementDocument:
    unknown = set(fields) - set(DMD_FIELDS)
    if unknown:
        raise ValidationError(
            {sorted(unknown)[0]: "This is not a heading of the Disclosure Management Document."}
        )
    case = _lock(case)
    dmd = DisclosureManagementDocument.objects.filter(case=case).first()
    dmd = dmd or DisclosureManagementDocument(case=case)
    for name, value in fields.items():
        setattr(dmd, name, (value or "").strip())
    dmd.updated_by, dmd.updated_at = user, timezone.now()
    dmd.full_clean()
    dmd.save()
    return dmd


def dmd_of(case: Case) -> DisclosureManagementDocument:
    """The case's DMD, or an empty one (not saved) when none is written yet."""
    return DisclosureManagementDocument.objects.filter(case=case).first() or (
        DisclosureManagementDocument(case=case)
    )


# --- Reads for a viewer (the view recorded in the audit log) --------------------------------


def schedule_for(viewer: Any, schedule_id: Any) -> Schedule:
    schedule = get_or_404(
        Schedule.objects.select_related(
            "case__officer_in_case", "case__disclosure_officer", "defendant__person", "previous"
        ),
        what="schedule",
        pk=schedule_id,
    )
    reads.viewed(viewer, schedule)
    return schedule


def material_for(viewer: Any, material_id: Any) -> Material:
    material = get_or_404(
        Material.objects.select_related("case", "item", "defendant__person"),
        what="material",
        pk=material_id,
    )
    reads.viewed(viewer, material)
    return material


def candidate_for(viewer: Any, candidate_id: Any) -> Mg6eCandidate:
    candidate = get_or_404(
        Mg6eCandidate.objects.select_related("case", "item"), what="candidate", pk=candidate_id
    )
    reads.viewed(viewer, candidate)
    return candidate


def request_for(viewer: Any, request_id: Any) -> ThirdPartyRequest:
    request = get_or_404(
        ThirdPartyRequest.objects.select_related("case", "group"), what="request", pk=request_id
    )
    reads.viewed(viewer, request)
    return request


def overview(case: Case) -> dict[str, Any]:
    """What the case's disclosure page and the API show."""
    return {
        "material": list(
            case.material.select_related("item", "defendant__person", "third_party_request")
        ),
        "schedules": schedules.latest(case),
        "candidates": list(case.mg6e_candidates.select_related("item", "decided_by")),
        "requests": list(
            case.third_party_requests.select_related("group").prefetch_related("received")
        ),
        "dmd": dmd_of(case),
    }
