"""Every state of every workflow has a kind (a tag colour), declared in drachma.core.states."""

from drachma.core.states import KIND_COLOURS, STATE_KINDS, colour_of, kind_of
from drachma.core.workflow import machines


def test_every_state_of_every_machine_has_a_kind():
    found = {m.name: set(m.states) for m in machines()}
    assert found, "no state machines were found"
    for name, states in found.items():
        assert name in STATE_KINDS, f"{name}: give its states a kind in drachma.core.states"
        missing = states - set(STATE_KINDS[name])
        assert not missing, f"{name}: no kind for {sorted(missing)}"


def test_every_kind_declared_is_known_and_names_no_stale_state():
    found = {m.name: set(m.states) for m in machines()}
    for name, kinds in STATE_KINDS.items():
        assert set(kinds.values()) <= set(KIND_COLOURS), name
        assert set(kinds) <= found.get(name, set()), f"{name}: a state that no longer exists"


def test_kinds_give_the_colours():
    assert kind_of("takedown", "removed") == "done" and colour_of("takedown", "removed") == "green"
    assert colour_of("referral", "rejected") == "red"
    assert colour_of("takedown", "discarded") == colour_of("triage", "closed") == "grey"


def test_every_step_says_what_happened_in_words():
    # The flash after a step reads "TR-2026-000019 closed", never the default "close: done".
    vague = [
        f"{m.name}.{t.name}"
        for m in machines()
        for t in m.transitions
        if t.done.endswith(": done") or not t.done.strip()
    ]
    assert not vague, f"give these steps their words (Transition(done=...)): {vague}"
