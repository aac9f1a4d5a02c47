"""Statistics tables and the analyst's incident extract as CSV and XLSX."""

import io

from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.styles import Font

from drachma.core import spreadsheets
from drachma.core.smallnumbers import (
    Cell,
    DisclosureError,
    Table2D,
    refuse_person_breakdown,
    suppress_2d,
)
from drachma.statistics import foi, selectors
from drachma.statistics.selectors import OUTSIDE_GM, AreaFilter, Period, _area_names, incidents_in

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def to_csv(header: list[str], rows: list[list]) -> bytes:
    """Rows as CSV; a published ``Cell`` is written as its display text ("fewer than 5")."""
    out = io.StringIO()
    writer = spreadsheets.writer(out)
    writer.writerow([spreadsheet_value(v) for v in header])
    writer.writerows([spreadsheet_value(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def to_xlsx(
    header: list[str] | None,
    rows: list[list],
    *,
    title: str = "Statistics",
    bold: tuple[int, ...] = (),
) -> bytes:
    """Rows as a one-sheet workbook. A shown ``Cell`` becomes a number (so it can be summed),
    a withheld one its display text; ``bold`` lists 0-based row indexes (besides the header)."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    if header is not None:
        sheet.append([spreadsheet_value(v) for v in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    offset = 1 if header is not None else 0
    for i, row in enumerate(rows):
        sheet.append([spreadsheet_value(v, numbers=True) for v in row])
        if i in bold:
            for cell in sheet[i + 1 + offset]:
                cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def spreadsheet_value(value, *, numbers: bool = False):
    """What a spreadsheet cell holds: a published Cell's text (or number, where shown and
    ``numbers``), any text neutralised against formulas. The true count of a withheld cell is
    not in a Cell, so nothing here can leak it."""
    if isinstance(value, Cell):
        if numbers and not value.suppressed and value.published is not None:
            return value.published
        return spreadsheets.safe_cell(value.display)
    return spreadsheets.safe_cell(value)


INCIDENT_COLUMNS = [
    "reference",
    "occurred_date",
    "received_date",
    "borough",
    "ward_code",
    "ward",
    "area",
    "source",
    "kind",
    "status",
    "outcome",
    "live_streamed",
    "stream_platform",
    "police_attended",
    "groups",
]


def incident_rows(period: Period, areas: AreaFilter | None = None):
    """Incidents without personal data: no summary, place, coordinates, people or URLs (any of
    which could identify someone), dates without times."""
    from django.db.models import Prefetch
    from django.utils import timezone

    from drachma.groups.models import Group

    ward_area, _ = _area_names()
    qs = (
        incidents_in(period, areas)
        .select_related("borough", "ward")
        .prefetch_related(Prefetch("groups", queryset=Group.objects.only("name")))
        .order_by("occurred_at")
    )
    for i in qs.iterator(chunk_size=2000):
        yield [
            i.reference,
            timezone.localtime(i.occurred_at).date().isoformat(),
            timezone.localtime(i.received_at).date().isoformat(),
            i.borough.name if i.borough else OUTSIDE_GM,
            i.ward.code if i.ward else "",
            i.ward.name if i.ward else "",
            ward_area.get(i.ward_id, i.borough.name if i.borough else OUTSIDE_GM),
            i.get_source_display(),
            i.get_kind_display(),
            i.get_status_display(),
            i.get_outcome_display(),
            "yes" if i.live_streamed else "no",
            i.get_stream_platform_display() if i.stream_platform else "",
            "yes" if i.police_attended else "no",
            "; ".join(g.name for g in i.groups.all()),
        ]


# --- the FOI answer as a workbook ----------------------------------------------------------


def foi_xlsx(answer: "foi.FOIAnswer") -> bytes:
    """The FOI answer laid out as its CSV is, the same published cells (small-number rule
    applied), with the headline sentences on top."""
    rows = foi.answer_rows(answer)
    headline = [[line] for line in answer.headline()] + [[]]
    bold = tuple(
        len(headline) + i
        for i, row in enumerate(rows)
        if len(row) == 2 and row[1] == "Reports" or (row and row[0] == "Total")
    )
    return to_xlsx(None, headline + rows, title="FOI answer", bold=(0, *bold))


# --- two breakdowns at once -----------------------------------------------------------------

# The audit behind suppress_2d solves small linear programmes for every small count: a few
# hundred cells take seconds, thousands would tie up a worker. Borough by month over two years
# (11 x 24) fits; ward by anything does not.
MAX_CROSSTAB_CELLS = 300


def crosstab_table(
    period: Period, rows_by: str, cols_by: str, *, areas: AreaFilter | None = None
) -> Table2D | None:
    """``selectors.crosstab`` with the force's small-number rule applied to every cell and the
    row, column and grand totals protected (secondary suppression and the recovery audit, as
    for FOI tables). None when the period holds no incidents.

    Raises ValidationError naming ``by`` for a pair the query layer refuses, a table larger
    than MAX_CROSSTAB_CELLS, a name-bearing breakdown with a count of 1 to 4 (it would reveal
    a person), or a table the rule cannot protect."""
    dims = [selectors.dimension(rows_by), selectors.dimension(cols_by)]
    table = selectors.crosstab(period, rows_by, cols_by, areas=areas)
    sides = []
    for by, dim, keyed in ((rows_by, dims[0], table["rows"]), (cols_by, dims[1], table["cols"])):
        if dim.time and keyed:
            # Months (quarters, years) with no incident are zeros in the table, not gaps.
            keyed = [(k, selectors._label(by, k)) for k in selectors._time_keys(period, by)]
        sides.append(keyed)
    rows, cols = (_readable(by, keyed) for by, keyed in zip((rows_by, cols_by), sides, strict=True))
    if not rows or not cols:
        return None
    if len(rows) * len(cols) > MAX_CROSSTAB_CELLS:
        raise ValidationError(
            {
                "by": (
                    f"{dims[0].label} by {dims[1].label} would be a table of {len(rows)} x "
                    f"{len(cols)} cells; at most {MAX_CROSSTAB_CELLS} can be protected at once. "
                    "Choose a shorter period, fewer areas or a coarser breakdown."
                )
            }
        )
    counts = [[table["cells"].get((r, c), 0) for c, _ in cols] for r, _ in rows]
    rule = foi.rule()
    try:
        # Only the dimensions marked as people: the suppression module's token list also
        # catches "source" (an informant), which here is the channel of a report.
        refuse_person_breakdown(
            [d.name for d in dims if d.name_bearing], [n for row in counts for n in row], rule=rule
        )
        return suppress_2d(
            [label for _, label in rows], [label for _, label in cols], counts, rule=rule
        )
    except DisclosureError as exc:
        raise ValidationError({"by": f"Refused: {exc}."}) from None


def _readable(by: str, keyed: list[tuple]) -> list[tuple]:
    """Ward codes as "name (borough)", as the one-breakdown ward table has them; a key with
    no value (no ward, no outcome) as words, never an empty label."""
    names: dict = {}
    if by == "ward":
        from drachma.areas.models import Ward

        names = {
            w.code: f"{w.name} ({w.borough.name})"
            for w in Ward.objects.select_related("borough")
            .defer("boundary", "borough__boundary")
            .filter(code__in=[k for k, _ in keyed if k])
        }
        names[""] = "Ward not known or outside Greater Manchester"
    return [(k, names.get(k, label) or selectors.NOT_RECORDED) for k, label in keyed]


def crosstab_rows(table: Table2D | None, rows_by: str, cols_by: str) -> tuple[list, list[list]]:
    """(header, rows) of a protected two-way table, totals last, the rule as a footnote."""
    corner = f"{selectors.DIMENSIONS[rows_by].label} / {selectors.DIMENSIONS[cols_by].label}"
    if table is None:
        return [corner, "Total"], [["No incidents in this period", 0]]
    header = [corner, *table.column_labels, "Total"]
    body = [
        [label, *cells, total]
        for label, cells, total in zip(table.row_labels, table.cells, table.row_totals, strict=True)
    ]
    body.append(["Total", *table.column_totals, table.grand_total])
    body += [[], [table.rule.footnote]]
    return header, body
