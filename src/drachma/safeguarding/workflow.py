"""The life of a safeguarding action, declared once: every state, every step, what each
step needs and what it does.

    open ──start──▶ in progress ──complete──▶ done ──┐
      │ └──────────complete──────────────────▲        ├─reopen (supervisor)─▶ open
      └──cancel──▶ cancelled ◀──cancel── in progress  │
                       └──────────────────────────────┘
    reassign (open, in progress): a new owner, the state unchanged
    retime (open, in progress): a new due time after a higher grade, the state unchanged

Services take each step with ``ACTION.apply(action, "complete", user=..., note=...)``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from drachma.core.workflow import STAY, StateMachine, Step, Transition
from drachma.safeguarding import deadlines
from drachma.safeguarding.models import (
    ActionEvent,
    OutcomeResult,
    SafeguardingAction,
    ThriveAssessment,
)
from drachma.safeguarding.models import ActionStatus as S

WORK = "safeguarding.work_safeguardingaction"
REOPEN = "safeguarding.reopen_safeguardingaction"
CHANGE = "safeguarding.change_safeguardingaction"


def _mark_started(step: Step[SafeguardingAction]) -> None:
    if step.record.started_at is None:
        step.record.started_at = step.at


def _check_outcome(step: Step[SafeguardingAction]) -> None:
    """Completing records the outcome: what was done (the note), who was seen, the result."""
    errors = {}
    if not str(step.params.get("seen") or "").strip():
        errors["seen"] = "Say who was seen (or that nobody was, and why)."
    elif len(str(step.params["seen"]).strip()) > 300:
        errors["seen"] = "Say who was seen in at most 300 characters."
    result = step.params.get("result") or ""
    if result not in OutcomeResult.values:
        errors["result"] = (
            "Choose the result: "
            + "; ".join(str(label).lower() for label in OutcomeResult.labels)
            + "."
        )
    if errors:
        raise ValidationError(errors)


def _mark_completed(step: Step[SafeguardingAction]) -> None:
    action = step.record
    action.completed_at = step.at
    action.outcome = step.note
    action.seen = str(step.params["seen"]).strip()
    action.result = step.params["result"]
    # The history reads in words: what was done, who was seen, the result, the time.
    minutes = step.params.get("minutes")
    step.note = (
        f"What was done: {step.note} Who was seen: {action.seen}. "
        f"Result: {OutcomeResult(action.result).label}."
        + (f" Time spent: {minutes} minutes." if minutes else "")
    )


def _keep_cancel_reason(step: Step[SafeguardingAction]) -> None:
    step.record.cancel_reason = step.note


def _fresh_deadline(step: Step[SafeguardingAction]) -> None:
    """A reopened action gets a fresh deadline from the incident's latest grade (and a fresh
    warning if it is missed)."""
    action = step.record
    latest = (
        ThriveAssessment.objects.filter(incident_id=action.incident_id)
        .order_by("-assessed_at", "-pk")
        .first()
    )
    action.grade = latest.grade if latest else action.grade
    action.due_at = deadlines.due_at(action.grade, action.kind, step.at)
    action.overdue, action.overdue_notified_at = False, None
    action.completed_at, action.cancel_reason = None, ""


def _check_new_owner(step: Step[SafeguardingAction]) -> None:
    from drachma.safeguarding.services import check_owner

    check_owner(step.params.get("owner"))


def _hand_over(step: Step[SafeguardingAction]) -> None:
    """The new owner takes the action; the history names both (read under the lock, so a
    reassignment racing another names the owner it really replaced)."""
    from drachma.safeguarding.services import tell_owner

    previous, owner = step.record.owner, step.params["owner"]
    step.record.owner = owner
    step.note = step.note or f"Owner {previous.get_username()} → {owner.get_username()}."
    if owner != step.user:
        # The notification is written with the change (its e-mail goes after commit).
        tell_owner(step.record)


def _check_retime(step: Step[SafeguardingAction]) -> None:
    due_at = step.params.get("due_at")
    if due_at is None:
        raise ValidationError({"due_at": "Give the new due time."})


def _retime(step: Step[SafeguardingAction]) -> None:
    action = step.record
    grade, due_at = step.params["grade"], step.params["due_at"]
    step.note = step.note or (
        f"Grade now {grade.label.lower() if hasattr(grade, 'label') else grade}: due "
        f"{timezone.localtime(due_at):%d/%m/%Y %H:%M}, was "
        f"{timezone.localtime(action.due_at):%d/%m/%Y %H:%M}."
    )
    action.due_at, action.grade = due_at, str(grade)


def _check_escalation(step: Step[SafeguardingAction]) -> None:
    # Only the ladder escalates (services.escalate_actions), with the rung it took.
    if step.params.get("escalation") is None:
        raise ValidationError(
            {"transition": "Actions are escalated by the escalation ladder, not by hand."}
        )


ACTIVE_STATES = {S.OPEN, S.IN_PROGRESS}

ACTION = StateMachine(
    name="safeguarding action",
    states=S,
    model=SafeguardingAction,
    field="status",
    event_model=ActionEvent,
    initial=[S.OPEN],
    starts={"plan": "Planned"},
    transitions=[
        Transition(
            "start",
            {S.OPEN},
            S.IN_PROGRESS,
            permission=WORK,
            label="Start",
            done="started",
            effects=[_mark_started],
        ),
        Transition(
            "complete",
            ACTIVE_STATES,
            S.DONE,
            permission=WORK,
            label="Complete",
            done="completed",
            # An action closed with no word of what was done is no record of safeguarding.
            note="Give the outcome of the action.",
            guards=[_check_outcome],
            effects=[_mark_started, _mark_completed],
        ),
        Transition(
            "cancel",
            ACTIVE_STATES,
            S.CANCELLED,
            permission=WORK,
            label="Cancel",
            done="cancelled",
            note="Give the reason for cancelling the action.",
            effects=[_keep_cancel_reason],
        ),
        # Only a supervisor reopens: done and cancelled actions are what the figures count.
        Transition(
            "reopen",
            {S.DONE, S.CANCELLED},
            S.OPEN,
            permission=REOPEN,
            label="Reopen",
            done="reopened",
            note="Give the reason for reopening the action.",
            effects=[_fresh_deadline],
        ),
        Transition(
            "reassign",
            ACTIVE_STATES,
            STAY,
            permission=CHANGE,
            label="Reassign",
            done="reassigned",
            refused={"owner": "Only an open or in-progress action can change hands."},
            guards=[_check_new_owner],
            effects=[_hand_over],
        ),
        # A higher grade brings an open action's deadline forward (services.record_assessment).
        Transition(
            "retime",
            ACTIVE_STATES,
            STAY,
            label="Bring the due time forward",
            done="due time brought forward",
            guards=[_check_retime],
            effects=[_retime],
        ),
        # Not taken up, or late: a rung of the ladder (escalation.LADDER) told someone above.
        Transition(
            "escalate",
            ACTIVE_STATES,
            STAY,
            label="Escalate",
            done="escalated",
            guards=[_check_escalation],
        ),
    ],
)
