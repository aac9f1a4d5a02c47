"""Every write to cases: the case, its defendants, charges, hearings, results and sentences,
and the Home Office outcome of an incident that ended without a charge.

Each function checks everything before it writes and runs in a transaction, so refused input
(a malformed URN, a hearing before the charge, a result for a charge not in the case) is a
ValidationError naming the field and leaves nothing behind. Results and sentences are
decisions and go to the audit log as such; every row written is audited by signal.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone

from drachma.audit.services import record_decision
from drachma.cases import disclosure
from drachma.cases import urn as urns
from drachma.cases.models import (
    GUILTY,
    Case,
    Charge,
    ChargeResult,
    CustodyStatus,
    Defendant,
    Hearing,
    HearingKind,
    IncidentOutcome,
    ProsecutorNotice,
    Result,
)
from drachma.core.roles import Role
from drachma.evidence.models import EvidenceItem
from drachma.incidents.models import Incident
from drachma.incidents.services import as_aware
from drachma.intelligence.models import IntelligenceEntry
from drachma.people.models import Person

OIC_ROLES = (Role.INVESTIGATOR, Role.SUPERVISOR)
DISCLOSURE_ROLES = (Role.DISCLOSURE_OFFICER, Role.INVESTIGATOR, Role.SUPERVISOR)
CASE_FIELDS = (
    "urn",
    "officer_in_case",
    "disclosure_officer",
    "prosecutor_name",
    "prosecutor_contact",
    "summary",
    "incidents",
    "exhibits",
    "intelligence",
)
DEFENDANT_FIELDS = (
    "arrested_at",
    "interviewed_at",
    "warrant_issued_at",
    "summons_issued_at",
    "custody_status",
    "custody_since",
    "bail_conditions",
)


def day(value: datetime.date) -> str:
    return formats.date_format(value, "j F Y")


def _holds_role(user: Any, roles: Iterable[str], field: str, what: str) -> None:
    if user is None:
        raise ValidationError({field: f"Choose the {what}."})
    if not (user.is_active and user.groups.filter(name__in=[str(r) for r in roles]).exists()):
        names = ", ".join(str(r).replace("_", " ") for r in roles)
        raise ValidationError(
            {field: f"{user.get_username()} cannot be the {what}: choose a {names}."}
        )


def _clean_urn(value: str, *, exclude: int | None = None) -> str:
    try:
        parsed = urns.parse(value)
    except ValidationError as exc:
        raise ValidationError({"urn": exc.messages}) from None
    text = str(parsed)
    clash = Case.objects.filter(urn=text)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationError({"urn": f"A case with the URN {text} is already recorded."})
    return text


def _check_links(incidents: list[Incident], exhibits: list[EvidenceItem]) -> None:
    ids = {i.pk for i in incidents}
    for item in exhibits:
        if item.incident_id is not None and item.incident_id not in ids:
            raise ValidationError(
                {
                    "exhibits": f"Exhibit {item.exhibit_ref} belongs to {item.incident}, which "
                    "is not one of the case's incidents: add the incident first."
                }
            )


@transaction.atomic
def create_case(
    *,
    user: Any,
    urn: str,
    officer_in_case: Any,
    disclosure_officer: Any,
    prosecutor_name: str,
    prosecutor_contact: str,
    summary: str = "",
    incidents: Iterable[Incident] = (),
    exhibits: Iterable[EvidenceItem] = (),
    intelligence: Iterable[IntelligenceEntry] = (),
) -> Case:
    """Record a prosecution case under its URN."""
    incidents, exhibits, intelligence = list(incidents), list(exhibits), list(intelligence)
    text = _clean_urn(urn)
    _holds_role(officer_in_case, OIC_ROLES, "officer_in_case", "officer in the case")
    _holds_role(disclosure_officer, DISCLOSURE_ROLES, "disclosure_officer", "disclosure officer")
    _check_links(incidents, exhibits)
    case = Case(
        urn=text,
        officer_in_case=officer_in_case,
        disclosure_officer=disclosure_officer,
        prosecutor_name=(prosecutor_name or "").strip(),
        prosecutor_contact=(prosecutor_contact or "").strip(),
        summary=(summary or "").strip(),
        created_by=user,
    )
    case.full_clean()
    case.save()
    case.incidents.set(incidents)
    case.exhibits.set(exhibits)
    case.intelligence.set(intelligence)
    disclosure.import_incident_entries(case, user=user)
    disclosure.ensure_schedules(case, user=user)
    return case


@transaction.atomic
def update_case(case: Case, *, user: Any, **changes: Any) -> Case:
    unknown = set(changes) - set(CASE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This cannot be changed on a case."})
    case = Case.objects.select_for_update().get(pk=case.pk)
    if "urn" in changes:
        case.urn = _clean_urn(changes["urn"], exclude=case.pk)
    if "officer_in_case" in changes:
        _holds_role(changes["officer_in_case"], OIC_ROLES, "officer_in_case", "officer in the case")
        case.officer_in_case = changes["officer_in_case"]
    if "disclosure_officer" in changes:
        _holds_role(
            changes["disclosure_officer"],
            DISCLOSURE_ROLES,
            "disclosure_officer",
            "disclosure officer",
        )
        case.disclosure_officer = changes["disclosure_officer"]
    for name in ("prosecutor_name", "prosecutor_contact", "summary"):
        if name in changes:
            setattr(case, name, (changes[name] or "").strip())
    incidents = list(changes.get("incidents", case.incidents.all()))
    exhibits = list(changes.get("exhibits", case.exhibits.all()))
    _check_links(incidents, exhibits)
    case.full_clean()
    case.save()
    if "incidents" in changes:
        case.incidents.set(incidents)
    if "exhibits" in changes:
        case.exhibits.set(exhibits)
    if "intelligence" in changes:
        case.intelligence.set(list(changes["intelligence"]))
    if "incidents" in changes and disclosure.import_incident_entries(case, user=user):
        disclosure.after_change(case, user=user, what="Material of a newly linked incident added.")
    return case


def _defendant_times(fields: dict[str, Any]) -> dict[str, Any]:
    for name in (
        "arrested_at",
        "interviewed_at",
        "warrant_issued_at",
        "summons_issued_at",
        "custody_since",
    ):
        if name in fields:
            fields[name] = as_aware(fields[name], name)
    if "bail_conditions" in fields:
        fields["bail_conditions"] = (fields["bail_conditions"] or "").strip()
    if "custody_status" in fields and fields["custody_status"] not in CustodyStatus.values:
        raise ValidationError(
            {"custody_status": f"Unknown bail or remand status {fields['custody_status']!r}."}
        )
    return fields


@transaction.atomic
def add_defendant(case: Case, *, user: Any, person: Person | None, **fields: Any) -> Defendant:
    """Add a person to the case as a defendant, with their arrest, interview and bail."""
    unknown = set(fields) - set(DEFENDANT_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This is not part of a defendant's record."})
    if person is None:
        raise ValidationError({"person": "Choose the person charged or to be charged."})
    if case.defendants.filter(person=person).exists():
        raise ValidationError({"person": f"{person} is already a defendant in {case.urn}."})
    incident_ids = list(case.incidents.values_list("pk", flat=True))
    if incident_ids and not person.involvements.filter(incident_id__in=incident_ids).exists():
        raise ValidationError(
            {"person": f"{person} is not involved in any of the case's incidents."}
        )
    defendant = Defendant(case=case, person=person, **_defendant_times(dict(fields)))
    defendant.full_clean()
    defendant.save()
    disclosure.ensure_schedules(case, user=user)
    return defendant


@transaction.atomic
def update_defendant(defendant: Defendant, *, user: Any, **fields: Any) -> Defendant:
    """Record an arrest, interview, warrant, summons, or a change of bail or remand."""
    unknown = set(fields) - set(DEFENDANT_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This is not part of a defendant's record."})
    defendant = Defendant.objects.select_for_update().get(pk=defendant.pk)
    for name, value in _defendant_times(dict(fields)).items():
        setattr(defendant, name, value)
    defendant.full_clean()
    defendant.save()
    return defendant


def _defendant_of(case: Case, defendant: Defendant | int | str | None) -> Defendant:
    if isinstance(defendant, Defendant):
        defendant_id: Any = defendant.pk
    else:
        defendant_id = defendant
    if defendant_id in (None, ""):
        raise ValidationError({"defendant": "Choose the defendant."})
    try:
        found = Defendant.objects.select_related("person", "case").get(pk=int(defendant_id))
    except (Defendant.DoesNotExist, TypeError, ValueError):
        raise ValidationError({"defendant": f"There is no defendant {defendant_id}."}) from None
    if found.case_id != case.pk:
        raise ValidationError({"defendant": f"{found.person} is not a defendant in {case.urn}."})
    return found


@transaction.atomic
def add_charge(
    defendant: Defendant,
    *,
    user: Any,
    wording: str,
    legislation: str,
    charged_on: datetime.date | None,
    ho_offence_code: str = "",
) -> Charge:
    """Charge the defendant with one offence."""
    if charged_on is None:
        raise ValidationError({"charged_on": "Give the date of the charge."})
    if defendant.arrested_at and charged_on < timezone.localtime(defendant.arrested_at).date():
        raise ValidationError(
            {
                "charged_on": f"The charge cannot come before the arrest "
                f"({day(timezone.localtime(defendant.arrested_at).date())})."
            }
        )
    if defendant.sentenced_on:
        raise ValidationError(
            {
                "charged_on": f"{defendant.person} has been sentenced in this case: a new charge "
                "is a new case."
            }
        )
    charge = Charge(
        defendant=defendant,
        wording=(wording or "").strip(),
        legislation=(legislation or "").strip(),
        ho_offence_code=(ho_offence_code or "").strip().upper(),
        charged_on=charged_on,
    )
    charge.full_clean()
    charge.save()
    return charge


@transaction.atomic
def add_hearing(
    case: Case,
    *,
    user: Any,
    defendant: Defendant | int | str | None,
    court: str,
    at: datetime.datetime | None,
    kind: str,
    note: str = "",
) -> Hearing:
    """List a hearing of a defendant's case; never before the defendant was charged."""
    found = _defendant_of(case, defendant)
    if kind not in HearingKind.values:
        raise ValidationError({"kind": f"Unknown type of hearing {kind!r}."})
    if not (court or "").strip():
        raise ValidationError({"court": "Name the court."})
    if at is None:
        raise ValidationError({"at": "Give the date and time of the hearing."})
    at = as_aware(at, "at")
    assert at is not None
    first = found.charges.order_by("charged_on").first()
    if first is None:
        raise ValidationError(
            {"defendant": f"{found.person} has not been charged: charge before listing a hearing."}
        )
    if timezone.localtime(at).date() < first.charged_on:
        raise ValidationError(
            {
                "at": f"A hearing cannot be before the charge ({found.person} was charged on "
                f"{day(first.charged_on)})."
            }
        )
    hearing = Hearing(
        case=case,
        defendant=found,
        court=court.strip(),
        at=at,
        kind=kind,
        note=(note or "").strip(),
    )
    hearing.full_clean()
    hearing.save()
    return hearing


