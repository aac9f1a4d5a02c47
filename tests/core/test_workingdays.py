"""The one working-day calendar: GOV.UK's published bank holidays (one-off ones included), the
usual rules beyond the list's years, and the refresh command that refuses a bad list."""

import datetime
import io
import json
import shutil

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from drachma.core import workingdays
from drachma.core.workingdays import (
    add_working_days,
    bank_holidays,
    holiday_name,
    is_working_day,
    rule_bank_holidays,
    working_days_between,
)
from drachma.safeguarding import deadlines

D = datetime.date


@pytest.fixture
def calendar_copy(tmp_path, settings):
    """A writable copy of the shipped list, in use for the test."""
    path = tmp_path / "bank-holidays.json"
    shutil.copy(workingdays.SHIPPED, path)
    settings.DRACHMA_BANK_HOLIDAYS_FILE = str(path)
    workingdays.reload()
    yield path
    workingdays.reload()


def gov_uk_download(events) -> bytes:
    """A response shaped as GOV.UK's: three divisions, ours among them."""
    return json.dumps(
        {
            "england-and-wales": {"division": "england-and-wales", "events": events},
            "scotland": {"division": "scotland", "events": []},
            "northern-ireland": {"division": "northern-ireland", "events": []},
        }
    ).encode()


def shipped_events() -> list[dict]:
    return json.loads(workingdays.SHIPPED.read_text())["england-and-wales"]["events"]


# --- one-off holidays -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2022, 6, 3), "Platinum Jubilee bank holiday"),
        (D(2022, 9, 19), "Bank holiday for the State Funeral of Queen Elizabeth II"),
        (D(2023, 5, 8), "Bank holiday for the coronation of King Charles III"),
        (D(2020, 5, 8), "Early May bank holiday (VE day)"),
        (D(2022, 6, 2), "Spring bank holiday"),  # moved from Monday 30 May for the Jubilee
    ],
)
def test_one_off_holidays_are_not_working_days(day, name):
    assert day in bank_holidays(day.year)
    assert not is_working_day(day)
    assert holiday_name(day) == name
    assert day not in rule_bank_holidays(day.year)  # what the old rules-only calendar missed


def test_holidays_the_one_offs_replaced_are_working_days():
    assert is_working_day(D(2020, 5, 4))  # the early May holiday moved to VE day
    assert is_working_day(D(2022, 5, 30))  # the spring holiday moved to 2 June


def test_safeguarding_deadlines_use_the_core_calendar():
    assert deadlines.bank_holidays is workingdays.bank_holidays
    start = datetime.datetime(2022, 9, 16, 12, 0, tzinfo=deadlines.LONDON)  # Friday
    # Monday 19 September 2022 (the State Funeral) is not the next working day.
    assert deadlines.WorkingDays(1, 9).due(start).date() == D(2022, 9, 20)


def test_a_year_the_list_does_not_cover_falls_back_to_the_rules():
    listed = workingdays.published()
    beyond = listed.last_year + 1
    assert bank_holidays(beyond) == rule_bank_holidays(beyond)
    assert bank_holidays(2010) == rule_bank_holidays(2010)
    assert D(beyond, 12, 25) in bank_holidays(beyond) or D(beyond, 12, 25).weekday() >= 5


def test_the_shipped_list_covers_this_year_and_next():
    listed = workingdays.published()
    assert listed.first_year <= 2018 and listed.last_year >= 2027
    assert bank_holidays(2026) == rule_bank_holidays(2026)  # a year without one-offs agrees


def test_working_day_arithmetic():
    # Received on Thursday 2 June 2022 (itself a holiday): the 20th working day following.
    assert add_working_days(D(2022, 6, 2), 1) == D(2022, 6, 6)
    assert add_working_days(D(2022, 6, 2), 20) == D(2022, 7, 1)
    assert working_days_between(D(2022, 6, 2), D(2022, 7, 1)) == 20
    assert working_days_between(D(2022, 7, 1), D(2022, 6, 2)) == 0
    assert add_working_days(D(2026, 12, 23), 3) == D(2026, 12, 30)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 1, 1), -1)


