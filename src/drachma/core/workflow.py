"""State machines declared once, as data: states, and the transitions allowed between them.

A domain declares its machine in one place, e.g.::

    TAKEDOWN = StateMachine(
        name="takedown",
        states=TakedownState,
        transitions=[
            Transition("ask_group", {TakedownState.IDENTIFIED}, TakedownState.ASKED),
            ...
        ],
    )

and its services call ``TAKEDOWN.check(current, "ask_group", user)`` before writing the new
state and its event. The machine raises ``ValidationError`` for anything it forbids, so the
API and forms report it like any other bad input.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: str
    permission: str | None = None
    label: str = ""

    def __init__(self, name, sources, target, permission=None, label=""):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "sources", frozenset(sources))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "permission", permission)
        object.__setattr__(self, "label", label or name.replace("_", " ").capitalize())


@dataclass
class StateMachine:
    name: str
    states: Iterable
    transitions: list[Transition]
    _by_name: dict = field(init=False, repr=False)

    def __post_init__(self):
        self.states = [str(s) for s in self.states]
        self._by_name = {}
        for t in self.transitions:
            if t.name in self._by_name:
                raise ValueError(f"{self.name}: transition {t.name!r} declared twice")
            unknown = {str(s) for s in t.sources | {t.target}} - set(self.states)
            if unknown:
                raise ValueError(f"{self.name}: {t.name!r} uses unknown states {unknown}")
            self._by_name[t.name] = t

    def transition(self, name: str) -> Transition:
        try:
            return self._by_name[name]
        except KeyError:
            raise ValidationError(
                {"transition": f"{self.name}: there is no transition called {name!r}."}
            ) from None

    def allowed(self, state: str, user=None) -> list[Transition]:
        """Transitions available from ``state`` (to ``user``, when given)."""
        return [
            t
            for t in self.transitions
            if str(state) in {str(s) for s in t.sources}
            and (user is None or t.permission is None or user.has_perm(t.permission))
        ]

    def check(self, state: str, name: str, user=None) -> Transition:
        """Return the transition ``name`` from ``state``, or raise ValidationError saying why
        not."""
        t = self.transition(name)
        if str(state) not in {str(s) for s in t.sources}:
            raise ValidationError(
                {
                    "transition": f"{self.name}: cannot {t.label.lower()} from "
                    f"'{state}'; allowed from: {', '.join(sorted(map(str, t.sources)))}."
                }
            )
        if user is not None and t.permission and not user.has_perm(t.permission):
            raise ValidationError(
                {"transition": f"{self.name}: your role may not {t.label.lower()}."}
            )
        return t

    def pairs(self) -> set[tuple[str, str, str]]:
        """Every (source, transition, target) triple: what tests walk."""
        return {(str(s), t.name, str(t.target)) for t in self.transitions for s in t.sources}