def charge_in_case(case: Case, charge_id: Any) -> Charge:
    """The charge ``charge_id`` of this case, or a ValidationError naming ``charge``."""
    try:
        charge = Charge.objects.select_related("defendant__person", "defendant__case").get(
            pk=int(charge_id)
        )
    except (Charge.DoesNotExist, TypeError, ValueError):
        raise ValidationError({"charge": f"There is no charge {charge_id}."}) from None
    if charge.defendant.case_id != case.pk:
        raise ValidationError({"charge": f"Charge {charge_id} is not a charge in {case.urn}."})
    return charge


@transaction.atomic
def record_result(
    case: Case,
    *,
    user: Any,
    charge: Any,
    result: str,
    decided_on: datetime.date | None,
    collapse_reason: str = "",
    note: str = "",
) -> ChargeResult:
    """Record how one charge ended: a plea, a verdict, or an ending without a verdict (which
    says why, so that collapses can be counted)."""
    found = charge_in_case(case, charge.pk if isinstance(charge, Charge) else charge)
    Charge.objects.select_for_update().filter(pk=found.pk).first()
    if ChargeResult.objects.filter(charge=found).exists():
        raise ValidationError(
            {"charge": f"The charge already has a result ({found.result.get_result_display()})."}
        )
    if result not in Result.values:
        raise ValidationError({"result": f"Unknown result {result!r}."})
    if decided_on is None:
        raise ValidationError({"decided_on": "Give the date of the result."})
    row = ChargeResult(
        charge=found,
        result=result,
        decided_on=decided_on,
        collapse_reason=collapse_reason or "",
        note=(note or "").strip(),
        recorded_by=user,
    )
    row.full_clean()
    row.save()
    record_decision(
        case, "result", charge=found.pk, result=result, collapse_reason=row.collapse_reason
    )
    return row


