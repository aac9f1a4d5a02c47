"""Counts against hand-computed ones on the small fixture (see conftest)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from drachma.statistics.selectors import (
    AreaFilter,
    Period,
    counts_by,
    crosstab,
    rates_per_100k,
    summary,
    trend,
)

Y2017 = Period.of("2017-01-01", "2017-12-31")
BOTH = Period.of("2017-01-01", "2018-12-31")


def by_label(rows):
    return {r.label: r.count for r in rows}


def test_summary_total_within_and_outside_greater_manchester(small_fixture):
    assert summary(BOTH) == {"total": 12, "in_gm": 10, "outside_gm": 2}
    assert summary(Y2017) == {"total": 8, "in_gm": 7, "outside_gm": 1}


def test_year_and_month_follow_uk_time(small_fixture):
    # 23:30 on 31 Dec 2017 and 00:30 on 1 Jan 2018 UK time fall in their own years.
    assert by_label(counts_by(BOTH, "year")) == {"2017": 8, "2018": 4}
    months = by_label(counts_by(Y2017, "month"))
    assert len(months) == 12
    assert (
        months["January 2017"] == 2
        and months["February 2017"] == 2
        and months["December 2017"] == 1
    )
    assert months["April 2017"] == 0
    assert by_label(counts_by(Y2017, "quarter")) == {
        "2017 Q1": 5,
        "2017 Q2": 1,
        "2017 Q3": 1,
        "2017 Q4": 1,
    }


def test_by_area_uses_force_district_then_borough(small_fixture):
    areas = {k: n for k, n in by_label(counts_by(Y2017, "area")).items() if n}
    assert areas == {
        "Rochdale": 3,
        "Salford": 2,
        "Manchester city centre and north Manchester": 2,
        "Outside Greater Manchester": 1,
    }
    # Every force area is listed, zeros included; part of Manchester is a district.
    assert by_label(counts_by(Y2017, "area"))["Manchester (other wards)"] == 0


def test_by_borough_lists_all_ten_with_zeros(small_fixture):
    rows = counts_by(BOTH, "borough")
    counts = by_label(rows)
    assert counts["Rochdale"] == 4 and counts["Salford"] == 3 and counts["Manchester"] == 2
    assert counts["Bolton"] == 1 and counts["Wigan"] == 0
    assert counts["Outside Greater Manchester"] == 2
    assert sum(counts.values()) == 12


def test_by_source_kind_and_group(small_fixture):
    assert by_label(counts_by(Y2017, "source")) == {
        "Group self-report": 6,
        "Member of the public": 1,
        "Platform": 0,
        "Officer": 1,
        "Partner agency": 0,
    }
    kinds = by_label(counts_by(Y2017, "kind"))
    assert kinds["Online sting"] == 2 and kinds["Doorstep confrontation"] == 6
    # An incident with two groups counts once for each.
    assert by_label(counts_by(Y2017, "group")) == {
        "Red Group": 6,
        "Blue Group": 2,
        "No group recorded": 1,
    }


def test_area_filter(small_fixture):
    rochdale = AreaFilter.parse(["E08000005"])
    assert summary(BOTH)["total"] == 12
    assert sum(r.count for r in counts_by(BOTH, "year", areas=rochdale)) == 4
    outside = AreaFilter.parse(["outside"])
    assert sum(r.count for r in counts_by(BOTH, "year", areas=outside)) == 2


def test_rates_per_100k_use_census_population(small_fixture):
    rows = {r.label: r for r in rates_per_100k(BOTH)}
    assert rows["Rochdale"].extra["rate"] == round(4 * 100_000 / 223_300, 2)
    assert rows["Wigan"].extra["rate"] == 0
    assert rates_per_100k(BOTH)[0].label == "Rochdale"  # highest rate first


def test_trend_against_the_year_before(small_fixture):
    rows = {r.label: r for r in trend(Period.of("2018-01-01", "2018-12-31"), "borough")}
    assert rows["Rochdale"].count == 1 and rows["Rochdale"].extra["previous"] == 3
    assert rows["Rochdale"].extra["change_pct"] == pytest.approx(-66.7)
    assert rows["Bolton"].extra["change_pct"] is None  # nothing the year before


def test_crosstab(small_fixture):
    table = crosstab(Y2017, "area", "source")
    assert table["cells"][("Rochdale", "group")] == 2
    assert table["cells"][("Rochdale", "public")] == 1
    assert sum(table["cells"].values()) == 8


@pytest.mark.parametrize(
    "start, end, field, message",
    [
        ("2018-01-01", "2017-01-01", "end", "ends before it starts"),
        ("2017-13-01", "2018-01-01", "start", "not a date"),
        ("1990-01-01", "1991-01-01", "start", "start in 2000"),
        ("2001-01-01", "2026-01-01", "end", "at most"),
    ],
)
def test_bad_periods_are_refused(start, end, field, message):
    with pytest.raises(ValidationError) as exc:
        Period.of(start, end)
    assert message in " ".join(exc.value.message_dict[field])


@pytest.mark.django_db
def test_unknown_area_and_breakdown_are_refused():
    with pytest.raises(ValidationError, match="Unknown area: E08999999"):
        AreaFilter.parse(["E08000005", "E08999999"])
    with pytest.raises(ValidationError, match="Unknown breakdown 'shoe_size'"):
        counts_by(Period.of(datetime.date(2017, 1, 1), datetime.date(2017, 12, 31)), "shoe_size")
