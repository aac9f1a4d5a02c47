"""The life of a rights request, declared once:

    registered ──search──▶ searching ──finish_search──▶ deciding ──answer──▶ answered
        │                     │ (search_again)            │
        └──────── refuse / withdraw (any open state) ─────┴──▶ refused / withdrawn

``extend`` (any open state, staying in it) moves the deadline by two further months under
s.54(3A) of the Data Protection Act 2018: once, before the first month has run out, on one of
the two grounds the Act allows, with the reason that the notice to the requester must state
(s.54(3B)). Services take the steps with ``RIGHTS.apply(request, "search", user=..., ...)``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from drachma.core.workflow import STAY, StateMachine, Step, Transition
from drachma.rights.models import (
    EXTENSION_MONTHS,
    Decision,
    ExtensionGround,
    Right,
    RightsRequest,
    RightsRequestEvent,
    add_months,
)
from drachma.rights.models import RightsState as S

HANDLE = "rights.handle_rightsrequest"
OPEN = {S.REGISTERED, S.SEARCHING, S.DECIDING}


def _mark_searched(step: Step[RightsRequest]) -> None:
    step.record.searched_at = step.at


def _check_extension(step: Step[RightsRequest]) -> None:
    request = step.record
    ground = step.params.get("ground") or ""
    if ground not in ExtensionGround.values:
        raise ValidationError(
            {"ground": "Choose the ground of s.54(3A): the complexity or the number of requests."}
        )
    if request.extended_to:
        raise ValidationError(
            {
                "extension": f"{request.reference} was already extended to "
                f"{request.extended_to:%-d %B %Y}; the Act allows one extension of two months."
            }
        )
    if timezone.localdate(step.at) > request.due_on:
        raise ValidationError(
            {
                "extension": f"The first month ran out on {request.due_on:%-d %B %Y}: the "
                "notice of an extension must be given before it ends (s.54(3B)(a))."
            }
        )


def _extend(step: Step[RightsRequest]) -> None:
    request = step.record
    request.extended_to = add_months(request.due_on, EXTENSION_MONTHS)
    request.extension_ground = step.params["ground"]
    request.extension_reason = step.note


def _check_decided(step: Step[RightsRequest]) -> None:
    request = step.record
    items = list(request.items.all())
    if not items:
        raise ValidationError({"items": "Nothing was found to answer with: refuse the request."})
    pending = [i for i in items if i.decision == Decision.PENDING]
    if pending:
        raise ValidationError(
            {
                "items": f"{len(pending)} record{'s' if len(pending) != 1 else ''} still "
                "without a decision: decide each before answering."
            }
        )
    if request.right != Right.ACCESS:
        done = [i for i in items if i.outcome]
        if not done:
            raise ValidationError(
                {
                    "items": f"Nothing has been {_verb(request.right)} yet: apply the request "
                    "to a record, or refuse it with the reason."
                }
            )


def _verb(right: str) -> str:
    verbs: dict[str, str] = {
        Right.RECTIFICATION: "rectified",
        Right.ERASURE: "erased",
        Right.RESTRICTION: "restricted",
    }
    return verbs.get(right, "done")


def _answered(step: Step[RightsRequest]) -> None:
    step.record.answered_at = step.at
    step.record.answer_note = step.note


RIGHTS = StateMachine(
    name="rights request",
    states=S,
    model=RightsRequest,
    field="state",
    event_model=RightsRequestEvent,
    initial=[S.REGISTERED],
    starts={"register": "Registered"},
    transitions=[
        Transition(
            "search",
            {S.REGISTERED},
            S.SEARCHING,
            permission=HANDLE,
            label="Search every app",
            done="searched",
            effects=[_mark_searched],
        ),
        Transition(
            "search_again",
            {S.SEARCHING},
            STAY,
            permission=HANDLE,
            label="Search again",
            done="searched again",
            effects=[_mark_searched],
        ),
        Transition(
            "finish_search",
            {S.SEARCHING},
            S.DECIDING,
            permission=HANDLE,
            label="Finish the search and decide",
            done="ready for decisions",
        ),
        Transition(
            "extend",
            OPEN,
            STAY,
            permission=HANDLE,
            label="Extend the deadline",
            done="extended",
            note="Give the reason for the delay: the notice to the requester states it "
            "(s.54(3B)(b)).",
            guards=[_check_extension],
            effects=[_extend],
            refused={"extension": "Only an open request can be extended."},
        ),
        Transition(
            "answer",
            {S.DECIDING},
            S.ANSWERED,
            permission=HANDLE,
            label="Answer the request",
            done="answered",
            guards=[_check_decided],
            effects=[_answered],
            refused={"state": "Only a request whose records are being decided can be answered."},
        ),
        Transition(
            "refuse",
            OPEN,
            S.REFUSED,
            permission=HANDLE,
            label="Refuse the request",
            done="refused",
            note="Give the reason for refusing: it is told to the requester with their right "
            "to complain to the Information Commissioner (s.45(5), s.48).",
            effects=[_answered],
            refused={"state": "The request is closed already."},
        ),
        Transition(
            "withdraw",
            OPEN,
            S.WITHDRAWN,
            permission=HANDLE,
            label="Record that the requester withdrew it",
            done="withdrawn",
            note="Say how the requester withdrew the request.",
            refused={"state": "The request is closed already."},
        ),
    ],
)
