"""A disclosure schedule's versions, declared once.

    draft ──certify──▶ certified ──revise──▶ revised
                                    │
                                    └─ drafts the next version (draft), its changed rows marked

A schedule is certified by the case's disclosure officer, and only when nothing on it is left
undecided; certifying freezes its rows and records the name, role and time. When the material
changes after certification, the certified version is revised: it is kept as it was (marked
"revised") and the next version is drafted, with the rows that changed marked, to be
certified in its turn. Services take a step with ``SCHEDULE.apply(schedule, "certify",
user=..., role=...)``; ``disclosure.py`` locks the case first, so a certification and a
change of material never pass each other.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from drachma.cases import schedules
from drachma.cases.models import Schedule, ScheduleEvent, ScheduleState
from drachma.core.workflow import StateMachine, Step, Transition
from drachma.evidence.workflow import person_name

S = ScheduleState
CERTIFY = "cases.certify_schedule"
DEFAULT_ROLE = "Disclosure officer"


def _by_the_disclosure_officer(step: Step[Schedule]) -> None:
    case = step.record.case
    if step.user is None or step.user.pk != case.disclosure_officer_id:
        raise ValidationError(
            {
                "certified_by": f"Only the case's disclosure officer, "
                f"{person_name(case.disclosure_officer)}, certifies its schedules."
            }
        )


def _nothing_undecided(step: Step[Schedule]) -> None:
    schedule = step.record
    if schedule.defendant_id is None and schedules.differs_per_defendant(schedule.case):
        raise ValidationError(
            {
                "defendant": "The material now differs between defendants: certify each "
                "defendant's schedule instead of this one for all of them."
            }
        )
    left = schedules.undecided(schedule)
    if left:
        shown = "; ".join(left[:5]) + ("; ..." if len(left) > 5 else "")
        raise ValidationError(
            {
                "rows": f"{len(left)} row(s) of the {schedule.kind} are still undecided: "
                f"{shown}. Decide each before certifying."
            }
        )


def _freeze(step: Step[Schedule]) -> None:
    schedule = step.record
    # The state is already "certified" here: read the rows as the draft had them.
    previous = schedule.previous if schedule.previous_id else None
    schedule.rows = [
        {**row, "undecided": False}
        for row in schedules.marked(schedules.current_rows(schedule), previous)
    ]
    schedule.certified_by = step.user
    schedule.certified_name = person_name(step.user)
    schedule.certified_role = (str(step.params.get("role") or "").strip() or DEFAULT_ROLE)[:200]
    schedule.certified_at = step.at


def _draft_next(step: Step[Schedule]) -> None:
    old = step.record
    new = Schedule(
        case=old.case,
        defendant=old.defendant if old.defendant_id else None,
        kind=old.kind,
        version=old.version + 1,
        previous=old,
    )
    new.full_clean(exclude=["previous"])
    new.save()
    SCHEDULE.start(new, user=step.user, transition="redrafted", note=step.note, at=step.at)


SCHEDULE = StateMachine(
    name="disclosure schedule",
    states=ScheduleState,
    model=Schedule,
    field="state",
    event_model=ScheduleEvent,
    initial=[S.DRAFT],
    starts={"drafted": "Drafted", "redrafted": "Drafted as a revision"},
    transitions=[
        Transition(
            "certify",
            {S.DRAFT},
            S.CERTIFIED,
            permission=CERTIFY,
            label="Certify the schedule",
            done="certified",
            guards=[_by_the_disclosure_officer, _nothing_undecided],
            effects=[_freeze],
            refused={
                "state": "This version is already certified; a change of material drafts the "
                "next version."
            },
        ),
        Transition(
            "revise",
            {S.CERTIFIED},
            S.REVISED,
            label="Revise: the material changed after certification",
            done="revised",
            note="Say what changed.",
            effects=[_draft_next],
            refused={"state": "Only a certified schedule is revised."},
        ),
    ],
)
