import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drachma.core.smallnumbers import (
    DEFAULT_RULE,
    CellStatus,
    DisclosureError,
    SuppressionRule,
    Table2D,
    audit,
    audit_published_1d,
    audit_published_2d,
    is_name_bearing,
    refuse_person_breakdown,
    suppress_1d,
    suppress_2d,
)

P, S, SHOWN = CellStatus.PRIMARY, CellStatus.SECONDARY, CellStatus.SHOWN


def displays(table):
    return [c.display for c in table.cells]


def statuses(table):
    return [c.status for c in table.cells]


# ---------------------------------------------------------------------------------- 1-D


def test_two_small_counts_protect_each_other():
    table = suppress_1d({"Bolton": 2, "Bury": 3, "Manchester": 50, "Salford": 60})
    assert displays(table) == ["fewer than 5", "fewer than 5", "50", "60"]
    assert table.total.display == "115" and table.total.published == 115
    # By hand: 115 - 50 - 60 = 5 = Bolton + Bury, each 1..4, so Bolton is anything from 1 to 4.
    report = audit(table)
    assert report.safe
    assert [(c.label, c.low, c.high) for c in report.cells] == [("Bolton", 1, 4), ("Bury", 1, 4)]


def test_a_lone_small_count_gets_a_secondary_cell_that_really_protects_it():
    table = suppress_1d([("Bolton", 1), ("Bury", 5), ("Manchester", 100)])
    assert displays(table) == ["fewer than 5", "5", "*"]
    assert statuses(table) == [P, SHOWN, S]
    assert table.total.display == "106"
    # The attack by hand: 106 - 5 = 101 = Bolton + Manchester, Manchester at least 5:
    # Bolton could be 1, 2, 3 or 4.
    report = audit(table)
    assert report.safe
    bounds = report.by_key()
    assert (bounds[("cell", 0)].low, bounds[("cell", 0)].high) == (1, 4)
    assert (bounds[("cell", 2)].low, bounds[("cell", 2)].high) == (97, 100)
    assert bounds[("cell", 0)].recovered_by_differencing is None


def test_suppressing_the_next_smallest_cell_is_not_enough_here():
    # The naive rule would withhold Bury (5): 106 - 100 = 6 = Bolton + Bury with Bury >= 5
    # pins Bolton to exactly 1. The checker must see it.
    naive = audit_published_1d(["fewer than 5", "*", "100"], "106")
    assert not naive.safe
    (bolton,) = naive.exposed
    assert bolton.key == ("cell", 0) and bolton.pinned and bolton.low == 1
    # Primary suppression alone is undone by subtraction.
    primary_only = audit_published_1d(["fewer than 5", "5", "100"], 106)
    assert primary_only.cells[0].recovered_by_differencing == 1
    assert primary_only.cells[0].pinned


def test_hand_written_attack_on_published_1d_tables():
    table = suppress_1d({"a": 3, "b": 0, "c": 12, "d": 20})
    assert displays(table) == ["fewer than 5", "0", "*", "20"]
    assert table.total.display == "35"
    # Total minus every shown cell leaves two unknowns; try every split a reader could.
    shown = sum(c.published for c in table.cells if not c.suppressed)
    remainder = table.total.published - shown
    possible_a = {a for a in range(1, 5) if remainder - a >= 5}
    assert possible_a == {1, 2, 3, 4}


def test_zero_is_shown_by_default_and_can_be_withheld():
    shown = suppress_1d({"a": 0, "b": 3, "c": 12, "d": 20})
    assert displays(shown)[0] == "0" and shown.cells[0].published == 0
    hidden = suppress_1d(
        {"a": 0, "b": 3, "c": 12, "d": 20}, rule=SuppressionRule(suppress_zero=True)
    )
    # 35 - 12 - 20 = 3 = a + b with each 0..4: a is 0..3, so no secondary cell is needed.
    assert displays(hidden) == ["fewer than 5", "fewer than 5", "12", "20"]
    assert statuses(hidden)[0] is P
    assert [(c.low, c.high) for c in audit(hidden).cells] == [(0, 3), (0, 3)]
    assert "Counts from 0 to 4" in hidden.rule.footnote


def test_threshold_and_labels_are_configurable():
    rule = SuppressionRule(threshold=10, small_label="<10", secondary_label="[c]")
    table = suppress_1d({"a": 3, "b": 7, "c": 12, "d": 40}, rule=rule)
    assert displays(table) == ["<10", "<10", "12", "40"]
    assert table.total.display == "62"
    assert [(c.low, c.high) for c in audit(table).cells] == [(1, 9), (1, 9)]
    assert rule.footnote.startswith("Counts from 1 to 9 are shown as \u201c<10\u201d")
    with pytest.raises(ValueError, match="at least 2"):
        SuppressionRule(threshold=1)
    with pytest.raises(ValueError, match="would be read as a number"):
        SuppressionRule(small_label="5")


