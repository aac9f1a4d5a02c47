"""The intelligence entry workflow, declared once: every state, every step, what each step
needs and what it does besides changing the state.

    requires assessment ──assess──▶ assessed ──link──▶ linked (final)
         ▲     │                       │
         │     └─return_for_correction─┴──▶ returned
         └──────────resubmit──────────────────┘
         ▲                             │
         └──send_back_for_assessment───┘  (taken by the edit itself, never by a button)

An entry is assessed and linked by someone other than its author; its author resubmits it.
Services take each step with ``INTELLIGENCE_WORKFLOW.apply(entry, "assess", user=...)``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from drachma.core.workflow import StateMachine, Step, Transition
from drachma.intelligence.models import IntelligenceEntry, IntelligenceEvent
from drachma.intelligence.models import IntelligenceStatus as S

ASSESS = "intelligence.assess_intelligenceentry"
CHANGE = "intelligence.change_intelligenceentry"

# An entry is assessed and linked by someone other than its author.
NOT_BY_AUTHOR = {"assess", "link"}

# Steps a service takes as part of another write, never offered as a button or API action:
# changing the grading or the text of an assessed entry sends it back for assessment.
BY_EDIT = {"send_back_for_assessment"}


def by_author(entry: IntelligenceEntry, user) -> bool:
    return user is not None and entry.created_by_id == user.pk


def _not_by_author(step: Step[IntelligenceEntry]) -> None:
    if by_author(step.record, step.user):
        raise ValidationError(
            {"transition": "An entry is assessed by someone other than its author."}
        )


def _check_sanitised(step: Step[IntelligenceEntry]) -> None:
    if not step.record.sanitised_text.strip():
        raise ValidationError(
            {"sanitised_text": "Write the sanitised text before the entry is assessed."}
        )


def _check_linked_somewhere(step: Step[IntelligenceEntry]) -> None:
    entry = step.record
    if not (entry.group_id or entry.incidents.exists()):
        raise ValidationError({"incidents": "Link the entry to a group or an incident first."})


def _keep_returned_reason(step: Step[IntelligenceEntry]) -> None:
    step.record.returned_reason = step.note


INTELLIGENCE_WORKFLOW = StateMachine(
    name="intelligence",
    states=S,
    model=IntelligenceEntry,
    field="status",
    event_model=IntelligenceEvent,
    initial=[S.REQUIRES_ASSESSMENT],
    transitions=[
        Transition(
            "assess",
            {S.REQUIRES_ASSESSMENT},
            S.ASSESSED,
            permission=ASSESS,
            label="Mark assessed",
            done="assessed",
            guards=[_not_by_author, _check_sanitised],
        ),
        Transition(
            "return_for_correction",
            {S.REQUIRES_ASSESSMENT, S.ASSESSED},
            S.RETURNED,
            permission=ASSESS,
            label="Return for correction",
            done="returned for correction",
            note="Say what needs correcting.",
            effects=[_keep_returned_reason],
        ),
        # The reason it was returned stays on the entry until it is returned again.
        Transition(
            "resubmit",
            {S.RETURNED},
            S.REQUIRES_ASSESSMENT,
            permission=CHANGE,
            label="Resubmit",
            done="resubmitted",
        ),
        # Taken by services.update_entry when the grading or the text of an assessed entry
        # changes; the note says what changed, so the history shows it in words.
        Transition(
            "send_back_for_assessment",
            {S.ASSESSED},
            S.REQUIRES_ASSESSMENT,
            permission=CHANGE,
            label="Send back for assessment",
            done="sent back for assessment",
            note="Say what changed.",
        ),
        Transition(
            "link",
            {S.ASSESSED},
            S.LINKED,
            permission=ASSESS,
            label="Mark linked",
            done="linked",
            guards=[_not_by_author, _check_linked_somewhere],
        ),
    ],
)
