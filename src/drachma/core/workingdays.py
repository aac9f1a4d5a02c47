"""One working-day calendar for all of Drachma: England and Wales, Monday to Friday, not a
bank holiday.

The bank holidays are GOV.UK's published list (https://www.gov.uk/bank-holidays.json), shipped
in ``core/data/bank-holidays.json`` (the England and Wales division) and refreshed by
``manage.py refresh_bank_holidays``. The list holds the one-off holidays the usual rules cannot
know (the Platinum Jubilee on 3 June 2022, the State Funeral on 19 September 2022, the
Coronation on 8 May 2023, VE day moving the early May holiday to 8 May 2020). For a year the
list does not cover (before its first year or after its last), the usual rules stand in:
``rule_bank_holidays``.

``DRACHMA_BANK_HOLIDAYS_FILE`` names another file (a writable one, where the package is not);
the refresh command writes there.
"""

from __future__ import annotations

import datetime
import json
import os
import tempfile
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from dateutil.easter import easter  # type: ignore[import-untyped]  # python-dateutil has no stubs
from django.conf import settings
from django.core.exceptions import ValidationError

SHIPPED = Path(__file__).resolve().parent / "data" / "bank-holidays.json"
SOURCE_URL = "https://www.gov.uk/bank-holidays.json"
DIVISION = "england-and-wales"
# Every year has at least the eight usual holidays (New Year, Good Friday, Easter Monday,
# early May, spring, summer, Christmas, Boxing Day); a year with fewer is a cut-off file.
USUAL_PER_YEAR = 8
# A file bigger than this is not GOV.UK's list (today's is about 20 kB for three divisions).
MAX_BYTES = 2_000_000


def calendar_file() -> Path:
    configured = getattr(settings, "DRACHMA_BANK_HOLIDAYS_FILE", None)
    return Path(configured) if configured else SHIPPED


# --- the usual rules: the fallback beyond the published list ---------------------------------


@lru_cache(maxsize=64)
def rule_bank_holidays(year: int) -> frozenset[datetime.date]:
    """England and Wales bank holidays by the usual rules (substitute days when one falls at
    a weekend). One-off holidays proclaimed for a single year are not included: only the
    published list knows them."""

    def weekday_on_or_after(day: datetime.date) -> datetime.date:
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        return day

    def first_monday(month: int) -> datetime.date:
        day = datetime.date(year, month, 1)
        return day + datetime.timedelta(days=(7 - day.weekday()) % 7)

    def last_monday(month: int) -> datetime.date:
        day = datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)
        return day - datetime.timedelta(days=day.weekday())

    e = easter(year)
    christmas = datetime.date(year, 12, 25)
    christmas_off = weekday_on_or_after(christmas)
    boxing_off = weekday_on_or_after(christmas_off + datetime.timedelta(days=1))
    return frozenset(
        {
            weekday_on_or_after(datetime.date(year, 1, 1)),
            e - datetime.timedelta(days=2),
            e + datetime.timedelta(days=1),
            first_monday(5),
            last_monday(5),
            last_monday(8),
            christmas_off,
            boxing_off,
        }
    )


# --- the published list -------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """The published list, read and checked: its holidays by year, and their titles."""

    by_year: dict[int, frozenset[datetime.date]]
    titles: dict[datetime.date, str]

    @property
    def first_year(self) -> int:
        return min(self.by_year)

    @property
    def last_year(self) -> int:
        return max(self.by_year)

    def covers(self, year: int) -> bool:
        return year in self.by_year