@transaction.atomic
def record_sentence(
    defendant: Defendant, *, user: Any, sentenced_on: datetime.date | None, sentence: str
) -> Defendant:
    """Record the defendant's sentence: it ends proceedings (Contempt of Court Act 1981,
    Schedule 1, paragraph 5)."""
    defendant = Defendant.objects.select_for_update().get(pk=defendant.pk)
    if defendant.sentenced_on:
        raise ValidationError({"sentenced_on": f"{defendant.person} has already been sentenced."})
    if sentenced_on is None:
        raise ValidationError({"sentenced_on": "Give the date of the sentence."})
    guilty = ChargeResult.objects.filter(charge__defendant=defendant, result__in=GUILTY)
    first = guilty.order_by("decided_on").first()
    if first is None:
        raise ValidationError(
            {"sentenced_on": f"{defendant.person} has no guilty plea or conviction to sentence."}
        )
    if sentenced_on < first.decided_on:
        raise ValidationError(
            {
                "sentenced_on": f"The sentence cannot come before the conviction "
                f"({day(first.decided_on)})."
            }
        )
    defendant.sentenced_on, defendant.sentence = sentenced_on, (sentence or "").strip()
    defendant.full_clean()
    defendant.save()
    record_decision(defendant.case, "sentence", defendant=defendant.pk)
    return defendant


