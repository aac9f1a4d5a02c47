"""Freedom of Information answers: figures for a period, broken down as asked, with the
force's small-number rule applied so that no published figure reveals a person.

The first template reproduces the structure of a published answer: the total, the number
within Greater Manchester, and the areas with the most reports; then a table for each
breakdown asked for.
"""

import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from drachma.core import spreadsheets
from drachma.core.smallnumbers import (
    Cell,
    CellStatus,
    DisclosureError,
    SuppressionRule,
    Table1D,
    suppress_1d,
)
from drachma.statistics import conf, selectors
from drachma.statistics.selectors import AreaFilter, Period

TOP_AREAS = 3


def rule() -> SuppressionRule:
    return SuppressionRule(
        threshold=conf.suppression_threshold() + 1, suppress_zero=conf.suppress_zero()
    )


@dataclass
class FOIAnswer:
    period: Period
    areas: AreaFilter | None
    total: Cell
    within_gm: Cell
    outside_gm: Cell
    top_areas: list[tuple[str, str]]  # (area, published figure)
    tables: dict[str, Table1D] = field(default_factory=dict)
    rule: SuppressionRule = field(default_factory=SuppressionRule)
    generated_at: object = None

    @property
    def footnote(self) -> str:
        return self.rule.footnote

    def headline(self) -> list[str]:
        p = self.period
        lines = [
            f"From {p.start.day} {p.start:%B %Y} to {p.end.day} {p.end:%B %Y} the force received "
            f"{self.total.display} reports relating to online child abuse activist groups."
        ]
        if self.areas is None and not self.within_gm.suppressed:
            lines.append(
                f"{self.within_gm.display} of them concerned incidents within Greater Manchester."
            )
        elif self.areas is None:
            lines.append(
                "The number within Greater Manchester is withheld so that a small figure "
                "cannot be worked out from it."
            )
        if self.top_areas:
            lines.append(
                "The areas with the most reports were "
                + _join(f"{a} ({n})" for a, n in self.top_areas)
                + "."
            )
        return lines


def _join(parts) -> str:
    parts = list(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _withheld(table: Table1D) -> Table1D:
    """The same table with its total withheld too."""
    total = Cell(table.rule.secondary_label, CellStatus.SECONDARY, None)
    return Table1D(table.categories, table.cells, total, table.rule)


def foi_answer(
    period: Period, *, by: str | list[str] = "area", areas: AreaFilter | None = None
) -> FOIAnswer:
    """The answer, every table protected on its own and against the others.

    Tables of different breakdowns share only their total, so the total is published in all
    of them or in none. The headline's figures are taken from the area table (always made,
    published or not) so that they add nothing a reader could subtract: "within Greater
    Manchester" is shown only where the total and the outside figure already are.
    """
    breakdowns = [by] if isinstance(by, str) else list(dict.fromkeys(by))
    if not breakdowns:
        raise ValidationError({"by": "Choose at least one breakdown."})
    if "group" in breakdowns:
        raise ValidationError(
            {"by": "Group names are not published in FOI answers; choose another breakdown."}
        )
    the_rule = rule()
    tables: dict[str, Table1D] = {}
    for name in dict.fromkeys(["area", *breakdowns]):
        dim = selectors.dimension(name)
        rows = selectors.counts_by(period, name, areas=areas) or [
            selectors.Row("", "None recorded", 0)
        ]
        try:
            tables[name] = suppress_1d(
                [(r.label, r.count) for r in rows],
                rule=the_rule,
                dimension=dim.name if dim.name_bearing else None,
            )
        except DisclosureError as exc:
            raise ValidationError({"by": f"Refused: {exc}."}) from None
    if any(t.total.suppressed for t in tables.values()):
        tables = {name: _withheld(t) if not t.total.suppressed else t for name, t in tables.items()}
    area_table = tables["area"]
    total = area_table.total
    outside = dict(area_table.rows()).get(selectors.OUTSIDE_GM) or Cell("0", CellStatus.SHOWN, 0)
    if total.published is not None and outside.published is not None:  # neither withheld
        within_gm = total.published - outside.published
        within = Cell(f"{within_gm:,}", CellStatus.SHOWN, within_gm)
    else:
        within = Cell(the_rule.secondary_label, CellStatus.SECONDARY, None)
    # Top areas: only published figures, largest first; "outside" is not an area.
    shown = [
        (c, cell, cell.published)
        for c, cell in area_table.rows()
        if not cell.suppressed and c != selectors.OUTSIDE_GM and cell.published
    ]
    shown.sort(key=lambda item: -(item[2] or 0))
    top = [(c, cell.display) for c, cell, _ in shown[:TOP_AREAS]]
    published = {name: tables[name] for name in breakdowns}
    return FOIAnswer(
        period, areas, total, within, outside, top, published, the_rule, timezone.now()
    )


def answer_rows(answer: FOIAnswer) -> list[list]:
    """The answer as spreadsheet rows (a Cell where a figure goes), shared by CSV and XLSX."""
    rows: list[list] = [
        ["Reports relating to online child abuse activist groups", str(answer.period)],
        ["Total", answer.total],
    ]
    if answer.areas is None:
        rows.append(["Within Greater Manchester", answer.within_gm])
        rows.append(["Outside Greater Manchester", answer.outside_gm])
    for name, table in answer.tables.items():
        rows.append([])
        rows.append([selectors.DIMENSIONS[name].label, "Reports"])
        rows += [[label, cell] for label, cell in table.rows()]
        rows.append(["Total", table.total])
    rows.append([])
    rows.append([answer.footnote])
    return rows


def as_csv(answer: FOIAnswer) -> str:
    from drachma.statistics.exports import spreadsheet_value

    out = io.StringIO()
    writer = spreadsheets.writer(out)
    writer.writerows([spreadsheet_value(v) for v in row] for row in answer_rows(answer))
    return out.getvalue()
