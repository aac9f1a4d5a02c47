"""The due-time table, in Europe/London, across the clock changes (29 March and 25 October 2026)."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from drachma.safeguarding import deadlines
from drachma.safeguarding.deadlines import (
    DUE,
    Elapsed,
    WallClock,
    WorkingDays,
    bank_holidays,
    due_at,
)
from drachma.safeguarding.models import ActionKind, Grade

LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC


def uk(*args, fold=0):
    return datetime.datetime(*args, tzinfo=LONDON, fold=fold)


def test_the_table_covers_every_grade_and_type():
    assert set(DUE) == set(Grade)
    for grade in Grade:
        assert set(DUE[grade]) == set(ActionKind)
    assert len(deadlines.table_rows()) == len(ActionKind)


def test_greater_manchester_attendance_times():
    start = uk(2026, 6, 10, 14, 0)
    assert due_at("emergency", "welfare_check", start) == uk(2026, 6, 10, 14, 15)
    assert due_at("priority", "welfare_check", start) == uk(2026, 6, 10, 15, 0)


# --- March: the clocks go forward at 01:00 GMT on Sunday 29 March 2026 -----------------------


def test_wall_clock_24h_across_spring_forward_is_23_real_hours():
    start = uk(2026, 3, 28, 10, 0)  # Saturday, GMT
    due = WallClock(24).due(start)
    assert due == uk(2026, 3, 29, 10, 0) and due.utcoffset() == datetime.timedelta(hours=1)
    assert due.astimezone(UTC) - start.astimezone(UTC) == datetime.timedelta(hours=23)


def test_elapsed_across_spring_forward_counts_real_time():
    start = uk(2026, 3, 29, 0, 30)  # GMT
    due = Elapsed(60).due(start)
    assert due.astimezone(UTC) - start.astimezone(UTC) == datetime.timedelta(hours=1)
    assert (due.hour, due.minute) == (2, 30)  # 01:30 does not exist that night


def test_a_wall_clock_time_in_the_spring_gap_moves_past_it():
    start = uk(2026, 3, 28, 1, 30)
    due = WallClock(24).due(start)  # 01:30 on the 29th is skipped
    assert due == uk(2026, 3, 29, 2, 30) and due.astimezone(UTC).hour == 1


def test_next_working_day_0900_across_spring_forward():
    start = uk(2026, 3, 27, 16, 0)  # Friday, GMT
    due = WorkingDays(1, 9).due(start)
    assert due == uk(2026, 3, 30, 9, 0)  # Monday, BST
    assert due.astimezone(UTC) == datetime.datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


# --- October: the clocks go back at 02:00 BST on Sunday 25 October 2026 ----------------------


def test_wall_clock_24h_across_fall_back_is_25_real_hours():
    start = uk(2026, 10, 24, 10, 0)  # Saturday, BST
    due = WallClock(24).due(start)
    assert due == uk(2026, 10, 25, 10, 0) and due.utcoffset() == datetime.timedelta(0)
    assert due.astimezone(UTC) - start.astimezone(UTC) == datetime.timedelta(hours=25)


def test_elapsed_across_fall_back_counts_real_time():
    start = uk(2026, 10, 25, 0, 45)  # BST
    due = Elapsed(60).due(start)
    assert due.astimezone(UTC) - start.astimezone(UTC) == datetime.timedelta(hours=1)
    assert (due.hour, due.minute, due.fold) == (1, 45, 0)  # the first 01:45 (BST)
    later = Elapsed(120).due(start)
    assert (later.hour, later.minute) == (1, 45) and later.utcoffset() == datetime.timedelta(
        0
    )  # the second


def test_an_ambiguous_wall_clock_time_is_the_first_of_the_two():
    start = uk(2026, 10, 24, 1, 30)
    due = WallClock(24).due(start)
    assert due.astimezone(UTC) == datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 BST


def test_next_working_day_0900_across_fall_back():
    start = uk(2026, 10, 23, 18, 0)  # Friday, BST
    due = WorkingDays(1, 9).due(start)
    assert due == uk(2026, 10, 26, 9, 0)
    assert due.astimezone(UTC) == datetime.datetime(2026, 10, 26, 9, 0, tzinfo=UTC)  # GMT now


def test_a_start_given_in_utc_is_read_in_london():
    # 23:30 UTC on 30 June is 00:30 BST on 1 July (a Wednesday): next working day is
    # Thursday 2 July.
    start = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert WorkingDays(1, 9).due(start) == uk(2026, 7, 2, 9, 0)


# --- working days and bank holidays ---------------------------------------------------------


def test_bank_holidays_of_england_and_wales_2026():
    assert bank_holidays(2026) == {
        datetime.date(2026, 1, 1),
        datetime.date(2026, 4, 3),
        datetime.date(2026, 4, 6),
        datetime.date(2026, 5, 4),
        datetime.date(2026, 5, 25),
        datetime.date(2026, 8, 31),
        datetime.date(2026, 12, 25),
        datetime.date(2026, 12, 28),  # Boxing Day is a Saturday
    }


@pytest.mark.parametrize(
    ("year", "days"),
    [
        (2021, {datetime.date(2021, 12, 27), datetime.date(2021, 12, 28)}),  # both at a weekend
        (2022, {datetime.date(2022, 1, 3)}),  # New Year's Day a Saturday
    ],
)
def test_substitute_days(year, days):
    assert days <= bank_holidays(year)


def test_working_days_skip_weekends_and_bank_holidays():
    thursday_before_easter = uk(2026, 4, 2, 12, 0)
    assert WorkingDays(1, 9).due(thursday_before_easter) == uk(
        2026, 4, 7, 9, 0
    )  # not Good Friday or Easter Monday
    assert WorkingDays(3, 17).due(uk(2026, 12, 23, 10, 0)) == uk(2026, 12, 30, 17, 0)


def test_descriptions():
    assert str(WorkingDays(1, 9)) == "next working day, 09:00"
    assert str(WallClock(24)) == "+24 h wall-clock"
    assert str(Elapsed(15)) == "15 min" and str(Elapsed(240)) == "4 h (elapsed)"


def test_a_force_may_change_cells_of_the_table(settings):
    start = uk(2026, 10, 24, 10, 0)
    settings.DRACHMA_SAFEGUARDING_DUE = {
        "priority": {"welfare_check": "30m", "family_liaison": "+48h", "victim_support": "2wd@10"}
    }
    assert due_at("priority", "welfare_check", start) == uk(2026, 10, 24, 10, 30)
    assert due_at("priority", "family_liaison", start) == uk(2026, 10, 26, 10, 0)
    assert due_at("priority", "victim_support", start) == uk(2026, 10, 27, 10, 0)
    assert due_at("emergency", "welfare_check", start) == uk(
        2026, 10, 24, 10, 15
    )  # the rest as shipped
    assert dict(deadlines.table_rows())["Welfare check on the subject"][1] == "30 min"


@pytest.mark.parametrize(
    "bad",
    [
        {"priority": {"welfare_check": "soon"}},
        {"urgent": {"welfare_check": "1h"}},
        {"priority": {"teleport": "1h"}},
        {"priority": {"welfare_check": "1wd@25"}},
    ],
)
def test_a_setting_that_cannot_be_read_is_refused(settings, bad):
    from django.core.exceptions import ImproperlyConfigured

    settings.DRACHMA_SAFEGUARDING_DUE = bad
    with pytest.raises(ImproperlyConfigured, match="DRACHMA_SAFEGUARDING_DUE"):
        due_at("priority", "welfare_check", uk(2026, 6, 1, 12, 0))
