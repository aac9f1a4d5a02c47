"""CSV downloads: streamed, readable by Excel, and never run as formulas by a spreadsheet."""

import csv
from io import StringIO

from drachma.core.downloads import csv_attachment


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