@transaction.atomic
def record_incident_outcome(
    incident: Incident,
    *,
    user: Any,
    outcome: str,
    decided_on: datetime.date | None,
    note: str = "",
) -> IncidentOutcome:
    """The Home Office outcome of an incident that ended without a charge."""
    charged = Case.objects.filter(incidents=incident, defendants__charges__isnull=False).first()
    if charged is not None:
        raise ValidationError(
            {
                "incident": f"{incident.reference} was charged in case {charged.urn}: it did "
                "not end without a charge."
            }
        )
    if IncidentOutcome.objects.filter(incident=incident).exists():
        raise ValidationError({"incident": f"{incident.reference} already has an outcome."})
    if decided_on is None:
        raise ValidationError({"decided_on": "Give the date of the outcome."})
    row = IncidentOutcome(
        incident=incident,
        outcome=str(outcome or "").strip(),
        decided_on=decided_on,
        note=(note or "").strip(),
        recorded_by=user,
    )
    row.full_clean()
    if decided_on < timezone.localtime(incident.occurred_at).date():
        raise ValidationError({"decided_on": "The outcome cannot come before the incident."})
    row.save()
    record_decision(incident, "crime_outcome", outcome=row.outcome)
    return row


@transaction.atomic
def prosecutor_told(notice: ProsecutorNotice, *, user: Any, note: str) -> ProsecutorNotice:
    """The due action is done: the reviewing prosecutor was told of the publication."""
    notice = ProsecutorNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.done_at is not None:
        raise ValidationError({"note": "The prosecutor was already recorded as told."})
    if not (note or "").strip():
        raise ValidationError({"note": "Say how and when the prosecutor was told."})
    notice.done_at, notice.done_by, notice.note = timezone.now(), user, note.strip()
    notice.full_clean()
    notice.save()
    return notice
