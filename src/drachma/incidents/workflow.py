"""The status of an incident, declared once: where the police are with it, and who moves it.

Every incident is recorded as new. Someone who works incidents starts assessing it (what
happened, who is at risk, is there an offence), may open an investigation, and closes it when
nothing more will be done, saying why. A closed incident is counted in the force's figures
(statistics count incidents by status), so only a supervisor reopens one, and gives the
reason; it goes back to being assessed.

    new ──assess──▶ being assessed ──investigate──▶ under investigation
     │ └───────────investigate─────────────────────────▲        │
     │                    │                                      │
     └──close──▶ closed ◀─┴──close──────────────────────close────┘
                   │
                   └──reopen (supervisor, with a reason)──▶ being assessed

Services take each step with ``INCIDENT.apply(incident, "close", user=..., note=...)``
(``incidents.services.change_status``, which also keeps the figures in step).
"""

from __future__ import annotations

from drachma.core.workflow import StateMachine, Transition
from drachma.incidents.models import Incident, IncidentEvent
from drachma.incidents.models import IncidentStatus as S

# Whoever may edit an incident moves it along, as they could set its status before.
WORK = "incidents.change_incident"
REOPEN = "incidents.reopen_incident"

OPEN_STATES = {S.NEW, S.ASSESSING, S.INVESTIGATING}

INCIDENT = StateMachine(
    name="incident",
    states=S,
    model=Incident,
    field="status",
    event_model=IncidentEvent,
    initial=[S.NEW],
    starts={"record": "Recorded"},
    transitions=[
        Transition(
            "assess",
            {S.NEW},
            S.ASSESSING,
            permission=WORK,
            label="Start assessing",
            done="being assessed",
        ),
        Transition(
            "investigate",
            {S.NEW, S.ASSESSING},
            S.INVESTIGATING,
            permission=WORK,
            label="Open an investigation",
            done="under investigation",
        ),
        Transition(
            "close",
            OPEN_STATES,
            S.CLOSED,
            permission=WORK,
            label="Close",
            done="closed",
            note="Give the reason for closing the incident (the outcome, or why nothing more "
            "will be done).",
        ),
        # Closed incidents are what the figures count: only a supervisor reopens one.
        Transition(
            "reopen",
            {S.CLOSED},
            S.ASSESSING,
            permission=REOPEN,
            label="Reopen",
            done="reopened",
            note="Give the reason for reopening the incident.",
        ),
    ],
)
