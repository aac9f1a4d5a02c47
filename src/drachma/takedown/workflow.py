"""The life of a takedown request, declared once.

draft ──confirm──▶ identified ──ask_group──▶ removal_asked ──┬─ group_removed ─▶ removed_by_group ─┐
  │                                                          ├─ group_refused ─▶ refused ──┐       │
  └─discard─▶ discarded                                      └─ no_answer ────▶ no_answer ─┤       │
                                                              (the sweep, after N days)    │       │
                    report_to_platform ◀───────────────────────────────────────────────────┘       │
                           ▼                                                                       │
                 reported_to_platform ─┬─ platform_removed ─▶ removed ─────────────────────────────┤
                                       ├─ platform_rejected ─▶ rejected ─┐                         │
                                       └─ platform_pending ─▶ pending ───┴─ escalate ─▶ escalated ─┤
                                                                                                   ▼
                                                                                              closed

A request begins as a draft (opened by a match, for review) or identified (opened by hand).
Every step sets the deadline of the next one (``conf.deadline_days``) and may record the
platform's reference. Services take each step with
``TAKEDOWN.apply(request, "ask_group", user=..., note=...)``.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from drachma.core.workflow import StateMachine, Step, Transition
from drachma.takedown import conf
from drachma.takedown.models import RemovedBy, TakedownEvent, TakedownRequest
from drachma.takedown.models import TakedownState as S

WORK = "takedown.work_takedownrequest"


def deadline(state: str, start: datetime.datetime) -> datetime.datetime | None:
    """When the next step from ``state`` is due, counted from ``start`` (None: no step due)."""
    days = conf.deadline_days(state)
    return start + datetime.timedelta(days=days) if days is not None else None


# --- guards --------------------------------------------------------------------------------


def _deadline_passed(step: Step[TakedownRequest]) -> None:
    """'No answer' is recorded only once the group's time to answer is over (read under the
    lock, so a request whose deadline moved a moment earlier is judged on the new one)."""
    due = step.record.deadline
    if due is not None and due > step.at:
        raise ValidationError(
            {
                "transition": (
                    f"The group has until {timezone.localtime(due):%d/%m/%Y %H:%M} to answer."
                )
            }
        )


# --- effects -------------------------------------------------------------------------------


def _mark_identified(step: Step[TakedownRequest]) -> None:
    step.record.identified_at = step.at


def _keep_group_message(step: Step[TakedownRequest]) -> None:
    step.record.group_message, step.record.removal_asked_at = step.note, step.at


def _keep_group_answer(step: Step[TakedownRequest]) -> None:
    # Optional when the group removed it; a refusal's answer is required (its note prompt).
    if step.note:
        step.record.group_answer = step.note


def _removed_by_group(step: Step[TakedownRequest]) -> None:
    step.record.removed_at, step.record.removed_by = step.at, RemovedBy.GROUP


def _removed_by_platform(step: Step[TakedownRequest]) -> None:
    step.record.removed_at, step.record.removed_by = step.at, RemovedBy.PLATFORM


def _keep_rules_breached(step: Step[TakedownRequest]) -> None:
    step.record.rules_breached, step.record.reported_at = step.note, step.at


def _explain_no_answer(step: Step[TakedownRequest]) -> None:
    asked = step.record.removal_asked_at or step.record.deadline or step.at
    step.note = step.note or (
        f"No answer from the group since {timezone.localtime(asked):%d/%m/%Y}."
    )


def _tell_who_asked(step: Step[TakedownRequest]) -> None:
    """The officer who asked the group hears that it did not answer: the next step is theirs
    (not when they record it themselves). The notification is written with the step; its
    e-mail goes after commit."""
    from drachma.core.services import notify

    request = step.record
    asker = request.events.filter(transition="ask_group").exclude(by=None).order_by("-at").first()
    recipient = asker.by if asker else request.created_by
    if recipient is None or not recipient.is_active or recipient == step.user:
        return
    notify(
        recipient,
        f"Takedown {request.reference}: no answer from the group",
        "The group has not answered the request to remove the footage; report it to the platform.",
        link=reverse("takedown:detail", kwargs={"item_ref": request.content_item.reference}),
    )


def _keep_platform_reference(step: Step[TakedownRequest]) -> None:
    """Any step may record (or correct) the platform's reference for the report."""
    reference = (step.params.get("platform_reference") or "").strip()
    if reference:
        step.record.platform_reference = reference[:200]


