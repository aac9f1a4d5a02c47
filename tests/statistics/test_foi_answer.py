"""FOI answers: the published structure, the small-number rule across tables, and refusals."""

import io
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from drachma.core.smallnumbers import audit
from drachma.statistics.foi import as_csv, foi_answer
from drachma.statistics.selectors import AreaFilter, Period

BOTH = Period.of("2017-01-01", "2018-12-31")


def test_answer_structure_total_within_gm_and_top_areas(small_fixture):
    answer = foi_answer(BOTH, by="area")
    # 12 incidents: 2 outside GM (a small figure), so the within-GM figure (10) would give it
    # away from the total and is withheld, or the total is.
    assert answer.outside_gm.display == "fewer than 5"
    assert answer.within_gm.suppressed or answer.total.suppressed
    table = dict(answer.tables["area"].rows())
    assert table["Rochdale"].display == "fewer than 5"
    assert all(cell.suppressed for label, cell in table.items() if 0 < cell_value(label) < 5)


def cell_value(label):
    return {
        "Rochdale": 4,
        "Salford": 3,
        "Manchester city centre and north Manchester": 2,
        "Bolton": 1,
        "Outside Greater Manchester": 2,
    }.get(label, 0)


def test_no_suppressed_cell_can_be_recovered_from_totals(small_fixture):
    for by in (["area"], ["area", "year", "source", "kind"]):
        answer = foi_answer(BOTH, by=by)
        for name, table in answer.tables.items():
            report = audit(table)
            assert report.safe, f"{name}: {report.exposed}"
        # The total is the same in every table: shown everywhere or nowhere.
        assert len({t.total.display for t in answer.tables.values()}) == 1


def test_hand_attack_total_minus_shown_cells_does_not_pin_a_small_count(small_fixture):
    answer = foi_answer(BOTH, by=["area"])
    table = answer.tables["area"]
    withheld = [c for _, c in table.rows() if c.suppressed]
    if not table.total.suppressed:
        shown_sum = sum(c.published for _, c in table.rows() if not c.suppressed)
        # The remainder is shared by at least two withheld cells, so none is pinned.
        assert table.total.published - shown_sum > 0 and len(withheld) >= 2


def test_large_figures_reproduce_the_published_answer(db, make_user):
    """The demo's 2017-2018 figures reproduce the structure of the FOI answer quoted in the
    issue: 146 reports, 129 within Greater Manchester, hotspots 18, 17, 15."""
    call_command("seed_demo", stdout=io.StringIO())
    answer = foi_answer(BOTH, by="area")
    assert answer.total.display == "146"
    assert answer.within_gm.display == "129"
    assert answer.top_areas == [
        ("Manchester city centre and north Manchester", "18"),
        ("Rochdale", "17"),
        ("Salford", "15"),
    ]
    text = "\n".join(answer.headline())
    assert "146 reports" in text and "129 of them" in text
    csv_text = as_csv(answer)
    assert "Rochdale,17" in csv_text and "Total,146" in csv_text


def test_name_bearing_breakdown_is_refused(small_fixture, make_user):
    from drachma.incidents.services import create_incident

    from .conftest import at

    # One incident recorded by a second officer: a cell of one against a named officer.
    create_incident(
        user=make_user("investigator"),
        occurred_at=at(2017, 4, 4),
        received_at=at(2017, 4, 5),
        source="officer",
        kind="other",
        summary="x",
        place="Leeds",
    )
    with pytest.raises(ValidationError, match="would reveal a person"):
        foi_answer(BOTH, by=["officer"])


def test_group_breakdown_is_not_published(small_fixture):
    with pytest.raises(ValidationError, match="Group names are not published"):
        foi_answer(BOTH, by=["group"])


def test_unknown_area_is_refused(db):
    with pytest.raises(ValidationError, match="Unknown area"):
        AreaFilter.parse(["E08000099"])


def test_foi_answer_command_csv_and_errors(small_fixture, tmp_path):
    out = io.StringIO()
    call_command(
        "foi_answer",
        "--from",
        "2017-01-01",
        "--to",
        "2018-12-31",
        "--by",
        "area",
        "--format",
        "csv",
        stdout=out,
    )
    assert "Total," in out.getvalue() and "fewer than 5" in out.getvalue()
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="ends before it starts"):
        call_command("foi_answer", "--from", "2018-01-01", "--to", "2017-01-01")
    with pytest.raises(CommandError, match="at most"):
        call_command("foi_answer", "--from", "2000-01-01", "--to", "2026-01-01")


def test_foi_pdf_text(small_fixture, tmp_path):
    pdf = tmp_path / "foi.pdf"
    call_command(
        "foi_answer",
        "--from",
        "2017-01-01",
        "--to",
        "2018-12-31",
        "--by",
        "area",
        "--by",
        "year",
        "--format",
        "pdf",
        "--output",
        str(pdf),
        stderr=io.StringIO(),
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Freedom of Information request" in text
    assert "1 January 2017 to 31 December 2018" in text
    assert "fewer than 5" in text and "Counts from 1 to 4" in text