def test_a_small_total_is_itself_a_small_count():
    table = suppress_1d({"a": 1, "b": 1, "c": 0})
    assert displays(table) == ["fewer than 5", "fewer than 5", "0"]
    assert table.total.display == "fewer than 5" and table.total.status is P
    # a + b = total <= 4 with b >= 1: a is 1..3, three possible values.
    assert [(c.label, c.low, c.high) for c in audit(table).cells] == [
        ("a", 1, 3),
        ("b", 1, 3),
        ("Total", 2, 4),
    ]


def test_a_table_that_cannot_be_protected_is_refused():
    # Four counts of "fewer than 5" adding to "fewer than 5" are four ones.
    with pytest.raises(DisclosureError, match="cannot publish this table safely"):
        suppress_1d({"a": 1, "b": 1, "c": 1, "d": 1})
    # Withholding zeros as well hides which cells are empty, and then it can be published.
    table = suppress_1d({"a": 1, "b": 1, "c": 1, "d": 1}, rule=SuppressionRule(suppress_zero=True))
    assert audit(table).safe


def test_minimum_interval_width_is_configurable():
    strict = SuppressionRule(min_interval_width=3)  # the figures must add nothing to the label
    table = suppress_1d({"a": 12, "b": 7, "c": 30, "d": 1}, rule=strict)
    assert all(c.high - c.low >= 3 for c in audit(table).cells if c.small)
    lenient = suppress_1d({"a": 12, "b": 7, "c": 30, "d": 1})
    assert [c.display for c in lenient.cells] == ["12", "*", "30", "fewer than 5"]
    assert [(c.low, c.high) for c in audit(lenient).cells] == [(5, 7), (1, 3)]


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        suppress_1d({"a": -1})
    with pytest.raises(ValueError, match="whole numbers"):
        suppress_1d({"a": 2.5})
    with pytest.raises(ValueError, match="whole numbers"):
        suppress_1d({"a": True})
    with pytest.raises(ValueError, match="unique"):
        suppress_1d([("a", 1), ("a", 2)])
    with pytest.raises(ValueError, match="do not add up"):
        audit_published_1d([3, 4], 8)
    with pytest.raises(ValueError, match="neither a number nor"):
        audit_published_1d(["c", 4], 8)


def test_results_carry_display_flag_and_value_for_renderers():
    table = suppress_1d({"a": 1, "b": 5, "c": 100})
    assert table.as_dict()["rows"] == [
        {
            "category": "a",
            "display": "fewer than 5",
            "value": None,
            "suppressed": True,
            "status": "primary",
        },
        {"category": "b", "display": "5", "value": 5, "suppressed": False, "status": "shown"},
        {"category": "c", "display": "*", "value": None, "suppressed": True, "status": "secondary"},
    ]
    assert "\u201c*\u201d marks a figure withheld" in table.as_dict()["footnote"]
    assert suppress_1d({"a": 1234}).cells[0].display == "1,234"


# ---------------------------------------------------------------------------------- 2-D

ROWS = ["Bolton", "Bury", "Manchester", "Oldham"]
COLUMNS = ["Q1", "Q2", "Q3", "Q4"]
MATRIX = [
    [0, 2, 10, 15],
    [7, 8, 20, 3],
    [30, 12, 9, 11],
    [6, 0, 5, 40],
]


def grid(table: Table2D):
    return [[c.display for c in row] for row in table.cells]


def test_2d_secondary_suppression_forms_a_rectangle():
    table = suppress_2d(ROWS, COLUMNS, MATRIX)
    assert grid(table) == [
        ["0", "fewer than 5", "10", "*"],
        ["7", "*", "20", "fewer than 5"],
        ["30", "12", "9", "11"],
        ["6", "0", "5", "40"],
    ]
    assert [c.display for c in table.row_totals] == ["27", "38", "62", "51"]
    assert [c.display for c in table.column_totals] == ["43", "22", "44", "69"]
    assert table.grand_total.display == "178"
    # By hand: Bolton Q2 + Bolton Q4 = 27 - 10 = 17, Bolton Q2 + Bury Q2 = 22 - 12 = 10,
    # Bury Q2 + Bury Q4 = 38 - 27 = 11, so with Bolton Q2 = t: Bury Q4 = 1 + t.
    # t in 1..4 and 1 + t in 1..4 give t in 1..3: Bolton Q2 is 1..3, Bury Q4 is 2..4.
    bounds = {c.label: (c.low, c.high) for c in audit(table).cells}
    assert bounds == {
        "Bolton / Q2": (1, 3),
        "Bolton / Q4": (14, 16),
        "Bury / Q2": (7, 9),
        "Bury / Q4": (2, 4),
    }


