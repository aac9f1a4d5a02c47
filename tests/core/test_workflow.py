"""The shared state machine's declaration checks (``apply`` is tested on a real workflow in
tests/safeguarding/test_workflow_apply.py)."""

import pytest

from drachma.core.workflow import (
    STATE_FIELDS,
    STAY,
    StateMachine,
    Transition,
    machines,
)


def test_a_transition_to_an_unknown_state_is_refused_when_declared():
    with pytest.raises(ValueError, match="unknown states"):
        StateMachine(name="t", states=["a", "b"], transitions=[Transition("go", {"a"}, "c")])


def test_a_transition_declared_twice_is_refused():
    with pytest.raises(ValueError, match="declared twice"):
        StateMachine(
            name="t",
            states=["a", "b"],
            transitions=[Transition("go", {"a"}, "b"), Transition("go", {"b"}, "a")],
        )


def test_a_step_that_keeps_the_state_is_a_pair_to_itself():
    m = StateMachine(
        name="t", states=["a", "b"], transitions=[Transition("note", {"a", "b"}, STAY)]
    )
    assert m.pairs() == {("a", "note", "a"), ("b", "note", "b")}


def test_every_declared_workflow_names_its_model_and_event_model():
    found = machines()
    assert len(found) >= 1
    for machine in found:
        assert machine.model is not None and machine.event_model is not None, machine.name
        assert STATE_FIELDS[machine.model] == machine.field
        assert set(machine.initial) <= set(machine.states)


def test_each_step_of_a_history_reads_in_words():
    from drachma.incidents.workflow import INCIDENT

    assert INCIDENT.step_label("record") == "Recorded"  # how an incident begins
    assert INCIDENT.step_label("close") == INCIDENT.transition("close").label
    assert INCIDENT.step_label("imported_from_old_system") == "Imported from old system"
