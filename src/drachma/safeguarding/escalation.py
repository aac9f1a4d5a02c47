"""The escalation ladder, one table: for each grade, who is told when an action is not taken
up (nobody has started it) or runs late, and after how long. docs/safeguarding.md prints it.

Each rung is data: the trigger, the minutes after the trigger's clock starts, and the rung of
the chain of command told. The sweep (``services.escalate_actions``, run every minute by
``tasks.escalate``) takes each rung once per action and clock: an action reopened gets a fresh
due time, so its lateness can climb the ladder again; nothing else repeats a rung.

Triggers and their clocks:

- ``not_taken_up``: the action is open and nobody has started it; the clock runs from when
  it was planned (``created_at``). Its owner's being unable to act (the account disabled, or
  no longer a safeguarding officer or supervisor) counts from the same time: such an action is
  owned by nobody.
- ``late``: the action is open or in progress past its due time; the clock runs from the due
  time.

Whom each rung reaches (``services.escalation_recipients``): ``sergeant`` is the owner's
supervisor (``accounts.Account.supervisor``); ``duty_inspector`` is the sergeant's own
supervisor. When the chain has no one at that rung, every active supervisor is told, so an
escalation never goes nowhere.
"""

from dataclasses import dataclass

from drachma.safeguarding.models import Grade

NOT_TAKEN_UP = "not_taken_up"
LATE = "late"
TRIGGERS = {
    NOT_TAKEN_UP: "not taken up",
    LATE: "late",
}
RUNGS = {
    "sergeant": "the sergeant",
    "duty_inspector": "the duty inspector",
}


@dataclass(frozen=True)
class Rung:
    trigger: str
    after_minutes: int
    to: str

    def __post_init__(self) -> None:
        if self.trigger not in TRIGGERS:
            raise ValueError(f"unknown trigger {self.trigger!r}")
        if self.to not in RUNGS:
            raise ValueError(f"unknown rung {self.to!r}")
        if self.after_minutes < 0:
            raise ValueError("a rung cannot come before its trigger")

    def describe(self) -> str:
        when = "at once" if self.after_minutes == 0 else f"after {_minutes(self.after_minutes)}"
        return f"{TRIGGERS[self.trigger].capitalize()}: {when}, to {RUNGS[self.to]}"


def _minutes(n: int) -> str:
    if n % 1440 == 0:
        days = n // 1440
        return f"{days} day{'s' if days != 1 else ''}"
    if n % 60 == 0:
        hours = n // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{n} minutes"


# The table. The highest grade goes to the duty inspector at once; the lower the grade, the
# longer the sergeant has before it climbs.
LADDER: dict[str, tuple[Rung, ...]] = {
    Grade.EMERGENCY: (
        Rung(NOT_TAKEN_UP, 0, "duty_inspector"),
        Rung(LATE, 0, "duty_inspector"),
    ),
    Grade.PRIORITY: (
        Rung(NOT_TAKEN_UP, 30, "sergeant"),
        Rung(NOT_TAKEN_UP, 60, "duty_inspector"),
        Rung(LATE, 0, "sergeant"),
        Rung(LATE, 60, "duty_inspector"),
    ),
    Grade.SCHEDULED: (
        Rung(NOT_TAKEN_UP, 24 * 60, "sergeant"),
        Rung(LATE, 0, "sergeant"),
        Rung(LATE, 24 * 60, "duty_inspector"),
    ),
    Grade.RESOLUTION: (Rung(LATE, 0, "sergeant"),),
}


def rungs() -> list[tuple[str, int, Rung]]:
    """Every rung with its grade and its number on that grade's ladder (from 1)."""
    return [
        (grade, number, rung)
        for grade, ladder in LADDER.items()
        for number, rung in enumerate(ladder, start=1)
    ]


def table_rows() -> list[dict]:
    """The ladder in words, for the supervisor's view and the docs."""
    return [
        {"grade": Grade(grade).label, "steps": [rung.describe() for rung in ladder]}
        for grade, ladder in LADDER.items()
    ]