def test_2d_hand_written_attack_finds_no_exact_value():
    table = suppress_2d(ROWS, COLUMNS, MATRIX)
    cells = [[c.published for c in row] for row in table.cells]
    row_totals = [c.published for c in table.row_totals]
    col_totals = [c.published for c in table.column_totals]
    # Row by row and column by column: a line with one withheld figure gives it away.
    for i, row in enumerate(cells):
        assert sum(v is None for v in row) != 1
        assert row_totals[i] is not None
    for j in range(len(COLUMNS)):
        assert sum(cells[i][j] is None for i in range(len(ROWS))) != 1
        assert col_totals[j] is not None
    # Enumerate every assignment the published figures allow for the withheld cells.
    solutions = set()
    for a in range(1, 5):  # Bolton Q2, "fewer than 5"
        for d in range(1, 5):  # Bury Q4, "fewer than 5"
            b = 27 - 10 - a  # Bolton Q4
            c = 22 - 12 - a  # Bury Q2
            if b >= 5 and c >= 5 and c + d == 38 - 7 - 20 and b + d == 69 - 11 - 40:
                solutions.add((a, d))
    assert solutions == {(1, 2), (2, 3), (3, 4)}


def test_2d_primary_only_is_recovered_by_differencing():
    report = audit_published_2d(
        [
            ["0", "fewer than 5", 10, 15],
            [7, 8, 20, "fewer than 5"],
            [30, 12, 9, 11],
            [6, 0, 5, 40],
        ],
        [27, 38, 62, 51],
        [43, 22, 44, 69],
        178,
        row_labels=ROWS,
        column_labels=COLUMNS,
    )
    assert not report.safe
    assert {(c.label, c.recovered_by_differencing) for c in report.exposed} == {
        ("Bolton / Q2", 2),
        ("Bury / Q4", 3),
    }


def test_2d_name_bearing_dimension_is_refused():
    with pytest.raises(DisclosureError, match="'officer'"):
        suppress_2d(
            ["PC Smith", "PC Jones"],
            ["2023", "2024"],
            [[1, 9], [12, 8]],
            dimensions=("officer", "year"),
        )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(
    st.integers(2, 4).flatmap(
        lambda r: st.integers(2, 4).flatmap(
            lambda c: st.lists(
                st.lists(st.one_of(st.integers(0, 4), st.integers(5, 40)), min_size=c, max_size=c),
                min_size=r,
                max_size=r,
            )
        )
    )
)
def test_2d_any_published_table_is_safe_and_truthful(matrix):
    rows = [f"r{i}" for i in range(len(matrix))]
    cols = [f"c{j}" for j in range(len(matrix[0]))]
    try:
        table = suppress_2d(rows, cols, matrix)
    except DisclosureError:
        return
    report = audit(table)
    assert report.safe
    truth = {("cell", i, j): v for i, row in enumerate(matrix) for j, v in enumerate(row)}
    truth |= {("row_total", i): sum(row) for i, row in enumerate(matrix)}
    truth |= {("column_total", j): sum(r[j] for r in matrix) for j in range(len(cols))}
    truth[("grand_total",)] = sum(map(sum, matrix))
    published = {("cell", i, j): c for i, row in enumerate(table.cells) for j, c in enumerate(row)}
    published |= {("row_total", i): c for i, c in enumerate(table.row_totals)}
    published |= {("column_total", j): c for j, c in enumerate(table.column_totals)}
    published[("grand_total",)] = table.grand_total
    for key, cell in published.items():
        if cell.suppressed:
            bounds = report.by_key()[key]
            assert bounds.low <= truth[key] and (bounds.high is None or truth[key] <= bounds.high)
            if cell.status is P:
                assert DEFAULT_RULE.is_small(truth[key])
            else:
                assert truth[key] >= DEFAULT_RULE.threshold
        else:
            assert cell.published == truth[key] and not DEFAULT_RULE.is_small(truth[key])


# ---------------------------------------------------------------------------------- people


@pytest.mark.parametrize(
    "dimension", ["officer", "Suspect", "suspect_name", "People", "person id", "officers"]
)
def test_name_bearing_dimensions_are_recognised(dimension):
    assert is_name_bearing(dimension)


@pytest.mark.parametrize("dimension", ["borough", "month", "offence", "group", "membership_status"])
def test_other_dimensions_are_not_name_bearing(dimension):
    assert not is_name_bearing(dimension)


def test_a_breakdown_by_officer_with_a_count_of_one_is_refused():
    with pytest.raises(DisclosureError) as caught:
        suppress_1d({"PC Smith": 1, "PC Jones": 7}, dimension="officer")
    message = str(caught.value)
    assert "'officer'" in message and "reveal a person" in message
    assert "Smith" not in message  # safe to log
    assert isinstance(caught.value, ValueError)
    # Small counts other than 1 identify a person just as well.
    with pytest.raises(DisclosureError):
        refuse_person_breakdown(["suspect"], [0, 3, 12])
    # Large counts and zeros pass the check (the small-number rule still applies).
    refuse_person_breakdown(["officer"], [0, 7, 12])
    # The same table by borough is fine.
    assert (
        suppress_1d({"Bolton": 1, "Bury": 7, "Wigan": 30}, dimension="borough").total.published
        == 38
    )
