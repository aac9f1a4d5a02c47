"""When each safeguarding action is due: one table, response grade × action type.

Three kinds of deadline, all computed in Europe/London so that they are right across the
clock changes (last Sunday of March, last Sunday of October):

- ``Elapsed(minutes)``: a fixed stretch of real time (an hour is an hour, even at 01:30 on
  the night the clocks change). For the most urgent work.
- ``WallClock(hours)``: the same reading of the clock that many hours later, as an officer
  counts on the wall clock: "+24 h" from 10:00 on Saturday 28 March 2026 is 10:00 on Sunday,
  23 real hours later. A time the clocks skip is moved forward past the gap.
- ``WorkingDays(days, at)``: ``days`` working days later (Monday to Friday, not a bank
  holiday in England and Wales) at the given local time: "next working day 09:00" is
  ``WorkingDays(1, 9)``. Working days are Drachma's one calendar, ``core.workingdays``.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# The one working-day calendar (GOV.UK's published bank holidays, the usual rules beyond them).
from drachma.core.workingdays import bank_holidays as bank_holidays  # kept importable here
from drachma.core.workingdays import is_working_day
from drachma.safeguarding.models import ActionKind as K
from drachma.safeguarding.models import Grade as G

LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC


def local_wall(naive: datetime.datetime) -> datetime.datetime:
    """A London wall-clock reading as an aware time. A reading the clocks skip (01:30 on the
    last Sunday of March) is moved forward by the gap; a reading that happens twice (01:30 on
    the last Sunday of October) is the first of the two."""
    # fold=0 reads a skipped time with the offset before the change (GMT), which lands past
    # the gap once normalised, and an ambiguous time as its first occurrence (BST).
    return naive.replace(tzinfo=LONDON, fold=0).astimezone(UTC).astimezone(LONDON)


@dataclass(frozen=True)
class Elapsed:
    minutes: int

    def due(self, start: datetime.datetime) -> datetime.datetime:
        return (start.astimezone(UTC) + datetime.timedelta(minutes=self.minutes)).astimezone(LONDON)

    def __str__(self) -> str:
        return f"{self.minutes} min" if self.minutes < 60 else f"{self.minutes // 60} h (elapsed)"


@dataclass(frozen=True)
class WallClock:
    hours: int

    def due(self, start: datetime.datetime) -> datetime.datetime:
        wall = start.astimezone(LONDON).replace(tzinfo=None) + datetime.timedelta(hours=self.hours)
        return local_wall(wall)

    def __str__(self) -> str:
        return f"+{self.hours} h wall-clock"


@dataclass(frozen=True)
class WorkingDays:
    days: int
    at_hour: int

    def due(self, start: datetime.datetime) -> datetime.datetime:
        day = start.astimezone(LONDON).date()
        left = self.days
        while left:
            day += datetime.timedelta(days=1)
            if is_working_day(day):
                left -= 1
        return local_wall(datetime.datetime.combine(day, datetime.time(self.at_hour)))

    def __str__(self) -> str:
        when = "next working day" if self.days == 1 else f"{self.days} working days"
        return f"{when}, {self.at_hour:02d}:00"


# The one table (a force may change cells through the setting DRACHMA_SAFEGUARDING_DUE, see
# table()). Greater Manchester's graded response: emergency (grade 1) is attended within
# 15 minutes and priority (grade 2) within an hour; the rest of the plan follows from those.
Rule = Elapsed | WallClock | WorkingDays

DUE: dict[G, dict[K, Rule]] = {
    G.EMERGENCY: {
        K.WELFARE_CHECK: Elapsed(15),
        K.MENTAL_HEALTH_CRISIS: Elapsed(60),
        K.PROTECTIVE_PATROLS: Elapsed(60),
        K.SUICIDE_PREVENTION: Elapsed(4 * 60),
        K.FAMILY_LIAISON: Elapsed(4 * 60),
        K.CHILDRENS_SERVICES: Elapsed(4 * 60),
        K.ADULT_SOCIAL_CARE: WallClock(24),
        K.VICTIM_SUPPORT: WorkingDays(1, 9),
        K.LIAISON_DIVERSION: Elapsed(4 * 60),
        K.FAMILY_INFORMATION: Elapsed(4 * 60),
        K.OTHER: Elapsed(4 * 60),
    },
    G.PRIORITY: {
        K.WELFARE_CHECK: Elapsed(60),
        K.MENTAL_HEALTH_CRISIS: Elapsed(4 * 60),
        K.PROTECTIVE_PATROLS: Elapsed(4 * 60),
        K.SUICIDE_PREVENTION: WallClock(24),
        K.FAMILY_LIAISON: WallClock(24),
        K.CHILDRENS_SERVICES: WallClock(24),
        K.ADULT_SOCIAL_CARE: WorkingDays(1, 9),
        K.VICTIM_SUPPORT: WorkingDays(1, 9),
        K.LIAISON_DIVERSION: WorkingDays(1, 17),
        K.FAMILY_INFORMATION: WallClock(24),
        K.OTHER: WallClock(24),
    },
    G.SCHEDULED: {
        K.WELFARE_CHECK: WallClock(48),
        K.MENTAL_HEALTH_CRISIS: WallClock(24),
        K.PROTECTIVE_PATROLS: WallClock(48),
        K.SUICIDE_PREVENTION: WallClock(48),
        K.FAMILY_LIAISON: WorkingDays(2, 17),
        K.CHILDRENS_SERVICES: WorkingDays(1, 17),
        K.ADULT_SOCIAL_CARE: WorkingDays(2, 17),
        K.VICTIM_SUPPORT: WorkingDays(3, 17),
        K.LIAISON_DIVERSION: WorkingDays(2, 17),
        K.FAMILY_INFORMATION: WorkingDays(1, 17),
        K.OTHER: WorkingDays(3, 17),
    },
    G.RESOLUTION: {
        K.WELFARE_CHECK: WorkingDays(3, 17),
        K.MENTAL_HEALTH_CRISIS: WorkingDays(1, 17),
        K.PROTECTIVE_PATROLS: WorkingDays(5, 17),
        K.SUICIDE_PREVENTION: WorkingDays(2, 17),
        K.FAMILY_LIAISON: WorkingDays(5, 17),
        K.CHILDRENS_SERVICES: WorkingDays(1, 17),
        K.ADULT_SOCIAL_CARE: WorkingDays(5, 17),
        K.VICTIM_SUPPORT: WorkingDays(5, 17),
        K.LIAISON_DIVERSION: WorkingDays(5, 17),
        K.FAMILY_INFORMATION: WorkingDays(3, 17),
        K.OTHER: WorkingDays(5, 17),
    },
}


def parse_rule(text: str) -> Rule:
    """A deadline written in a setting: ``"15m"`` or ``"4h"`` elapsed, ``"+24h"`` wall-clock,
    ``"1wd@09"`` the next working day at 09:00."""
    value = text.strip().lower()

    def positive(number: str) -> int:
        # A deadline of no time, or in the past ("-5m"), is a typing mistake, not a rule.
        if int(number) < 1:
            raise ValueError
        return int(number)

    try:
        if value.startswith("+") and value.endswith("h"):
            return WallClock(positive(value[1:-1]))
        if "wd@" in value:
            days, hour = value.split("wd@")
            if not 0 <= int(hour) <= 23:
                raise ValueError
            return WorkingDays(positive(days), int(hour))
        if value.endswith("m"):
            return Elapsed(positive(value[:-1]))
        if value.endswith("h"):
            return Elapsed(positive(value[:-1]) * 60)
    except ValueError:
        pass
    raise ImproperlyConfigured(
        f"DRACHMA_SAFEGUARDING_DUE: cannot read the deadline {text!r} "
        "(write 15m, 4h, +24h or 1wd@09)."
    )


def table() -> dict[G, dict[K, Rule]]:
    """The table in force: DUE, with any cells a force changes through the setting
    ``DRACHMA_SAFEGUARDING_DUE = {"priority": {"welfare_check": "30m"}, ...}``."""
    overrides = getattr(settings, "DRACHMA_SAFEGUARDING_DUE", None) or {}
    merged = {g: dict(row) for g, row in DUE.items()}
    for grade, row in overrides.items():
        for kind, text in row.items():
            if grade not in G.values or kind not in K.values:
                raise ImproperlyConfigured(
                    f"DRACHMA_SAFEGUARDING_DUE: unknown grade or action type {grade}/{kind}."
                )
            merged[G(grade)][K(kind)] = parse_rule(text)
    return merged


def due_at(grade: str, kind: str, start: datetime.datetime) -> datetime.datetime:
    """When an action of ``kind`` planned at ``start`` under ``grade`` is due."""
    return table()[G(grade)][K(kind)].due(start)


def table_rows() -> list[tuple[str, list[str]]]:
    """The table in force, in words, for the pages and docs/safeguarding.md."""
    current = table()
    return [(K(kind).label, [str(current[g][kind]) for g in G]) for kind in K]
