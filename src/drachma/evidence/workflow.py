"""The chain of custody of an exhibit, declared once.

Each custody event kind is a transition named after it. An exhibit is received first; it is
then logged into the property system; while in custody it may be transferred, examined and
copied any number of times; it may be returned to its owner; disposal is final, and nothing
follows it. The services also check what the machine cannot express: a transfer's
``from_party`` must be whoever holds the exhibit now.
"""

from django.db import models

from drachma.core.workflow import StateMachine, Transition

PERM = "evidence.add_custodyevent"


class CustodyState(models.TextChoices):
    NOT_RECEIVED = "not_received", "Not yet received"
    RECEIVED = "received", "Received, not yet logged"
    IN_CUSTODY = "in_custody", "In custody"
    RETURNED = "returned", "Returned"
    DISPOSED = "disposed", "Disposed of"


S = CustodyState

CUSTODY = StateMachine(
    name="custody",
    states=S,
    transitions=[
        Transition("received", {S.NOT_RECEIVED}, S.RECEIVED, permission=PERM, label="Receive"),
        Transition("logged", {S.RECEIVED}, S.IN_CUSTODY, permission=PERM, label="Log"),
        Transition("transferred", {S.IN_CUSTODY}, S.IN_CUSTODY, permission=PERM, label="Transfer"),
        Transition("examined", {S.IN_CUSTODY}, S.IN_CUSTODY, permission=PERM, label="Examine"),
        Transition("copied", {S.IN_CUSTODY}, S.IN_CUSTODY, permission=PERM, label="Copy"),
        Transition("returned", {S.IN_CUSTODY}, S.RETURNED, permission=PERM, label="Return"),
        # A returned exhibit's copy in the store may still have to be disposed of.
        Transition(
            "disposed",
            {S.RECEIVED, S.IN_CUSTODY, S.RETURNED},
            S.DISPOSED,
            permission=PERM,
            label="Dispose of",
        ),
    ],
)


def state_after(kinds) -> str:
    """The custody state after a sequence of event kinds (assumed valid, as stored)."""
    state = S.NOT_RECEIVED
    for kind in kinds:
        state = CUSTODY.transition(str(kind)).target
    return str(state)
