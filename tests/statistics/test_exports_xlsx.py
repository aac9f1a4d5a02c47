"""The FOI answer as XLSX, and the two-way (crosstab) export with the small-number rule."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from drachma.areas.models import Borough
from drachma.core.smallnumbers import audit, audit_published_2d
from drachma.incidents.services import create_incident
from drachma.statistics import exports
from drachma.statistics.selectors import Period

from .conftest import at

PERIOD = "start=2017-01-01&end=2018-12-31"
BOTH = Period.of("2017-01-01", "2018-12-31")


@pytest.fixture
def busier(small_fixture, make_user):
    """The small fixture plus enough doorstep confrontations in three boroughs that some
    cells of borough by kind are published: Rochdale 8+3, Salford 7+2, Bolton 6+0 doorstep."""
    user = make_user("analyst")
    for name, n in (("Rochdale", 8), ("Salford", 7), ("Bolton", 6)):
        borough = Borough.objects.get(name=name)
        for day in range(1, n + 1):
            create_incident(
                user=user,
                occurred_at=at(2018, 3, day),
                received_at=at(2018, 3, day, 22),
                source="group",
                kind="doorstep",
                summary="x",
                borough=borough,
            )
    return small_fixture


def sheet_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [tuple(v for v in row if v is not None) for row in sheet.iter_rows(values_only=True)]


# --- FOI answer ------------------------------------------------------------------------------


def test_foi_answer_xlsx_holds_the_same_published_figures_as_the_csv(small_fixture, analyst_client):
    response = analyst_client.get(f"/statistics/foi/?{PERIOD}&by=area&by=kind&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_TYPE
    assert (
        response["Content-Disposition"] == 'attachment; filename="foi-2017-01-01-2018-12-31.xlsx"'
    )
    rows = sheet_rows(response.content)
    assert rows[0][0].startswith("From 1 January 2017 to 31 December 2018 the force received")
    csv_text = analyst_client.get(
        f"/statistics/foi/?{PERIOD}&by=area&by=kind&format=csv"
    ).content.decode("utf-8")
    csv_rows = [tuple(r) for r in csv.reader(io.StringIO(csv_text)) if r]
    # The workbook is the CSV below the headline: same cells, a shown figure as a number.
    body = [tuple(f"{v:,}" if isinstance(v, int) else v for v in r) for r in rows if r]
    assert body[-len(csv_rows) :] == csv_rows
    table = {r[0]: r[1] for r in rows if len(r) == 2}
    assert table["Rochdale"] == "fewer than 5"  # 4 incidents
    assert table["Outside Greater Manchester"] == "fewer than 5"
    assert 4 not in {v for r in rows for v in r}  # no true small count anywhere
    assert any("Counts from 1 to 4" in r[0] for r in rows if r)


def test_foi_answer_xlsx_from_the_command(small_fixture, tmp_path):
    out = tmp_path / "foi.xlsx"
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
        "xlsx",
        "--output",
        str(out),
        stderr=io.StringIO(),
    )
    rows = sheet_rows(out.read_bytes())
    assert ("Year", "Reports") in rows and ("Area (force district or borough)", "Reports") in rows
    assert ("Rochdale", "fewer than 5") in rows


def test_foi_answer_xlsx_command_needs_a_file(small_fixture, tmp_path):
    with pytest.raises(CommandError, match="--format xlsx is a binary file: give --output FILE"):
        call_command("foi_answer", "--from", "2017-01-01", "--to", "2018-12-31", "--format", "xlsx")
    with pytest.raises(CommandError, match="Cannot write"):
        call_command(
            "foi_answer",
            "--from",
            "2017-01-01",
            "--to",
            "2018-12-31",
            "--format",
            "xlsx",
            "--output",
            str(tmp_path / "missing" / "foi.xlsx"),
        )


def test_foi_answer_xlsx_refuses_what_the_page_refuses(small_fixture, analyst_client, make_user):
    create_incident(
        user=make_user("investigator"),
        occurred_at=at(2017, 4, 4),
        received_at=at(2017, 4, 5),
        source="officer",
        kind="other",
        summary="x",
        place="Leeds",
    )
    response = analyst_client.get(f"/statistics/foi/?{PERIOD}&by=officer&format=xlsx")
    assert response["Content-Type"].startswith("text/html")
    assert "would reveal a person" in response.content.decode()


# --- crosstab ---------------------------------------------------------------------------------


def test_crosstab_xlsx_applies_the_small_number_rule_and_protects_totals(busier, analyst_client):
    response = analyst_client.get(f"/statistics/tables/borough-by-kind.xlsx?{PERIOD}")
    assert response.status_code == 200 and response["Content-Type"] == exports.XLSX_TYPE
    assert (
        'filename="incidents-by-borough-by-kind-2017-01-01-2018-12-31.xlsx"'
        in response["Content-Disposition"]
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header == [
        "Borough / Kind",
        "Doorstep confrontation",
        "Online sting",
        "Publication of footage",
        "Total",
    ]
    rows = {
        r[0]: dict(zip(header[1:], r[1:], strict=False))
        for r in sheet.iter_rows(min_row=2, values_only=True)
        if r[0]
    }
    # By hand: Salford 10 doorstep (shown, as a number); Rochdale 11 doorstep and 1 online
    # sting, total 12: the 1 is small, so the 11 is withheld too or it would give the 1 away.
    assert rows["Salford"]["Doorstep confrontation"] == 10
    assert rows["Rochdale"] == {
        "Doorstep confrontation": "*",
        "Online sting": "fewer than 5",
        "Publication of footage": 0,
        "Total": 12,
    }
    assert rows["Bolton"]["Publication of footage"] == "fewer than 5"
    assert rows["Manchester"]["Doorstep confrontation"] == "fewer than 5"
    assert rows["Total"]["Total"] == 33
    # Nothing a reader holds pins a small count: audit the published text itself.
    labels = [r for r in rows if r not in ("Total",) and not r.startswith("Counts")]
    cells = [[_text(rows[r][c]) for c in header[1:-1]] for r in labels]
    report = audit_published_2d(
        cells,
        [_text(rows[r]["Total"]) for r in labels],
        [_text(rows["Total"][c]) for c in header[1:-1]],
        _text(rows["Total"]["Total"]),
        rule=exports.foi.rule(),
        row_labels=labels,
        column_labels=header[1:-1],
    )
    assert report.safe, report.exposed


def _text(value) -> str:
    return f"{value:,}" if isinstance(value, int) else value


def test_crosstab_csv_matches_the_protected_table(busier, analyst_client):
    text = analyst_client.get(f"/statistics/tables/kind-by-year.csv?{PERIOD}").content.decode(
        "utf-8-sig"
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Kind / Year", "2017", "2018", "Total"]
    table = exports.crosstab_table(BOTH, "kind", "year")
    assert audit(table).safe
    for label, cells, total in zip(table.row_labels, table.cells, table.row_totals, strict=True):
        assert [label, *(c.display for c in cells), total.display] in rows
    # By hand: doorstep 6 in 2017 and 24 in 2018; withheld, since the online sting and
    # publication counts are small and the year totals are shown.
    doorstep = next(r for r in rows if r and r[0] == "Doorstep confrontation")
    assert doorstep == ["Doorstep confrontation", "*", "*", "*"]
    assert rows[-3] == ["Total", "8", "25", "33"]
    assert any("fewer than 5" in r for r in rows)


def test_crosstab_fills_months_without_incidents_with_zeros(busier):
    table = exports.crosstab_table(Period.of("2018-01-01", "2018-06-30"), "month", "borough")
    assert table.row_labels == (
        "January 2018",
        "February 2018",
        "March 2018",
        "April 2018",
        "May 2018",
        "June 2018",
    )
    assert [c.display for c in table.cells[1]] == ["0"] * len(table.column_labels)


def test_crosstab_neutralises_formulas(busier, analyst_client):
    from drachma.groups.services import save_group
    from drachma.incidents.services import update_incident

    group = save_group(name='=HYPERLINK("http://x")', status="active")
    for incident in busier[:2]:
        # Through the service, which keeps the monthly counts the crosstab reads.
        update_incident(incident, user=None, groups=[*incident.groups.all(), group])
    response = analyst_client.get(f"/statistics/tables/group-by-year.xlsx?{PERIOD}")
    assert response.status_code == 200, response.content
    labels = [r[0] for r in sheet_rows(response.content) if r]
    assert '\'=HYPERLINK("http://x")' in labels and '=HYPERLINK("http://x")' not in labels


def test_crosstab_refuses_a_breakdown_by_people(busier, analyst_client, make_user):
    response = analyst_client.get(f"/statistics/tables/officer-by-year.xlsx?{PERIOD}")
    assert response.status_code == 400
    assert "recording officer would reveal a person" in response.content.decode()
    assert (
        analyst_client.get(f"/statistics/tables/borough-by-officer.csv?{PERIOD}").status_code == 400
    )
    # The function itself refuses it where a count of 1 to 4 would show, as the FOI tables do.
    create_incident(
        user=make_user("investigator"),
        occurred_at=at(2017, 4, 4),
        received_at=at(2017, 4, 5),
        source="officer",
        kind="other",
        summary="x",
        place="Leeds",
    )
    with pytest.raises(ValidationError, match="'officer' would reveal a person"):
        exports.crosstab_table(BOTH, "officer", "year")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (f"source-by-kind.csv?{PERIOD}", "must be a time or an area"),
        (f"borough-by-ward.csv?{PERIOD}", "one area breakdown, not two"),
        (f"kind-by-kind.csv?{PERIOD}", "two different breakdowns"),
        (f"kind-by-nonsense.csv?{PERIOD}", "Unknown breakdown 'nonsense'"),
        (f"kind-by-year.pdf?{PERIOD}", "Unknown format 'pdf'"),
        ("kind-by-year.csv?start=2018-01-01&end=2017-01-01", "ends before it starts"),
        ("borough-by-month.xlsx?start=2010-01-01&end=2021-12-31", "at most 300 can be protected"),
    ],
)
def test_crosstab_bad_requests_get_a_clear_error(busier, analyst_client, url, message):
    response = analyst_client.get(f"/statistics/tables/{url}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_crosstab_that_cannot_be_protected_is_refused(small_fixture, analyst_client):
    # Bolton's one incident in 2018 would be pinned by the shown zeros and totals whatever
    # else is withheld: the suppression module refuses, and the page says so.
    response = analyst_client.get(f"/statistics/tables/borough-by-year.csv?{PERIOD}")
    assert response.status_code == 400
    assert "Refused: cannot publish this table safely" in response.content.decode()


def test_crosstab_by_ward_names_the_wards(busier, analyst_client):
    text = analyst_client.get(f"/statistics/tables/ward-by-year.csv?{PERIOD}").content.decode(
        "utf-8-sig"
    )
    labels = [r[0] for r in csv.reader(io.StringIO(text)) if r]
    assert (
        "Deansgate (Manchester)" in labels
        and "Ward not known or outside Greater Manchester" in labels
    )


def test_crosstab_of_an_empty_period(db, analyst_client):
    response = analyst_client.get(
        "/statistics/tables/borough-by-kind.csv?start=2010-01-01&end=2010-12-31"
    )
    assert response.status_code == 200
    assert "No incidents in this period" in response.content.decode("utf-8-sig")


def test_one_breakdown_tables_still_answer(small_fixture, analyst_client):
    # The crosstab pattern comes first; a plain table must not be mistaken for one.
    response = analyst_client.get(f"/statistics/tables/borough.csv?{PERIOD}")
    assert response.status_code == 200 and "Rochdale,4" in response.content.decode("utf-8-sig")


def test_overview_links_the_two_way_tables(small_fixture, analyst_client):
    page = analyst_client.get(f"/statistics/?{PERIOD}").content.decode()
    assert "/statistics/tables/borough-by-kind.xlsx?" in page
    assert "/statistics/tables/borough-by-area." not in page  # two area breakdowns are refused