def _next_deadline(step: Step[TakedownRequest]) -> None:
    step.record.deadline = deadline(step.record.state, step.at)


TAKEDOWN = StateMachine(
    name="takedown",
    states=S,
    model=TakedownRequest,
    field="state",
    event_model=TakedownEvent,
    initial=[S.DRAFT, S.IDENTIFIED],
    starts={"open": "Opened"},
    transitions=[
        Transition(
            "confirm",
            {S.DRAFT},
            S.IDENTIFIED,
            permission=WORK,
            label="Confirm for takedown",
            effects=[_mark_identified],
            done="confirmed for takedown",
        ),
        Transition(
            "discard",
            {S.DRAFT},
            S.DISCARDED,
            permission=WORK,
            label="Discard",
            note="Say why this footage is not for takedown.",
            done="discarded",
        ),
        Transition(
            "ask_group",
            {S.IDENTIFIED},
            S.REMOVAL_ASKED,
            permission=WORK,
            label="Ask the group to remove it",
            note="Keep the message sent to the group.",
            effects=[_keep_group_message],
            done="the group was asked to remove the footage",
        ),
        Transition(
            "group_removed",
            {S.REMOVAL_ASKED},
            S.REMOVED_BY_GROUP,
            permission=WORK,
            label="Record that the group removed it",
            effects=[_keep_group_answer, _removed_by_group],
            done="recorded as removed by the group",
        ),
        Transition(
            "group_refused",
            {S.REMOVAL_ASKED},
            S.REFUSED,
            permission=WORK,
            label="Record that the group refused",
            note="Record the group's answer.",
            effects=[_keep_group_answer],
            done="recorded as refused by the group",
        ),
        # Normally the no-answer sweep (services.record_no_answers) takes this step once the
        # deadline passes; by hand it waits for the deadline too.
        Transition(
            "no_answer",
            {S.REMOVAL_ASKED},
            S.NO_ANSWER,
            permission=WORK,
            label="Record no answer from the group",
            guards=[_deadline_passed],
            effects=[_explain_no_answer, _tell_who_asked],
            done="recorded as not answered by the group",
        ),
        Transition(
            "report_to_platform",
            {S.REFUSED, S.NO_ANSWER},
            S.REPORTED_TO_PLATFORM,
            permission=WORK,
            label="Report to the platform",
            note="Say which of the platform's rules the footage breaches.",
            effects=[_keep_rules_breached],
            done="reported to the platform",
        ),
        Transition(
            "platform_removed",
            {S.REPORTED_TO_PLATFORM, S.PENDING, S.ESCALATED},
            S.REMOVED,
            permission=WORK,
            label="Record that the platform removed it",
            effects=[_removed_by_platform],
            done="recorded as removed by the platform",
        ),
        Transition(
            "platform_rejected",
            {S.REPORTED_TO_PLATFORM, S.PENDING, S.ESCALATED},
            S.REJECTED,
            permission=WORK,
            label="Record that the platform rejected the report",
            note="Record the platform's answer.",
            done="recorded as rejected by the platform",
        ),
        Transition(
            "platform_pending",
            {S.REPORTED_TO_PLATFORM},
            S.PENDING,
            permission=WORK,
            label="Record that the platform is considering it",
            done="recorded as being considered by the platform",
        ),
        Transition(
            "escalate",
            {S.REJECTED, S.PENDING},
            S.ESCALATED,
            permission=WORK,
            label="Escalate",
            note="Say to whom and why it is escalated.",
            done="escalated",
        ),
        Transition(
            "close",
            {S.REMOVED_BY_GROUP, S.REMOVED, S.REJECTED, S.ESCALATED},
            S.CLOSED,
            permission=WORK,
            label="Close",
            done="closed",
        ),
    ],
    effects=[_keep_platform_reference, _next_deadline],
)

# What each transition needs written in its note (the form's one text field), from the
# declaration above.
NOTE_REQUIRED = {t.name: t.note for t in TAKEDOWN.transitions if t.note_required}
