"""The intelligence report workflow, declared once."""

from drachma.core.workflow import StateMachine, Transition
from drachma.intelligence.models import IntelligenceStatus as S

ASSESS = "intelligence.assess_intelligenceentry"

INTELLIGENCE_WORKFLOW = StateMachine(
    name="intelligence",
    states=S,
    transitions=[
        Transition(
            "assess", {S.REQUIRES_ASSESSMENT}, S.ASSESSED, permission=ASSESS, label="Mark assessed"
        ),
        Transition(
            "return_for_correction",
            {S.REQUIRES_ASSESSMENT, S.ASSESSED},
            S.RETURNED,
            permission=ASSESS,
            label="Return for correction",
        ),
        Transition(
            "resubmit",
            {S.RETURNED},
            S.REQUIRES_ASSESSMENT,
            permission="intelligence.change_intelligenceentry",
            label="Resubmit",
        ),
        Transition("link", {S.ASSESSED}, S.LINKED, permission=ASSESS, label="Mark linked"),
    ],
)