# --- the list checked ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "no 'england-and-wales' division"),
        ({"england-and-wales": {"events": []}}, "lists no events"),
        (
            {"england-and-wales": {"events": [{"title": "X", "date": "2026-13-01"}]}},
            "is not a date",
        ),
        (
            {"england-and-wales": {"events": [{"title": "X", "date": "2026-06-06"}]}},
            "2026-06-06 is a weekend day",
        ),
        (
            {"england-and-wales": {"events": [{"title": "", "date": "2026-06-05"}]}},
            "event 1: no title",
        ),
    ],
)
def test_a_bad_list_is_refused_naming_the_problem(data, message):
    with pytest.raises(ValidationError) as refused:
        workingdays.parse(data)
    assert message in " ".join(refused.value.messages)


def test_a_year_cut_short_is_refused():
    events = [e for e in shipped_events() if not e["date"].startswith("2024-1")]
    with pytest.raises(ValidationError) as refused:
        workingdays.parse({"england-and-wales": {"events": events}})
    assert "2024 has 6 bank holidays, fewer than the usual 8" in refused.value.messages[0]


def test_a_date_listed_twice_is_refused():
    events = shipped_events() + [{"title": "Again", "date": "2024-12-25"}]
    with pytest.raises(ValidationError, match="2024-12-25 is listed twice"):
        workingdays.parse({"england-and-wales": {"events": events}})


# --- the refresh command, with a fake response ----------------------------------------------


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def fake_download(monkeypatch, body: bytes):
    asked = []

    def urlopen(request, timeout):
        asked.append(request.full_url)
        return FakeResponse(body)

    monkeypatch.setattr(workingdays.urllib.request, "urlopen", urlopen)
    return asked


def test_refresh_keeps_a_whole_list(calendar_copy, monkeypatch):
    extra = [
        {"title": "New Year’s Day", "date": "2028-01-03", "notes": "Substitute day"},
        *[
            {"title": "Holiday", "date": day.isoformat(), "notes": ""}
            for day in sorted(rule_bank_holidays(2028) - {D(2028, 1, 3)})
        ],
        {"title": "A one-off holiday", "date": "2028-07-14", "notes": ""},
    ]
    asked = fake_download(monkeypatch, gov_uk_download(shipped_events() + extra))
    out = io.StringIO()
    call_command("refresh_bank_holidays", stdout=out)
    assert asked == [workingdays.SOURCE_URL]
    assert "2018–2028" in out.getvalue()
    kept = json.loads(calendar_copy.read_text())
    assert set(kept) == {"england-and-wales"}  # only our division is kept
    assert D(2028, 7, 14) in bank_holidays(2028)  # in use at once, no restart
    assert not is_working_day(D(2028, 7, 14))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>Service unavailable</html>", "not JSON"),
        (gov_uk_download([]), "lists no events"),
        (  # cut off: the last year has two holidays
            gov_uk_download(shipped_events() + [{"title": "New Year", "date": "2028-01-03"}]),
            "2028 has 1 bank holidays",
        ),
        (  # a list that lost the years before 2024
            gov_uk_download([e for e in shipped_events() if e["date"] >= "2024"]),
            "drops years the kept list covers (2018, 2019, 2020, 2021, 2022, 2023)",
        ),
    ],
)
def test_refresh_refuses_a_bad_list_and_keeps_the_old_one(
    calendar_copy, monkeypatch, body, message
):
    before = calendar_copy.read_bytes()
    fake_download(monkeypatch, body)
    with pytest.raises(CommandError) as refused:
        call_command("refresh_bank_holidays", stdout=io.StringIO())
    assert message in str(refused.value)
    assert calendar_copy.read_bytes() == before
    assert not is_working_day(D(2022, 9, 19))  # still the kept list
    assert list(calendar_copy.parent.glob(".bank-holidays-*")) == []  # no temporary file left


def test_refresh_when_gov_uk_cannot_be_reached(calendar_copy, monkeypatch):
    before = calendar_copy.read_bytes()

    def unreachable(request, timeout):
        raise workingdays.urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(workingdays.urllib.request, "urlopen", unreachable)
    with pytest.raises(CommandError, match="the kept list is unchanged"):
        call_command("refresh_bank_holidays", stdout=io.StringIO())
    assert calendar_copy.read_bytes() == before


def test_refresh_from_a_file(calendar_copy, tmp_path):
    source = tmp_path / "download.json"
    source.write_bytes(gov_uk_download(shipped_events()))
    call_command("refresh_bank_holidays", "--from-file", str(source), stdout=io.StringIO())
    assert not is_working_day(D(2023, 5, 8))
