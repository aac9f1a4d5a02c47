"""The life of a safeguarding action, declared once."""

from drachma.core.workflow import StateMachine, Transition
from drachma.safeguarding.models import ActionStatus as S

WORK = "safeguarding.work_safeguardingaction"
REOPEN = "safeguarding.reopen_safeguardingaction"

ACTION = StateMachine(
    name="safeguarding action",
    states=S,
    transitions=[
        Transition("start", {S.OPEN}, S.IN_PROGRESS, permission=WORK, label="Start"),
        Transition("complete", {S.OPEN, S.IN_PROGRESS}, S.DONE, permission=WORK, label="Complete"),
        Transition("cancel", {S.OPEN, S.IN_PROGRESS}, S.CANCELLED, permission=WORK, label="Cancel"),
        # Only a supervisor reopens: done and cancelled actions are what the figures count.
        Transition("reopen", {S.DONE, S.CANCELLED}, S.OPEN, permission=REOPEN, label="Reopen"),
    ],
)
# Changing an action's owner is not a change of state: see services.reassign_action.
