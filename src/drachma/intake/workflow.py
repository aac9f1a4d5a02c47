"""The triage of a report and the life of a referral, each declared once: every state, every
step, what each step needs and what it does besides changing the state.

Triage (``Report.status``)::

    new ──assign──▶ assigned ──┬──convert──▶ converted (an incident now)
     │  ◀─reopen── closed ◀─close┤
     │                           ├──link────▶ linked ──link (another record)
     └── (the same steps) ───────┴──refer───▶ referred ──return_to_triage──▶ new
                                                 ├──convert──▶ converted
                                                 └──link─────▶ linked

A possible offender is referred on arrival (the reporting page takes the "refer" step, no
user); a planned confrontation stays new but urgent (``services.submit_report``).

Referral (``Referral.status``)::

    open ──accept──▶ accepted ──start──▶ investigating ──close──▶ closed
      └──reject──▶ rejected ◀──reject──┘
    reassign (accepted, investigating): a new owner, the state unchanged

Rejecting a referral sends its report back to triage (the report's "return_to_triage").

Onward referral (``OnwardReferral.status``: what the force sent to CEOP, another force or
social care)::

    sent ──answer──▶ answered
      └──withdraw──▶ withdrawn
Services take each step with ``TRIAGE.apply(report, "close", user=..., note=...)``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from drachma.core.workflow import NOTE_MAX_LENGTH, STAY, StateMachine, Step, Transition
from drachma.intake.models import (
    OnwardReferral,
    OnwardReferralEvent,
    Referral,
    ReferralEvent,
    Report,
    ReportEvent,
)
from drachma.intake.models import OnwardStatus as O
from drachma.intake.models import ReferralStatus as R
from drachma.intake.models import ReportStatus as S

TRIAGE_PERM = "intake.triage_report"
REFER_PERM = "intake.add_referral"
REOPEN_PERM = "intake.reopen_report"
WORK = "intake.work_referral"
ADD_INCIDENT = "incidents.add_incident"
TEAM = "the online child abuse investigation team"


# --- triage: what each step checks and does ----------------------------------------------


def _check_assignee(step: Step[Report]) -> None:
    from drachma.intake.services import can_triage

    assignee = step.params.get("assignee")
    if not can_triage(assignee):
        raise ValidationError(
            {"assignee": f"{assignee} cannot triage reports; choose someone whose role can."}
        )


def _assign(step: Step[Report]) -> None:
    from drachma.intake.services import tell_assignee

    assignee = step.params["assignee"]
    step.record.assigned_to = assignee
    step.note = step.note or f"Assigned to {assignee.get_username()}."
    if assignee != step.user:
        tell_assignee(step.record, assignee)


def _check_may_record_incidents(step: Step[Report]) -> None:
    if step.user is not None and not step.user.has_perm(ADD_INCIDENT):
        raise ValidationError({"transition": "Your role may not record incidents."})


def _make_incident(step: Step[Report]) -> None:
    """The incident is made from the (checked) form's values and takes the report's files."""
    from drachma.incidents.services import create_incident
    from drachma.intake.services import attach_evidence

    incident = create_incident(
        user=step.user, groups=step.params.get("groups", ()), **step.params["incident_fields"]
    )
    attach_evidence(step.record, incident, step.user)
    step.record.incident = incident
    step.note = step.note or f"Turned into incident {incident.reference}."


def _check_link(step: Step[Report]) -> None:
    from drachma.intake.models import LinkedRecord

    link = step.params["link"]
    link.full_clean()
    if LinkedRecord.objects.filter(
        report=step.record, incident=link.incident, group=link.group, person=link.person
    ).exists():
        raise ValidationError({"target": f"The report is already linked to {link.target}."})


def _link(step: Step[Report]) -> None:
    from drachma.intake.services import attach_evidence

    link = step.params["link"]
    if link.incident is not None:
        attach_evidence(step.record, link.incident, step.user)
    link.report = step.record
    link.save()
    step.note = step.note or f"Linked to {link.target_kind} {link.target}."


def _check_referral(step: Step[Report]) -> None:
    from drachma.intake.services import check_referral

    check_referral(
        step.record, due_date=step.params.get("due_date"), owner=step.params.get("owner")
    )


def _make_referral(step: Step[Report]) -> None:
    """The referral goes to the team with its due date; its investigators are told."""
    from drachma.intake.services import create_referral

    referral = create_referral(
        step.record,
        user=step.user,
        due_date=step.params.get("due_date"),
        owner=step.params.get("owner"),
        note=step.params.get("referral_note", step.note),
    )
    routed = "Routed" if step.user is None else "Referred"
    step.note = step.note or f"{routed} to {TEAM} as referral {referral.reference}."


def _keep_close_reason(step: Step[Report]) -> None:
    step.record.close_reason = step.note


def _clear_close_reason(step: Step[Report]) -> None:
    step.record.close_reason = ""


UNTRIAGED = {S.NEW, S.ASSIGNED}

TRIAGE = StateMachine(
    name="triage",
    states=S,
    model=Report,
    field="status",
    event_model=ReportEvent,
    initial=[S.NEW],
    transitions=[
        Transition(
            "assign",
            UNTRIAGED,
            S.ASSIGNED,
            permission=TRIAGE_PERM,
            label="Assign",
            done="assigned",
            guards=[_check_assignee],
            effects=[_assign],
        ),
        Transition(
            "convert",
            {*UNTRIAGED, S.REFERRED},
            S.CONVERTED,
            permission=TRIAGE_PERM,
            label="Turn into an incident",
            done="turned into an incident",
            guards=[_check_may_record_incidents],
            effects=[_make_incident],
        ),
        # A converted report's links belong on its incident (groups, people involved).
        Transition(
            "link",
            {*UNTRIAGED, S.REFERRED, S.LINKED},
            S.LINKED,
            permission=TRIAGE_PERM,
            label="Link to an existing record",
            done="linked",
            guards=[_check_link],
            effects=[_link],
        ),
        Transition(
            "refer",
            {*UNTRIAGED, S.LINKED},
            S.REFERRED,
            permission=REFER_PERM,
            label=f"Refer to {TEAM}",
            done="referred",
            guards=[_check_referral],
            effects=[_make_referral],
        ),
        Transition(
            "close",
            UNTRIAGED,
            S.CLOSED,
            permission=TRIAGE_PERM,
            label="Close",
            done="closed",
            note="Give the reason for closing the report.",
            effects=[_keep_close_reason],
        ),
        Transition(
            "reopen",
            {S.CLOSED},
            S.NEW,
            permission=REOPEN_PERM,
            label="Reopen",
            done="reopened",
            note="Give the reason for reopening the report.",
            effects=[_clear_close_reason],
        ),
        # When the team rejects a referral the report comes back to triage.
        Transition(
            "return_to_triage",
            {S.REFERRED},
            S.NEW,
            permission=WORK,
            label="Return to triage",
            done="returned to triage",
            note="Say why the report comes back to triage.",
        ),
    ],
)


# --- referrals: what each step checks and does -------------------------------------------


def _check_owner(step: Step[Referral]) -> None:
    from drachma.intake.services import check_investigator

    # Accepting without naming an owner: the investigator who accepts takes it.
    check_investigator(step.params.get("owner") or step.user, choose=True)


def _take_on(step: Step[Referral]) -> None:
    step.record.owner = step.params.get("owner") or step.user


def _keep_rejection(step: Step[Referral]) -> None:
    """The reason is kept, and the report goes back to triage (if it is still referred)."""
    referral = step.record
    referral.rejected_reason = step.note
    report = Report.objects.get(pk=referral.report_id)
    if report.status == S.REFERRED:
        TRIAGE.apply(
            report,
            "return_to_triage",
            user=step.user,
            note=f"Referral {referral.reference} rejected: {step.note}"[:NOTE_MAX_LENGTH],
        )


def _keep_outcome(step: Step[Referral]) -> None:
    step.record.outcome = step.note


def _check_new_owner(step: Step[Referral]) -> None:
    from drachma.intake.services import check_investigator

    check_investigator(step.params.get("owner"))


def _hand_over(step: Step[Referral]) -> None:
    """The new owner takes the referral; the history names both (read under the lock)."""
    from drachma.intake.services import tell_new_owner

    previous, owner = step.record.owner, step.params["owner"]
    step.record.owner = owner
    step.note = step.note or (
        f"Owner {previous.get_username() if previous else '-'} → {owner.get_username()}."
    )
    if owner != step.user:
        tell_new_owner(step.record)


WORKED = {R.ACCEPTED, R.INVESTIGATING}

REFERRAL = StateMachine(
    name="referral",
    states=R,
    model=Referral,
    field="status",
    event_model=ReferralEvent,
    initial=[R.OPEN],
    starts={"create": "Referred"},
    transitions=[
        Transition(
            "accept",
            {R.OPEN},
            R.ACCEPTED,
            permission=WORK,
            label="Accept",
            done="accepted",
            guards=[_check_owner],
            effects=[_take_on],
        ),
        Transition(
            "start",
            {R.ACCEPTED},
            R.INVESTIGATING,
            permission=WORK,
            label="Start investigating",
            done="investigation started",
        ),
        Transition(
            "close",
            {R.INVESTIGATING},
            R.CLOSED,
            permission=WORK,
            label="Close",
            done="closed",
            note="Record the outcome before closing the referral.",
            effects=[_keep_outcome],
        ),
        Transition(
            "reject",
            {R.OPEN, R.ACCEPTED},
            R.REJECTED,
            permission=WORK,
            label="Reject",
            done="rejected",
            note="Give the reason for rejecting the referral.",
            effects=[_keep_rejection],
        ),
        Transition(
            "reassign",
            WORKED,
            STAY,
            permission=WORK,
            label="Reassign",
            done="reassigned",
            refused={"owner": "Only an accepted referral has an owner to change."},
            guards=[_check_new_owner],
            effects=[_hand_over],
        ),
    ],
)


# --- onward referrals: the answer and its time ------------------------------------------

ANSWER_PERM = "intake.answer_onwardreferral"


def _check_answered_at(step: Step[OnwardReferral]) -> None:
    answered_at = step.params.get("answered_at") or step.at
    if answered_at < step.record.sent_at:
        raise ValidationError(
            {"answered_at": "The answer cannot come before the referral was sent."}
        )
    if answered_at > step.at:
        raise ValidationError({"answered_at": "The answer cannot be dated in the future."})


def _keep_answer(step: Step[OnwardReferral]) -> None:
    step.record.answer = step.note
    step.record.answered_at = step.params.get("answered_at") or step.at
    step.record.answer_recorded_by = step.user


def _keep_withdrawal(step: Step[OnwardReferral]) -> None:
    step.record.withdrawn_reason = step.note


ONWARD = StateMachine(
    name="onward referral",
    states=O,
    model=OnwardReferral,
    field="status",
    event_model=OnwardReferralEvent,
    initial=[O.SENT],
    starts={"send": "Sent"},
    transitions=[
        Transition(
            "answer",
            {O.SENT},
            O.ANSWERED,
            permission=ANSWER_PERM,
            label="Record the answer",
            done="answered",
            note="Record the answer the recipient gave.",
            guards=[_check_answered_at],
            effects=[_keep_answer],
        ),
        Transition(
            "withdraw",
            {O.SENT},
            O.WITHDRAWN,
            permission=ANSWER_PERM,
            label="Withdraw",
            done="withdrawn",
            note="Say why the referral was withdrawn.",
            effects=[_keep_withdrawal],
        ),
    ],
)
