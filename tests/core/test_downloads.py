"""CSV downloads: streamed, readable by Excel, and never run as formulas by a spreadsheet."""

import csv
from io import StringIO

import pytest

from drachma.core.downloads import csv_attachment, safe_cell


@pytest.mark.parametrize(
    "value,written",
    [
        ("=1+2", "'=1+2"),
        ("+44 161 000", "'+44 161 000"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("DR-2026-000019", "DR-2026-000019"),
        ("", ""),
        (-2, -2),  # a number is a number, not text a spreadsheet would run
        (None, None),
    ],
)
def test_a_cell_that_reads_as_a_formula_is_quoted(value, written):
    assert safe_cell(value) == written


def test_the_attachment_streams_every_cell_made_safe():
    response = csv_attachment(
        ["name", "note"], iter([["=cmd|' /C calc'!A0", "fine"], ["Ann", "@x"]]), filename="a.csv"
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="a.csv"'
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    assert list(csv.reader(StringIO(text.removeprefix("\ufeff")))) == [
        ["name", "note"],
        ["'=cmd|' /C calc'!A0", "fine"],
        ["Ann", "'@x"],
    ]
