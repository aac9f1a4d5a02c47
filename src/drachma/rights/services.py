"""Every write of the rights register: requests registered, searched, extended, decided,
applied (rectification, erasure, restriction through the owning apps' services, each with its
audit) and answered; and the response pack, whose download is logged as a disclosure to the
requester (DPA 2018 s.62). Each service validates before writing and runs in one transaction:
a refusal is a ValidationError naming the field, and leaves nothing half-written.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from drachma.audit.models import AuditAction
from drachma.audit.services import append, label_of
from drachma.cases.models import Case, Defendant, Stage
from drachma.core import restrictions
from drachma.core.models import ReferenceCounter
from drachma.core.printing import render_pdf
from drachma.evidence.models import EvidenceItem
from drachma.incidents.models import Incident, IncidentPerson
from drachma.intelligence.models import IntelligenceEntry
from drachma.people import services as people_services
from drachma.people.models import Person
from drachma.rights import search as finder
from drachma.rights.models import (
    Decision,
    Ground,
    Outcome,
    Right,
    RightsRequest,
    RightsRequestItem,
    RightsState,
    add_months,
)
from drachma.rights.workflow import RIGHTS

REFERENCE_PREFIX = "RR"
IDENTIFIERS = (
    "requester_date_of_birth",
    "requester_address",
    "requester_email",
    "requester_phone",
    "requester_handles",
)
# The fields of a person's record a rectification may correct.
RECTIFIABLE = (
    "given_names",
    "family_name",
    "known_as",
    "date_of_birth",
    "address",
    "postcode",
    "notes",
)
LIVE_STAGES = (Stage.AWAITING_CHARGE, Stage.CHARGED)


def due_on(received_on: datetime.date) -> datetime.date:
    """One calendar month beginning with the day received (s.54(2))."""
    return add_months(received_on, 1)


def purpose_of(request: RightsRequest) -> str:
    """What the audit log records as the purpose of the work on a request (s.62)."""
    return f"rights request {request.reference}"


def register_request(*, user: Any, **fields: Any) -> RightsRequest:
    """Register a request. Refused (``requester_name``) when it gives only a name: a person
    cannot be identified from a name alone, so at least one identifier must be given."""
    allowed = {
        "right",
        "requester_name",
        "identity_check",
        "identity_note",
        "details",
        "received_on",
        *IDENTIFIERS,
    }
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError({f: "This field cannot be set." for f in unknown})
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    for name in ("identity_note", "details", *IDENTIFIERS):
        if data.get(name) is None and name != "requester_date_of_birth":
            data[name] = ""
    if not any(data.get(name) for name in IDENTIFIERS):
        raise ValidationError(
            {
                "requester_name": "A name alone cannot identify the requester: give their date "
                "of birth, address, e-mail address, telephone or online names as well."
            }
        )
    request = RightsRequest(recorded_by=user, **data)
    # The deadline is worked out once the receipt date is known to be a real, past day.
    request.full_clean(exclude=["due_on"])
    request.due_on = due_on(request.received_on)
    with transaction.atomic():
        request.reference = ReferenceCounter.next_reference(REFERENCE_PREFIX)
        request.save()
        RIGHTS.start(request, user=user, transition="register")
    return request


def run_search(request: RightsRequest, *, user: Any) -> list[RightsRequestItem]:
    """Search every app for the requester and keep what is found (new records only, when
    searched again). Refused (``search``), with nothing written, when nothing matches."""
    with transaction.atomic():
        locked = RightsRequest.objects.select_for_update().get(pk=request.pk)
        name = "search" if locked.state == RightsState.REGISTERED else "search_again"
        RIGHTS.check(locked.state, name, user)
        found = finder.search(locked)
        if not found:
            raise ValidationError(
                {
                    "search": f"No record in Drachma matches {locked.requester_name} with the "
                    "identifiers given: check the spelling and the identifiers, or refuse the "
                    "request saying that nothing is held."
                }
            )
        known = {(ct, oid) for ct, oid in locked.items.values_list("content_type_id", "object_id")}
        added: list[RightsRequestItem] = []
        for f in found:
            ct = ContentType.objects.get_for_model(type(f.obj), for_concrete_model=True)
            if (ct.pk, int(f.obj.pk)) in known:
                continue
            item = RightsRequestItem(
                request=locked,
                content_type=ct,
                object_id=int(f.obj.pk),
                kind=f.kind,
                summary=f.summary,
                matched_on=f.matched_on[:200],
                data=json.loads(json.dumps(f.data, cls=DjangoJSONEncoder)),
                redactions=f.redactions,
            )
            item.full_clean()
            item.save()
            added.append(item)
            # Consulting the record for the request: logged with its purpose (s.62).
            append(
                AuditAction.VIEW,
                model=label_of(f.obj),
                object_id=str(f.obj.pk),
                object_repr=str(f.obj),
                changes={"via": locked.reference},
                actor=user,
                purpose=purpose_of(locked),
            )
        RIGHTS.apply(
            locked,
            name,
            user=user,
            note=f"{len(found)} record{'s' if len(found) != 1 else ''} found, {len(added)} new.",
        )
    request.refresh_from_db()
    return added


def finish_search(request: RightsRequest, *, user: Any) -> RightsRequest:
    return RIGHTS.apply(request, "finish_search", user=user)


def extend(request: RightsRequest, *, user: Any, ground: str, reason: str) -> RightsRequest:
    """Extend the deadline by two months (s.54(3A)); ``note`` (the reason) is required."""
    if not (reason or "").strip():
        raise ValidationError(
            {"reason": "Give the reason for the delay: the notice to the requester states it."}
        )
    return RIGHTS.apply(request, "extend", user=user, note=reason, ground=ground)


def answer(request: RightsRequest, *, user: Any, note: str = "") -> RightsRequest:
    return RIGHTS.apply(request, "answer", user=user, note=note)


def refuse(request: RightsRequest, *, user: Any, reason: str) -> RightsRequest:
    return RIGHTS.apply(request, "refuse", user=user, note=reason)


def withdraw(request: RightsRequest, *, user: Any, reason: str) -> RightsRequest:
    return RIGHTS.apply(request, "withdraw", user=user, note=reason)


def _locked_item(item: RightsRequestItem) -> tuple[RightsRequest, RightsRequestItem]:
    """The item and its request, both locked; refused unless the request is being decided."""
    request = RightsRequest.objects.select_for_update().get(pk=item.request_id)
    locked = RightsRequestItem.objects.select_for_update().get(pk=item.pk)
    if request.state != RightsState.DECIDING:
        raise ValidationError(
            {
                "decision": f"{request.reference} is {request.get_state_display().lower()}: "
                "records are decided only once the search is finished and before the answer."
            }
        )
    return request, locked


def decide(
    item: RightsRequestItem, *, user: Any, decision: str, ground: str = "", reason: str = ""
) -> RightsRequestItem:
    """Disclose the record, withhold it under a restriction of s.45(4) with the reason, or set
    it aside as not about the requester (with the reason)."""
    if decision not in (Decision.DISCLOSE, Decision.WITHHOLD, Decision.NOT_THEIRS):
        raise ValidationError({"decision": "Choose disclose, withhold or not about the requester."})
    if ground and ground not in Ground.values:
        raise ValidationError({"ground": f"{ground!r} is not a restriction of s.45(4)."})
    with transaction.atomic():
        _request, locked = _locked_item(item)
        locked.decision = decision
        locked.ground = ground if decision == Decision.WITHHOLD else ""
        locked.reason = (reason or "").strip()
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.full_clean()
        locked.save()
    item.refresh_from_db()
    return locked


def target_of(item: RightsRequestItem) -> Model | None:
    """The record an item names, or None once it is gone (erased)."""
    model = item.content_type.model_class()
    if model is None:
        return None
    return model._base_manager.filter(pk=item.object_id).first()


def legal_hold(obj: Model) -> str | None:
    """Why ``obj`` must be kept, or None. Drachma has no separate legal-hold register: a
    record linked to a live case (awaiting charge or charged) is held for the proceedings
    (and is material the disclosure duties of the CPIA 1996 apply to)."""
    cases: list[Case] = []
    if isinstance(obj, Person):
        cases += [d.case for d in Defendant.objects.filter(person=obj).select_related("case")]
        incidents = IncidentPerson.objects.filter(person=obj).values("incident")
        cases += list(Case.objects.filter(incidents__in=incidents))
    elif isinstance(obj, Incident):
        cases += list(obj.cases.all())
    elif isinstance(obj, EvidenceItem):
        cases += list(obj.cases.all())
        if obj.incident_id:
            cases += list(Case.objects.filter(incidents=obj.incident_id))
    elif isinstance(obj, IntelligenceEntry):
        cases += list(obj.cases.all())
    for case in dict.fromkeys(cases):
        if case.stage in LIVE_STAGES:
            return (
                f"{obj} is under a legal hold: it is linked to case {case.urn}, which is "
                f"{case.get_stage_display().lower()}; it cannot be erased while the case is live."
            )
    return None


def _applicable(item: RightsRequestItem, rights: tuple[str, ...]) -> tuple[Any, Any, Model]:
    request, locked = _locked_item(item)
    if request.right not in rights:
        raise ValidationError(
            {"right": f"{request.reference} is a request for {request.get_right_display()}."}
        )
    if locked.outcome:
        raise ValidationError(
            {"outcome": f"This record was already {locked.get_outcome_display().lower()}."}
        )
    target = target_of(locked)
    if target is None:
        raise ValidationError({"outcome": "The record no longer exists."})
    return request, locked, target


def rectify(item: RightsRequestItem, *, user: Any, field: str, value: Any) -> RightsRequestItem:
    """Correct one field of the requester's person record through the people services (whose
    save is audited), and keep what was done on the item."""
    if field not in RECTIFIABLE:
        raise ValidationError(
            {"field": f"Choose a field that can be corrected: {', '.join(RECTIFIABLE)}."}
        )
    with transaction.atomic():
        request, locked, target = _applicable(item, (Right.RECTIFICATION,))
        if not isinstance(target, Person):
            raise ValidationError(
                {
                    "field": "Rectification here corrects a person's record; correct other "
                    "records in their own app and note it on the request."
                }
            )
        old = getattr(target, field)
        people_services.update_person(target, user=user, **{field: value})
        locked.outcome = Outcome.RECTIFIED
        locked.outcome_note = f"{field} corrected"[:500]
        locked.save()
        append(
            AuditAction.DECISION,
            model=label_of(target),
            object_id=str(target.pk),
            object_repr=str(target),
            changes={"decision": "rectified", "field": field, "old": str(old), "new": str(value)},
            actor=user,
            purpose=purpose_of(request),
        )
    return locked


def erase(item: RightsRequestItem, *, user: Any) -> RightsRequestItem:
    """Erase the record (s.47(1)) through its app's service. Refused, with nothing changed,
    for a record under a legal hold (``legal_hold``) or still used by another record."""
    with transaction.atomic():
        request, locked, target = _applicable(item, (Right.ERASURE,))
        held = legal_hold(target)
        if held:
            raise ValidationError({"erasure": held})
        if not isinstance(target, Person):
            raise ValidationError(
                {
                    "erasure": f"A {locked.kind.lower()} is erased in its own app; restrict it "
                    "here instead if it must be kept for evidence (s.47(2)(b))."
                }
            )
        name = str(target)
        try:
            people_services.delete_person(target, user=user)
        except ValidationError as exc:
            raise ValidationError({"erasure": exc.messages}) from None
        locked.outcome = Outcome.ERASED
        locked.outcome_note = f"{name} erased"[:500]
        locked.data = {}
        locked.save()
        append(
            AuditAction.DECISION,
            model="people.person",
            object_id=str(locked.object_id),
            object_repr=name,
            changes={"decision": "erased"},
            actor=user,
            purpose=purpose_of(request),
        )
    return locked


def restrict(item: RightsRequestItem, *, user: Any, reason: str) -> RightsRequestItem:
    """Restrict the record's processing (s.47(2)): held, not used. Refused for a record
    already restricted."""
    with transaction.atomic():
        request, locked, target = _applicable(item, (Right.RESTRICTION, Right.ERASURE))
        restrictions.restrict(target, reason=reason, user=user, request_reference=request.reference)
        locked.outcome = Outcome.RESTRICTED
        locked.outcome_note = (reason or "").strip()[:500]
        locked.save()
    return locked


# --- the response pack -----------------------------------------------------------------------


def pack(request: RightsRequest) -> dict[str, Any]:
    """The response: what is disclosed, with third parties' names redacted, and how many
    records were withheld (the grounds are not named to the requester where naming them
    would itself undermine the restriction, s.45(6))."""
    items = list(request.items.all())
    disclosed = [i for i in items if i.decision == Decision.DISCLOSE]
    withheld = [i for i in items if i.decision == Decision.WITHHOLD]
    return {
        "reference": request.reference,
        "right": request.get_right_display(),
        "requester": request.requester_name,
        "received_on": request.received_on.isoformat(),
        "answered_by": request.deadline.isoformat(),
        "generated_at": timezone.now().isoformat(),
        "records": [
            {
                "kind": i.kind,
                "summary": i.summary,
                "data": i.data,
                "outcome": i.get_outcome_display() if i.outcome else "",
            }
            for i in disclosed
        ],
        "withheld": len(withheld),
        "your_rights": (
            "Where information is withheld you may complain to the Information Commissioner "
            "(www.ico.org.uk) or apply to a court (s.45(5) and s.167 of the Data Protection Act "
            "2018)."
        ),
    }


def disclosed(request: RightsRequest, *, user: Any, fmt: str) -> dict[str, Any]:
    """The pack, its download logged as a disclosure to the requester with its purpose."""
    data = pack(request)
    append(
        AuditAction.EXPORT,
        model=label_of(request),
        object_id=str(request.pk),
        object_repr=f"{request.reference} response pack",
        changes={"format": fmt, "records": len(data["records"]), "withheld": data["withheld"]},
        actor=user,
        purpose=purpose_of(request),
        recipient=f"{request.requester_name} (the data subject)",
    )
    return data


def pack_json(request: RightsRequest, *, user: Any) -> bytes:
    data = disclosed(request, user=user, fmt="json")
    return json.dumps(data, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder).encode()


def data_rows(data: dict[str, Any]) -> list[tuple[str, str]]:
    """A found record's data as (label, text) rows, lists joined: for pages and the PDF."""
    return [
        (
            str(key).replace("_", " ").capitalize(),
            ", ".join(map(str, value)) if isinstance(value, list) else str(value or ""),
        )
        for key, value in data.items()
    ]


def pack_pdf(request: RightsRequest, *, user: Any) -> bytes:
    data = disclosed(request, user=user, fmt="pdf")
    for record in data["records"]:
        record["rows"] = data_rows(record["data"])
    return render_pdf("rights/pack_pdf.html", {"pack": data, "request": request}, user=user)
