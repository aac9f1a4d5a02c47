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
"""

from drachma.core.workflow import StateMachine, Transition
from drachma.takedown.models import TakedownState as S

WORK = "takedown.work_takedownrequest"

TAKEDOWN = StateMachine(
    name="takedown",
    states=S,
    transitions=[
        Transition(
            "confirm", {S.DRAFT}, S.IDENTIFIED, permission=WORK, label="Confirm for takedown"
        ),
        Transition("discard", {S.DRAFT}, S.DISCARDED, permission=WORK, label="Discard"),
        Transition(
            "ask_group",
            {S.IDENTIFIED},
            S.REMOVAL_ASKED,
            permission=WORK,
            label="Ask the group to remove it",
        ),
        Transition(
            "group_removed",
            {S.REMOVAL_ASKED},
            S.REMOVED_BY_GROUP,
            permission=WORK,
            label="Record that the group removed it",
        ),
        Transition(
            "group_refused",
            {S.REMOVAL_ASKED},
            S.REFUSED,
            permission=WORK,
            label="Record that the group refused",
        ),
        # Normally the no-answer sweep (tasks.py) takes this step once the deadline passes.
        Transition(
            "no_answer",
            {S.REMOVAL_ASKED},
            S.NO_ANSWER,
            permission=WORK,
            label="Record no answer from the group",
        ),
        Transition(
            "report_to_platform",
            {S.REFUSED, S.NO_ANSWER},
            S.REPORTED_TO_PLATFORM,
            permission=WORK,
            label="Report to the platform",
        ),
        Transition(
            "platform_removed",
            {S.REPORTED_TO_PLATFORM, S.PENDING, S.ESCALATED},
            S.REMOVED,
            permission=WORK,
            label="Record that the platform removed it",
        ),
        Transition(
            "platform_rejected",
            {S.REPORTED_TO_PLATFORM, S.PENDING, S.ESCALATED},
            S.REJECTED,
            permission=WORK,
            label="Record that the platform rejected the report",
        ),
        Transition(
            "platform_pending",
            {S.REPORTED_TO_PLATFORM},
            S.PENDING,
            permission=WORK,
            label="Record that the platform is considering it",
        ),
        Transition(
            "escalate", {S.REJECTED, S.PENDING}, S.ESCALATED, permission=WORK, label="Escalate"
        ),
        Transition(
            "close",
            {S.REMOVED_BY_GROUP, S.REMOVED, S.REJECTED, S.ESCALATED},
            S.CLOSED,
            permission=WORK,
            label="Close",
        ),
    ],
)

# What each transition needs written in its note (the form's one text field).
NOTE_REQUIRED = {
    "discard": "Say why this footage is not for takedown.",
    "ask_group": "Keep the message sent to the group.",
    "group_refused": "Record the group's answer.",
    "report_to_platform": "Say which of the platform's rules the footage breaches.",
    "platform_rejected": "Record the platform's answer.",
    "escalate": "Say to whom and why it is escalated.",
}
