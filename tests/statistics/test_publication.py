"""The board report's publication rules: a recorded judgement, groupings instead of gaps."""

import datetime

import pytest

from drachma.core.smallnumbers import SuppressionRule
from drachma.statistics import publication
from drachma.statistics.publication import Judgement, choose_granularity, group_small

RULE = SuppressionRule()  # threshold 5: counts 1 to 4 are small


def test_small_categories_are_combined_until_the_other_row_is_publishable():
    counts = {"Bolton": 12, "Bury": 3, "Wigan": 7, "Oldham": 0, "Salford": 1}
    grouped = group_small([counts], rule=RULE, other_label="Other boroughs")
    # Bury 3 + Salford 1 = 4 is still small, so the smallest kept borough (Oldham 0 adds
    # nothing, then Wigan 7) joins: 3 + 1 + 0 + 7 = 11.
    assert grouped.column() == {"Bolton": 12, "Other boroughs": 11}
    assert grouped.combined == ("Bury", "Wigan", "Oldham", "Salford")
    assert sum(grouped.column().values()) == sum(counts.values())  # the total is kept


def test_nothing_small_nothing_combined_and_zeros_are_figures():
    grouped = group_small([{"A": 5, "B": 0, "C": 9}], rule=RULE, other_label="Other")
    assert grouped.column() == {"A": 5, "B": 0, "C": 9}
    assert grouped.combined == ()
    zero_rule = SuppressionRule(suppress_zero=True)
    grouped = group_small([{"A": 5, "B": 0, "C": 9}], rule=zero_rule, other_label="Other")
    assert grouped.column() == {"C": 9, "Other": 5}  # 0 alone would be withheld too


def test_a_category_small_in_either_column_is_combined_in_both():
    now = {"A": 20, "B": 8, "C": 6}
    before = {"A": 15, "B": 2, "C": 9}
    grouped = group_small([now, before], rule=RULE, other_label="Other")
    assert grouped.rows == (("A", (20, 15)), ("Other", (14, 11)))


def test_always_shown_rows_are_never_combined():
    counts = {"Bolton": 30, "Bury": 2, "Outside Greater Manchester": 1}
    grouped = group_small(
        [counts], rule=RULE, other_label="Other", always_shown=["Outside Greater Manchester"]
    )
    assert grouped.column() == {"Other": 32, "Outside Greater Manchester": 1}


def test_no_rule_combines_nothing():
    grouped = group_small([{"A": 1, "B": 2}], rule=None, other_label="Other")
    assert grouped.column() == {"A": 1, "B": 2}


def test_bad_counts_are_refused():
    with pytest.raises(ValueError, match="whole numbers"):
        group_small([{"A": -1}], rule=RULE, other_label="Other")
    with pytest.raises(ValueError, match="already a category"):
        group_small([{"Other": 6}], rule=RULE, other_label="Other")


def test_the_finest_granularity_without_small_counts_is_chosen():
    options = {
        "month": ([6, 2, 7], [0, 0, 0]),
        "quarter": ([15], [0]),
        "year": ([15], [0]),
    }
    assert choose_granularity(options, RULE) == "quarter"
    assert choose_granularity({"month": ([5, 0, 9], [6, 6, 6])}, RULE) == "month"
    assert choose_granularity({"year": ([3], [0])}, RULE) is None


def test_the_judgement_is_recorded_in_words_and_keeps_totals():
    judgement = Judgement(rule=RULE)
    text = " ".join(judgement.lines())
    assert "no count from 1 to 4 is published on its own" in text
    assert "The force-wide totals" in text and "always published" in text
    assert judgement.as_dict()["rule_applies_to"] == ["borough", "kind", "source", "time"]
    with pytest.raises(ValueError, match="always published"):
        Judgement(rule=RULE, rule_applies_to=("total",))
    with pytest.raises(ValueError, match="unknown figures"):
        Judgement(rule=RULE, rule_applies_to=("officer",))


# The board report from incidents -------------------------------------------------------


def test_board_report_publishes_its_headline_and_groups_small_figures(small_fixture):
    from drachma.statistics.reports import board_report_context
    from drachma.statistics.selectors import Period

    # 2017: Rochdale 3, Salford 2, Manchester 2 (Deansgate), outside 1; 8 in all.
    context = board_report_context(
        Period.of(datetime.date(2017, 1, 1), datetime.date(2017, 12, 31))
    )
    assert context["totals"] == {"total": 8, "in_gm": 7, "outside_gm": 1}
    rows = dict(context["boroughs"].rows)
    # Every borough is 0 or small in 2017 or 2016; they are one row of 7, the GM total.
    assert rows["Other boroughs"] == (7, 0)
    assert rows["Outside Greater Manchester"] == (1, 0)
    # Nothing from 1 to 4 is printed for a borough, kind or source.
    for grouped in [context["boroughs"], *context["breakdowns"].values()]:
        for label, values in grouped.rows:
            if label != "Outside Greater Manchester":
                assert not any(publication.is_small(v, RULE) for v in values), label
    # Months (2, 2, 1, ...) and quarters (5, 0, 1, 0 ... Q2 has 1) are small: by year.
    assert context["time_by"] == "year"
    assert context["series_svg"] is not None
    assert "some months had fewer than 5" in context["series_note"]


def test_board_report_by_quarter_when_months_are_small(small_fixture):
    from drachma.statistics.reports import board_report_context
    from drachma.statistics.selectors import Period

    # January to March 2017: Jan 2, Feb 2, Mar 1 -> months small, the quarter is 5.
    context = board_report_context(Period.of(datetime.date(2017, 1, 1), datetime.date(2017, 3, 31)))
    assert context["time_by"] == "quarter"
    assert context["totals"]["total"] == 5


def test_the_judgement_is_recorded_in_the_audit_log(small_fixture, client_as):
    from drachma.audit.models import AuditEntry

    client = client_as("supervisor")
    response = client.post(
        "/statistics/board-report/", {"start": "2017-01-01", "end": "2017-03-31"}
    )
    assert response["Content-Type"] == "application/pdf"
    entry = AuditEntry.objects.filter(model="statistics.board_report").latest("seq")
    assert entry.changes["judgement"] == {
        "by": "the force's default judgement",
        "threshold": 5,
        "suppress_zero": False,
        "rule_applies_to": ["borough", "kind", "source", "time"],
    }
    # A refused period shows the form again with the error beside the field.
    refused = client.post("/statistics/board-report/", {"start": "2017-03-01", "end": "2017-01-01"})
    assert refused.status_code == 400
    assert "govuk-error-summary" in refused.content.decode()


def test_board_report_series_when_even_years_are_small(small_fixture):
    from drachma.statistics.reports import board_report_context
    from drachma.statistics.selectors import Period

    # 2018 alone: 4 incidents, the published total, drawn as its one bar.
    context = board_report_context(
        Period.of(datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))
    )
    assert context["time_by"] == "year" and context["series_svg"] is not None
    assert context["totals"]["total"] == 4
    # 2017 (8) and 2018 (4): one small year would be the total less the other: no chart.
    context = board_report_context(
        Period.of(datetime.date(2017, 1, 1), datetime.date(2018, 12, 31))
    )
    assert context["series_svg"] is None
    assert "Too few incidents to chart by year" in context["series_note"]
    assert context["totals"]["total"] == 12