def parse(data: Any) -> Published:
    """GOV.UK's ``bank-holidays.json`` (or our England and Wales part of it) checked: the
    division present, every event a title and a real weekday date, no date twice, every year
    from the first to the last present with at least the usual eight holidays. Anything else
    is a ValidationError naming what is wrong (a partial or damaged file is never used)."""
    if not isinstance(data, dict) or not isinstance(data.get(DIVISION), dict):
        raise ValidationError(f"The file has no {DIVISION!r} division.")
    events = data[DIVISION].get("events")
    if not isinstance(events, list) or not events:
        raise ValidationError(f"The {DIVISION!r} division lists no events.")
    problems: list[str] = []
    titles: dict[datetime.date, str] = {}
    by_year: dict[int, set[datetime.date]] = defaultdict(set)
    for number, event in enumerate(events, start=1):
        if not isinstance(event, dict):
            problems.append(f"event {number}: not an object")
            continue
        title, text = event.get("title"), event.get("date")
        if not isinstance(title, str) or not title.strip():
            problems.append(f"event {number}: no title")
        try:
            day = datetime.date.fromisoformat(text) if isinstance(text, str) else None
        except ValueError:
            day = None
        if day is None:
            problems.append(f"event {number}: date {text!r} is not a date (YYYY-MM-DD)")
            continue
        if day.weekday() >= 5:
            problems.append(f"event {number}: {day} is a weekend day, never a bank holiday")
        if day in titles:
            problems.append(f"event {number}: {day} is listed twice")
        titles[day] = str(title).strip() if isinstance(title, str) else ""
        by_year[day.year].add(day)
    if by_year:
        for year in range(min(by_year), max(by_year) + 1):
            if len(by_year.get(year, ())) < USUAL_PER_YEAR:
                problems.append(
                    f"{year} has {len(by_year.get(year, ()))} bank holidays, "
                    f"fewer than the usual {USUAL_PER_YEAR}"
                )
    if problems:
        shown = problems[:10] + ([f"and {len(problems) - 10} more"] if len(problems) > 10 else [])
        raise ValidationError("The bank holiday list is refused: " + "; ".join(shown) + ".")
    return Published({y: frozenset(days) for y, days in by_year.items()}, titles)


@lru_cache(maxsize=1)
def published() -> Published:
    """The list in use (cached; ``reload()`` after the file changes)."""
    return parse(json.loads(calendar_file().read_text(encoding="utf-8")))


def reload() -> None:
    published.cache_clear()
    bank_holidays.cache_clear()


# --- the calendar ---------------------------------------------------------------------------


@lru_cache(maxsize=256)
def bank_holidays(year: int) -> frozenset[datetime.date]:
    """England and Wales bank holidays of ``year``: the published list where it covers the
    year, the usual rules otherwise."""
    listed = published()
    if listed.covers(year):
        return listed.by_year[year]
    return rule_bank_holidays(year)


def holiday_name(day: datetime.date) -> str:
    """The holiday's published title, "" for none (or a year only the rules cover)."""
    return published().titles.get(day, "")


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(day: datetime.date, days: int) -> datetime.date:
    """The ``days``-th working day after ``day`` (``day`` itself never counts, working or
    not): the Freedom of Information Act's "twentieth working day following the date of
    receipt" is ``add_working_days(received, 20)``."""
    if days < 0:
        raise ValueError("Count working days forwards only.")
    left = days
    while left:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days follow ``start`` up to and including ``end`` (0 when ``end`` is
    not after ``start``)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


# --- refreshing the list --------------------------------------------------------------------


def download(url: str = SOURCE_URL, timeout: float = 30) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # fixed https URL
        body: bytes = response.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        raise ValidationError(f"The download is larger than {MAX_BYTES:,} bytes.")
    return body


def refresh(body: bytes, path: Path | None = None) -> Published:
    """Check a downloaded list and, only if it is whole, put its England and Wales division in
    place of the kept file (written to a temporary file and renamed, so a reader never sees
    half a file). A list that is damaged, partial, or drops a year the kept one covers is
    refused with the reason and the kept file is left as it was."""
    path = path or calendar_file()
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"The download is not JSON: {exc}.") from None
    new = parse(data)
    try:
        kept: Published | None = parse(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError):
        kept = None  # no kept file, or a damaged one: anything whole is better
    if kept is not None:
        lost = sorted(set(kept.by_year) - set(new.by_year))
        if lost:
            raise ValidationError(
                "The download is refused: it drops years the kept list covers "
                f"({', '.join(map(str, lost))}); the kept list is unchanged."
            )
    division = {"division": DIVISION, "events": data[DIVISION]["events"]}
    text = json.dumps({DIVISION: division}, indent=1, ensure_ascii=False) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".bank-holidays-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    reload()
    return new
