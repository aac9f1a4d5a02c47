"""The one way Drachma writes a CSV file: every text cell neutralised against spreadsheet
formulas. Schedules, logs and figures go to prosecutors, the defence and the public, who open
them in spreadsheet programs; a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return would be run as a formula (OWASP "CSV injection"). Such a cell is written with
a leading apostrophe, which spreadsheet programs show as text and hide.

XLSX writers pass their values through ``safe_cell`` too (openpyxl stores a string that begins
with ``=`` as a formula).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value``, with text that a spreadsheet would read as a formula made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


class _Writable(Protocol):
    def write(self, s: str, /) -> Any: ...


class SafeWriter:
    """``csv.writer`` with every cell passed through ``safe_cell``."""

    def __init__(self, out: _Writable, **fmtparams: Any) -> None:
        self._writer = csv.writer(out, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: _Writable, **fmtparams: Any) -> SafeWriter:
    """A CSV writer on ``out`` (a file, a StringIO, an HttpResponse) that writes no formula."""
    return SafeWriter(out, **fmtparams)
