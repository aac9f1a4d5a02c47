"""The chain of custody of an exhibit, declared once.

    not received ──received──▶ received ──logged──▶ in custody ──returned──▶ returned
                                  │                  │  ▲                        │
                                  │                  └──┘ transferred, examined, │
                                  │                       copied (any number)    │
                                  └──────────disposed──────┴──────disposed───────┴─▶ disposed

Each custody event kind is a transition named after it (the event's ``transition``). An
exhibit is received first (``services.receive_file`` records the receipt as the first event,
with the hash computed as the bytes arrived); it is then logged into the property system;
while in custody it may be transferred, examined and copied any number of times; it may be
returned to its owner; disposal is final, and nothing follows it.

Every step also checks what the states cannot say (the guards): it is not dated before the
last step nor in the future; a receipt names who handed the exhibit over; a transfer starts
from whoever holds the exhibit now and goes to someone else; a return names to whom; and,
when asked, the stored file is hashed again and must still match. The effects keep who holds
the exhibit (``EvidenceItem.custody_holder``) and the step's parties, place and hash on its
event. Services take a step with ``CUSTODY.apply(item, "transferred", user=..., from_party=...,
to_party=..., verify_hash=True)``.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils import timezone

from drachma.core.workflow import StateMachine, Step, Transition
from drachma.evidence.models import CustodyEvent, CustodyEventKind, CustodyState, EvidenceItem
from drachma.evidence.store import get_store

PERM = "evidence.add_custodyevent"
# A step may be dated a few minutes ahead of the server's clock (a device's clock).
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)
# Who holds a file that came in by itself (through the reporting page).
STORE_HOLDER = "the force's evidence store"

S = CustodyState
K = CustodyEventKind


def person_name(user) -> str:
    """How a user is named in custody records and statements."""
    if user is None:
        return ""
    name = user.get_full_name().strip() or user.get_username()
    try:
        collar = user.account.collar_number
    except (AttributeError, ObjectDoesNotExist):
        collar = ""
    return f"{name} ({collar})" if collar else name


def receiver(to_party: str, user) -> str:
    """Who holds an exhibit once received: whoever the receipt names as receiving it, or else
    the officer who recorded it, or else (a file that came in by itself) the store."""
    return to_party or person_name(user) or STORE_HOLDER


def same_party(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _party(step: Step[EvidenceItem], name: str) -> str:
    return (step.params.get(name) or "").strip()


def refusal(item: EvidenceItem, kind: str) -> ValidationError | None:
    """Why ``kind`` cannot follow where ``item``'s chain stands, in the officers' words and
    naming the exhibit (None when it can). The service asks this under the item's lock before
    taking the step; ``apply`` checks the same again."""
    state, ref = item.custody_state, item.exhibit_ref
    label = K(kind).label.lower()
    if state == S.NOT_RECEIVED and kind != K.RECEIVED:
        return ValidationError({"kind": f"{ref} cannot be {label} before it has been received."})
    if state == S.DISPOSED:
        return ValidationError(
            {"kind": f"{ref} has been disposed of; nothing can follow disposal (tried: {label})."}
        )
    if state not in CUSTODY.transition(kind).sources:
        allowed = ", ".join(t.name for t in CUSTODY.allowed(state)) or "nothing"
        return ValidationError(
            {
                "kind": f"{ref} cannot be {label} now: it is "
                f"{S(state).label.lower()}; next may come: {allowed}."
            }
        )
    return None


# --- guards --------------------------------------------------------------------------------


def _check_time_and_parties(step: Step[EvidenceItem]) -> None:
    """Every step: in time order and not in the future; the parties its kind needs. All the
    problems are reported at once."""
    item, kind = step.record, step.name
    ref = item.exhibit_ref
    errors: dict[str, str] = {}
    last = item.custody_events.order_by("-at", "-pk").first()
    if last is not None and step.at < last.at:
        errors["at"] = (
            f"{step.at:%Y-%m-%d %H:%M} is before the last custody event of {ref} "
            f"({last.get_transition_display().lower()} at {last.at:%Y-%m-%d %H:%M})."
        )
    elif step.at > timezone.now() + FUTURE_TOLERANCE:
        errors["at"] = "The time is in the future."
    from_party, to_party = _party(step, "from_party"), _party(step, "to_party")
    if kind == K.TRANSFERRED:
        holder = item.custody_holder
        if not from_party:
            errors["from_party"] = "A transfer needs who handed the exhibit over."
        elif holder and not same_party(from_party, holder):
            errors["from_party"] = (
                f"{ref} is held by {holder}, not {from_party}: a transfer starts from its holder."
            )
        if not to_party:
            errors["to_party"] = "A transfer needs who received the exhibit."
        elif from_party and same_party(from_party, to_party):
            errors["to_party"] = "A transfer is to someone else."
    if kind == K.RETURNED and not to_party:
        errors["to_party"] = "A return needs who the exhibit was returned to."
    if kind == K.RECEIVED and not from_party:
        errors["from_party"] = "A receipt needs who handed the exhibit over."
    if errors:
        raise ValidationError(errors)


def _verify_hash(step: Step[EvidenceItem]) -> None:
    """When asked (``verify_hash=True``), hash the stored file again: a file that changed or
    went missing refuses the step; a match is kept on the event."""
    if not step.params.get("verify_hash"):
        return
    item = step.record
    ref, expected = item.exhibit_ref, item.sha256
    actual = get_store().rehash(expected)
    if actual is None:
        raise ValidationError(
            {"verify_hash": f"The stored file of {ref} is missing from the evidence store."}
        )
    if actual != expected:
        raise ValidationError(
            {
                "verify_hash": f"The stored file of {ref} no longer matches its hash: "
                f"received as {expected}, now {actual}."
            }
        )
    step.event["sha256_verified"] = actual


# --- effects -------------------------------------------------------------------------------


def _keep_details(step: Step[EvidenceItem]) -> None:
    """The event keeps the parties and the place as given."""
    step.event["from_party"] = _party(step, "from_party")
    step.event["to_party"] = _party(step, "to_party")
    step.event["location"] = (step.params.get("location") or "").strip()


def _held_by_receiver(step: Step[EvidenceItem]) -> None:
    step.record.custody_holder = receiver(_party(step, "to_party"), step.user)


def _held_by_to_party(step: Step[EvidenceItem]) -> None:
    step.record.custody_holder = _party(step, "to_party")


def _held_by_nobody(step: Step[EvidenceItem]) -> None:
    step.record.custody_holder = ""


CUSTODY = StateMachine(
    name="custody",
    states=S,
    model=EvidenceItem,
    field="custody_state",
    event_model=CustodyEvent,
    # Exhibits are received as they are made (services.receive_file); a record made without
    # its receipt begins not received, and its receipt is then its first step.
    initial=[S.NOT_RECEIVED, S.RECEIVED],
    transitions=[
        Transition(
            "received",
            {S.NOT_RECEIVED},
            S.RECEIVED,
            permission=PERM,
            label="Receive",
            effects=[_held_by_receiver],
            done="received",
        ),
        Transition(
            "logged", {S.RECEIVED}, S.IN_CUSTODY, permission=PERM, label="Log", done="logged"
        ),
        Transition(
            "transferred",
            {S.IN_CUSTODY},
            S.IN_CUSTODY,
            permission=PERM,
            label="Transfer",
            effects=[_held_by_to_party],
            done="transferred",
        ),
        Transition(
            "examined",
            {S.IN_CUSTODY},
            S.IN_CUSTODY,
            permission=PERM,
            label="Examine",
            done="examined",
        ),
        Transition(
            "copied", {S.IN_CUSTODY}, S.IN_CUSTODY, permission=PERM, label="Copy", done="copied"
        ),
        Transition(
            "returned",
            {S.IN_CUSTODY},
            S.RETURNED,
            permission=PERM,
            label="Return",
            effects=[_held_by_to_party],
            done="returned",
        ),
        # A returned exhibit's copy in the store may still have to be disposed of.
        Transition(
            "disposed",
            {S.RECEIVED, S.IN_CUSTODY, S.RETURNED},
            S.DISPOSED,
            permission=PERM,
            label="Dispose of",
            effects=[_held_by_nobody],
            done="disposed of",
        ),
    ],
    guards=[_check_time_and_parties, _verify_hash],
    effects=[_keep_details],
)


def state_after(kinds) -> str:
    """The custody state after a sequence of event kinds (assumed valid, as stored)."""
    state: str = S.NOT_RECEIVED
    for kind in kinds:
        state = CUSTODY.transition(str(kind)).target
    return str(state)
