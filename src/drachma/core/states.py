"""How a workflow's states look on a page: each state has a kind, each kind a tag colour.

Declared here, in one place, for every machine, so that "waiting" looks the same in takedown
as in intake. ``{% state_tag %}`` reads it; ``tests/core/test_states.py`` fails when a machine
gains a state that is not given a kind here.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from drachma.core.workflow import StateMachine

# The kinds of state, and the GOV.UK tag colour each is drawn in (``govuk-tag--<colour>``).
KIND_COLOURS: dict[str, str] = {
    "new": "blue",  # just arrived, nobody has looked at it
    "open": "light-blue",  # accepted, someone owns it
    "working": "turquoise",  # being worked on
    "waiting": "yellow",  # waiting for someone else (a group, a platform, an assessor)
    "attention": "orange",  # needs someone to act: returned, escalated, no answer
    "done": "green",  # finished as hoped
    "refused": "red",  # finished, refused or rejected
    "stopped": "grey",  # closed, cancelled, discarded: no more work
}

# machine name -> state -> kind.
STATE_KINDS: dict[str, dict[str, str]] = {
    "intelligence": {
        "requires_assessment": "waiting",
        "returned": "attention",
        "assessed": "working",
        "linked": "done",
    },
    "custody": {
        "not_received": "waiting",
        "received": "new",
        "in_custody": "open",
        "returned": "done",
        "disposed": "stopped",
    },
    "incident": {
        "new": "new",
        "assessing": "working",
        "investigating": "working",
        "closed": "stopped",
    },
    "safeguarding action": {
        "open": "open",
        "in_progress": "working",
        "done": "done",
        "cancelled": "stopped",
    },
    "disclosure schedule": {
        "draft": "working",
        "certified": "done",
        "revised": "stopped",
    },
    "takedown": {
        "draft": "new",
        "identified": "open",
        "removal_asked": "waiting",
        "removed_by_group": "done",
        "refused": "refused",
        "no_answer": "attention",
        "reported_to_platform": "waiting",
        "removed": "done",
        "rejected": "refused",
        "pending": "waiting",
        "escalated": "attention",
        "closed": "stopped",
        "discarded": "stopped",
    },
    "triage": {
        "new": "new",
        "assigned": "working",
        "converted": "done",
        "linked": "done",
        "referred": "done",
        "closed": "stopped",
    },
    "foi request": {
        "open": "waiting",
        "answered": "done",
    },
    "onward referral": {"sent": "waiting", "answered": "done", "withdrawn": "stopped"},
    "rights request": {
        "registered": "new",
        "searching": "working",
        "deciding": "attention",
        "answered": "done",
        "refused": "refused",
        "withdrawn": "stopped",
    },
    "referral": {
        "open": "waiting",
        "accepted": "open",
        "investigating": "working",
        "closed": "stopped",
        "rejected": "refused",
    },
}


def kind_of(machine_name: str, state: str) -> str:
    """The kind of ``state`` in the machine called ``machine_name`` ("stopped" if undeclared,
    which the test of this module does not allow for a real machine)."""
    return STATE_KINDS.get(machine_name, {}).get(str(state), "stopped")


def colour_of(machine_name: str, state: str) -> str:
    return KIND_COLOURS[kind_of(machine_name, state)]


@functools.cache
def _machines() -> tuple:
    """The declared machines, read once (they are module-level declarations)."""
    from drachma.core.workflow import machines

    return tuple(machines())


def machine_for(obj_or_name: Any) -> StateMachine | None:
    """The state machine named ``obj_or_name`` (a name or a machine), or the one whose model or
    event model ``obj_or_name`` is an instance of; None when there is none."""
    from drachma.core.workflow import StateMachine

    if isinstance(obj_or_name, StateMachine):
        return obj_or_name
    for machine in _machines():
        if isinstance(obj_or_name, str):
            if machine.name == obj_or_name:
                return machine
        elif isinstance(obj_or_name, models.Model) and (
            (machine.model is not None and isinstance(obj_or_name, machine.model))
            or (machine.event_model is not None and isinstance(obj_or_name, machine.event_model))
        ):
            return machine
    return None
