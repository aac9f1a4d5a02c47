"""State machines declared once, as data, and applied by one function.

A domain declares its machine in its ``workflow.py``: the states, each transition (from which
states, to which, who may take it, whether it needs a note, what it checks and what it does
besides changing the state), the model that holds the state and the event model that keeps
its history::

    TAKEDOWN = StateMachine(
        name="takedown",
        states=TakedownState,
        model=TakedownRequest,
        field="state",
        event_model=TakedownEvent,
        transitions=[
            Transition("ask_group", {S.IDENTIFIED}, S.REMOVAL_ASKED, permission=WORK,
                       label="Ask the group to remove it",
                       note="Keep the message sent to the group.",
                       effects=[keep_group_message]),
            ...
        ],
    )

and its services call ``TAKEDOWN.apply(request, "ask_group", user=user, note=text)``. ``apply``
is the only way a workflow's state changes after the record is created: it locks the row,
checks the transition (source state, permission, note, guards), sets the state, runs the
transition's effects, saves, writes one event row and records one audit entry, all in one
transaction. Anything it refuses is a ``ValidationError`` naming the field, so forms and the
API report it like any other bad input.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from drachma.core import auditing

if TYPE_CHECKING:
    from drachma.core.models import WorkflowEvent

# One cap on every workflow note (the event model's ``note`` field says the same).
NOTE_MAX_LENGTH = 5000
# Which field of which model holds a workflow's state: filled as machines are declared, read
# by ``core.models.AuditedModel`` and ``core.querysets`` to refuse state written any other way.
STATE_FIELDS: dict[type[models.Model], str] = {}
# Set on the locked record while ``apply`` saves it: the one write of a state that is allowed.
APPLYING = "_workflow_applying"

# The target of a step that changes something other than the state (a new owner, a new due
# time): it is declared, locked, checked, recorded and audited like any other transition.
STAY = ""

R = TypeVar("R", bound=models.Model)


@dataclass
class Step(Generic[R]):
    """What a guard or an effect is given: the locked record and the step being taken.

    ``params`` holds the keyword arguments the service passed to ``apply`` beyond the
    standard ones (a platform's reference, a new owner); an effect reads what it needs.
    ``event`` holds extra values for the event row (fields the concrete event model adds).
    """

    record: R
    transition: Transition
    user: Any
    note: str
    at: datetime.datetime
    from_state: str
    params: dict[str, Any]
    event: dict[str, Any] = dc_field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.transition.name


Hook = Callable[[Step[Any]], None]


@dataclass(frozen=True)
class Transition:
    """One allowed step. ``note`` is the prompt shown when a note is required (empty: the
    note is optional). Guards raise ValidationError to refuse the step; effects change the
    locked record (or queue work after commit) once the step is allowed."""

    name: str
    sources: frozenset[str]
    target: str
    permission: str | None = None
    label: str = ""
    note: str = ""
    guards: tuple[Hook, ...] = ()
    effects: tuple[Hook, ...] = ()
    # What the step is called once done, for messages: "TR-2026-000019 closed".
    done: str = ""
    # The refusal, in the users' words, when the record is not in a state the step starts
    # from: ``{"owner": "Only an open action can change hands."}``.
    refused: dict[str, str] | None = None

    def __init__(
        self,
        name: str,
        sources: Iterable[str],
        target: str,
        permission: str | None = None,
        label: str = "",
        *,
        note: str = "",
        guards: Sequence[Hook] = (),
        effects: Sequence[Hook] = (),
        done: str = "",
        refused: dict[str, str] | None = None,
    ) -> None:
        set_ = object.__setattr__
        set_(self, "name", name)
        set_(self, "sources", frozenset(str(s) for s in sources))
        set_(self, "target", str(target))
        set_(self, "permission", permission)
        set_(self, "label", label or name.replace("_", " ").capitalize())
        set_(self, "note", note)
        set_(self, "guards", tuple(guards))
        set_(self, "effects", tuple(effects))
        set_(self, "done", done or f"{self.label.lower()}: done")
        set_(self, "refused", refused)

    @property
    def note_required(self) -> bool:
        return bool(self.note)

    def target_from(self, state: str) -> str:
        return str(state) if self.target == STAY else self.target


@dataclass
class StateMachine:
    """A workflow: its states and transitions, and where they are kept.

    ``model``/``field`` name the record and its state field; ``event_model`` the history
    (a subclass of ``core.models.WorkflowEvent`` with a foreign key to ``model``). ``initial``
    lists the states a record may be created in (``start`` records that first event).
    ``guards`` and ``effects`` given to the machine run on every transition, after the
    transition's own.
    """

    name: str
    states: Iterable[Any]
    transitions: list[Transition]
    model: type[models.Model] | None = None
    field: str = "status"
    event_model: type[WorkflowEvent] | None = None
    initial: Iterable[Any] = ()
    # How each way a record begins reads in its history: ``{"plan": "Planned"}`` (``start``'s
    # ``transition``).
    starts: dict[str, str] = dc_field(default_factory=dict)
    guards: Sequence[Hook] = ()
    effects: Sequence[Hook] = ()
    _by_name: dict[str, Transition] = dc_field(init=False, repr=False, default_factory=dict)
    _labels: dict[str, str] = dc_field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._labels = {str(v): str(label) for v, label in getattr(self.states, "choices", [])}
        self.states = [str(s) for s in self.states]
        self.initial = [str(s) for s in self.initial]
        self._by_name = {}
        for t in self.transitions:
            if t.name in self._by_name:
                raise ValueError(f"{self.name}: transition {t.name!r} declared twice")
            unknown = (set(t.sources) | ({t.target} - {STAY})) - set(self.states)
            if unknown:
                raise ValueError(f"{self.name}: {t.name!r} uses unknown states {unknown}")
            self._by_name[t.name] = t
        unknown_initial = set(self.initial) - set(self.states)
        if unknown_initial:
            raise ValueError(f"{self.name}: unknown initial states {unknown_initial}")
        if self.model is not None:
            claimed = STATE_FIELDS.setdefault(self.model, self.field)
            if claimed != self.field:
                raise ValueError(f"{self.model.__name__} already has a workflow on {claimed!r}")

    # --- reading the declaration --------------------------------------------------------

    def transition(self, name: str) -> Transition:
        try:
            return self._by_name[name]
        except KeyError:
            raise ValidationError(
                {"transition": f"{self.name}: there is no transition called {name!r}."}
            ) from None

    def allowed(self, state: str, user: Any = None) -> list[Transition]:
        """Transitions available from ``state`` (to ``user``, when given)."""
        return [
            t
            for t in self.transitions
            if str(state) in t.sources
            and (user is None or t.permission is None or user.has_perm(t.permission))
        ]

    def step_label(self, name: str) -> str:
        """A step of the history in words: a transition's label, or how the record began."""
        if name in self._by_name:
            return self._by_name[name].label
        return self.starts.get(name) or name.replace("_", " ").capitalize()

    def state_label(self, state: str) -> str:
        """The state in the users' words (its choice label)."""
        return self._labels.get(str(state)) or str(state).replace("_", " ").capitalize()

    def check(self, state: str, name: str, user: Any = None) -> Transition:
        """The transition ``name`` from ``state``, or a ValidationError saying why not."""
        t = self.transition(name)
        if str(state) not in t.sources:
            if t.refused:
                raise ValidationError(t.refused)
            raise ValidationError(
                {
                    "transition": f"{self.name}: cannot {t.label.lower()} from "
                    f"'{state}'; allowed from: {', '.join(sorted(t.sources))}."
                }
            )
        if user is not None and t.permission and not user.has_perm(t.permission):
            raise ValidationError(
                {"transition": f"{self.name}: your role may not {t.label.lower()}."}
            )
        return t

    def pairs(self) -> set[tuple[str, str, str]]:
        """Every (source, transition, target) triple: what tests walk."""
        return {(s, t.name, t.target_from(s)) for t in self.transitions for s in t.sources}

    # --- changing state -----------------------------------------------------------------

    def clean_note(self, transition: Transition, note: str | None) -> str:
        note = (note or "").strip()
        if transition.note_required and not note:
            raise ValidationError({"note": transition.note})
        if len(note) > NOTE_MAX_LENGTH:
            raise ValidationError(
                {
                    "note": f"Ensure this value has at most {NOTE_MAX_LENGTH} characters "
                    f"(it has {len(note)})."
                }
            )
        return note

    def start(
        self,
        record: R,
        *,
        user: Any,
        transition: str = "create",
        note: str = "",
        at: datetime.datetime | None = None,
        by_description: str = "",
        **event_fields: Any,
    ) -> WorkflowEvent:
        """Record a new record's first event (``transition`` names how it began: "open",
        "plan"). The record was created in one of the machine's initial states; the audit
        log already holds its creation."""
        model, event_model = self._wired()
        state = str(getattr(record, self.field))
        if state not in self.initial:
            raise ValidationError({self.field: f"{self.name}: a record cannot begin as '{state}'."})
        note = (note or "").strip()[:NOTE_MAX_LENGTH]
        return event_model.objects.create(
            **{self._event_fk(): record},
            transition=transition,
            from_state="",
            to_state=state,
            by=user,
            by_description=by_description,
            at=at or timezone.now(),
            note=note,
            **event_fields,
        )

    def apply(
        self,
        record: R,
        name: str,
        *,
        user: Any,
        note: str | None = "",
        at: datetime.datetime | None = None,
        by_description: str = "",
        **params: Any,
    ) -> R:
        """Take the transition ``name`` on ``record``: the one way a workflow's state changes.

        Locks the row, checks the transition from its current (locked) state and the user's
        permission, applies the note rule, runs the guards, sets the state, runs the effects,
        validates and saves the record, writes one event row and one audit entry. Returns the
        locked, saved record; ``record`` itself is refreshed too, so a caller holding it sees
        the new state.
        """
        model, event_model = self._wired()
        if not isinstance(record, model):
            raise TypeError(f"{self.name} applies to {model.__name__}, not {type(record)!r}")
        with transaction.atomic():
            locked = model._base_manager.select_for_update().get(pk=record.pk)
            from_state = str(getattr(locked, self.field))
            t = self.check(from_state, name, user)
            step: Step[R] = Step(
                record=locked,
                transition=t,
                user=user,
                note=self.clean_note(t, note),
                at=at or timezone.now(),
                from_state=from_state,
                params=params,
            )
            for guard in (*t.guards, *self.guards):
                guard(step)
            before = auditing.snapshot(locked)
            to_state = t.target_from(from_state)
            setattr(locked, self.field, to_state)
            for effect in (*t.effects, *self.effects):
                effect(step)
            locked.full_clean()
            # The transition's audit entry below names the changed fields; the generic
            # save recorder would only repeat them without the transition.
            auditing.recorded_elsewhere(locked)
            setattr(locked, APPLYING, t.name)
            try:
                locked.save()
            finally:
                delattr(locked, APPLYING)
            event = event_model.objects.create(
                **{self._event_fk(): locked},
                transition=t.name,
                from_state=from_state,
                to_state=to_state,
                by=user,
                by_description=by_description,
                at=step.at,
                note=step.note,
                **step.event,
            )
            auditing.record_transition(
                locked,
                machine=self.name,
                transition=t.name,
                from_state=from_state,
                to_state=to_state,
                note=step.note,
                event_id=event.pk,
                changes=auditing.diff(before, auditing.snapshot(locked)),
                actor=user,
            )
        if record is not locked:
            record.refresh_from_db()
        return locked

    def _wired(self) -> tuple[type[models.Model], type[WorkflowEvent]]:
        if self.model is None or self.event_model is None:
            raise ImproperlyDeclared(f"{self.name}: no model or event model declared")
        return self.model, self.event_model

    def _event_fk(self) -> str:
        """The event model's foreign key to the record."""
        assert self.event_model is not None and self.model is not None
        for f in self.event_model._meta.concrete_fields:
            if f.is_relation and f.related_model is self.model:
                return f.name
        raise ImproperlyDeclared(
            f"{self.name}: {self.event_model.__name__} has no foreign key to {self.model.__name__}"
        )


class ImproperlyDeclared(Exception):
    """A state machine declared without what ``apply`` needs: a programming error."""


def machines() -> list[StateMachine]:
    """Every workflow declared by an installed app (each app's ``workflow.py``)."""
    from drachma.core.registry import app_modules

    found: list[StateMachine] = []
    for module in app_modules("workflow"):
        found.extend(v for v in vars(module).values() if isinstance(v, StateMachine))
    return found
