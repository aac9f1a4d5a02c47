"""The triage of a report and the life of a referral, each declared once."""

from drachma.core.workflow import StateMachine, Transition
from drachma.intake.models import ReferralStatus as R
from drachma.intake.models import ReportStatus as S

TRIAGE_PERM = "intake.triage_report"

TRIAGE = StateMachine(
    name="triage",
    states=S,
    transitions=[
        Transition(
            "assign", {S.NEW, S.ASSIGNED}, S.ASSIGNED, permission=TRIAGE_PERM, label="Assign"
        ),
        Transition(
            "convert",
            {S.NEW, S.ASSIGNED, S.REFERRED},
            S.CONVERTED,
            permission=TRIAGE_PERM,
            label="Turn into an incident",
        ),
        # A converted report's links belong on its incident (groups, people involved).
        Transition(
            "link",
            {S.NEW, S.ASSIGNED, S.REFERRED, S.LINKED},
            S.LINKED,
            permission=TRIAGE_PERM,
            label="Link to an existing record",
        ),
        Transition(
            "refer",
            {S.NEW, S.ASSIGNED, S.LINKED},
            S.REFERRED,
            permission="intake.add_referral",
            label="Refer to the online child abuse investigation team",
        ),
        Transition("close", {S.NEW, S.ASSIGNED}, S.CLOSED, permission=TRIAGE_PERM, label="Close"),
        Transition("reopen", {S.CLOSED}, S.NEW, permission="intake.reopen_report", label="Reopen"),
        # When the team rejects a referral the report comes back to triage.
        Transition(
            "return_to_triage",
            {S.REFERRED},
            S.NEW,
            permission="intake.work_referral",
            label="Return to triage",
        ),
    ],
)

WORK = "intake.work_referral"

REFERRAL = StateMachine(
    name="referral",
    states=R,
    transitions=[
        Transition("accept", {R.OPEN}, R.ACCEPTED, permission=WORK, label="Accept"),
        Transition(
            "start", {R.ACCEPTED}, R.INVESTIGATING, permission=WORK, label="Start investigating"
        ),
        Transition("close", {R.INVESTIGATING}, R.CLOSED, permission=WORK, label="Close"),
        Transition("reject", {R.OPEN, R.ACCEPTED}, R.REJECTED, permission=WORK, label="Reject"),
    ],
)
# Changing a referral's owner is not a change of state: see services.reassign_referral.
