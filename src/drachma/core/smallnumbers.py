"""The force's small-number rule for published tables, with protection of the totals.

Method: cell suppression with an audit, the standard approach for frequency tables in UK
official statistics (the GSS guidance on disclosure control for tables produced from
administrative sources) and in Hundepool et al., *Statistical Disclosure Control* (2012):

1. Primary suppression: every count from 1 to ``threshold - 1`` (and 0 too, if the rule says
   so), totals included, is published as the small-number label ("fewer than 5").
2. Secondary (complementary) suppression: further cells, each at least ``threshold``, are
   published as ``secondary_label`` ("*") so that no small count can be worked out from the
   totals. First every row, column and total relation holding exactly one withheld figure gets
   a second one (the smallest eligible cell, preferring one that closes a rectangle with
   figures already withheld), repeated to a fixed point. Then an audit decides.
3. Audit: the reader of the published table knows every shown figure, every total relation
   (row, column, grand total), that a "fewer than 5" cell lies in 1..4 and that a "*" cell is at
   least 5 (the rule is published, so both are assumed known). Linear programming
   (``scipy.optimize.linprog``) gives the smallest and largest value each withheld cell can
   take. A small count is *exposed* when that interval is narrower than
   ``min_interval_width`` (default 2, so at least three values stay possible, e.g. 1..3) or
   pins it exactly. While a small count is exposed, the eligible cell that best widens its
   interval is withheld too. Finally each secondary cell is released again if the table
   stays safe without it (totals first), so the table loses as little as possible.

   Row and column sums form a network matrix (totally unimodular), so the bounds the linear
   programme finds are the exact integer bounds, not a relaxation.

A zero shown as 0 is never used as a secondary cell: it would be read as "0 or at least 5".
If a table cannot be protected (nothing eligible is left), ``DisclosureError`` says so rather
than publishing it; combine categories or publish the total alone.

Results carry, per cell, the text to publish, whether it was withheld (primary or secondary)
and the published number (None when withheld). The true counts stay with the caller.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from scipy.optimize import linprog


class DisclosureError(ValueError):
    """Publishing this table (or breakdown) would reveal a person or a small count."""


class CellStatus(StrEnum):
    SHOWN = "shown"
    PRIMARY = "primary"  # a small count, published as the small-number label
    SECONDARY = "secondary"  # withheld so that a small count cannot be recovered


# Dimensions whose categories are people: a breakdown by them describes named individuals.
NAME_BEARING_DIMENSIONS = frozenset(
    {
        "person",
        "people",
        "name",
        "officer",
        "suspect",
        "victim",
        "offender",
        "subject",
        "individual",
        "member",
        "complainant",
        "witness",
        "child",
        "nominal",
        "informant",
        "source",
        "user",
        "staff",
        "employee",
        "reporter",
        "accused",
        "defendant",
    }
)


def _parse_int(text: str) -> int | None:
    cleaned = text.strip().replace(",", "")
    return int(cleaned) if re.fullmatch(r"\d+", cleaned) else None


@dataclass(frozen=True)
class SuppressionRule:
    """The publication rule. Defaults: 1 to 4 shown as "fewer than 5", 0 shown as 0."""

    threshold: int = 5
    suppress_zero: bool = False
    small_label: str = ""  # empty -> "fewer than {threshold}"
    secondary_label: str = "*"
    min_interval_width: int = 2
    name_bearing: frozenset[str] = field(default=NAME_BEARING_DIMENSIONS)

    def __post_init__(self) -> None:
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int):
            raise ValueError(f"threshold must be a whole number, got {self.threshold!r}")
        if self.threshold < 2:
            raise ValueError(f"threshold must be at least 2, got {self.threshold}")
        if not self.small_label:
            object.__setattr__(self, "small_label", f"fewer than {self.threshold}")
        for name in ("small_label", "secondary_label"):
            label = getattr(self, name)
            if not isinstance(label, str) or not label.strip():
                raise ValueError(f"{name} must be a non-empty string")
            if _parse_int(label) is not None:
                raise ValueError(f"{name} {label!r} would be read as a number")
        if isinstance(self.min_interval_width, bool) or not isinstance(
            self.min_interval_width, int
        ):
            raise ValueError("min_interval_width must be a whole number")
        if self.min_interval_width < 0:
            raise ValueError("min_interval_width must be at least 0")

    def is_small(self, value: int) -> bool:
        """Whether a count is published as the small-number label."""
        return 0 < value < self.threshold or (value == 0 and self.suppress_zero)

    @property
    def small_band(self) -> tuple[int, int]:
        """What a reader knows about a cell labelled as small."""
        return (0 if self.suppress_zero else 1, self.threshold - 1)

    @property
    def secondary_band(self) -> tuple[int, int | None]:
        """What a reader knows about a cell labelled as secondary (None: no upper bound)."""
        if self.secondary_label == self.small_label:
            # One label for both: the reader cannot tell a small count from a withheld one.
            return (self.small_band[0], None)
        return (self.threshold, None)

    def small_band_for_label(self) -> tuple[int, int | None]:
        """What a reader knows about a cell carrying the small-number label."""
        if self.secondary_label == self.small_label:
            return self.secondary_band
        return self.small_band

    @property
    def required_width(self) -> int:
        lo, hi = self.small_band
        return min(self.min_interval_width, hi - lo)

    @property
    def footnote(self) -> str:
        """The rule in words, for the foot of a published table."""
        lo, hi = self.small_band
        low_text = "0" if lo == 0 else "1"
        text = (
            f"Counts from {low_text} to {hi} are shown as \u201c{self.small_label}\u201d to "
            "protect the people involved."
        )
        if self.secondary_label != self.small_label:
            text += (
                f" \u201c{self.secondary_label}\u201d marks a figure withheld so that a small "
                "count cannot be worked out from the totals."
            )
        return text


DEFAULT_RULE = SuppressionRule()


@dataclass(frozen=True)
class Cell:
    """A published cell: what to print, why, and the number (None when withheld)."""

    display: str
    status: CellStatus
    published: int | None

    @property
    def suppressed(self) -> bool:
        return self.status is not CellStatus.SHOWN

    def as_dict(self) -> dict:
        return {
            "display": self.display,
            "value": self.published,
            "suppressed": self.suppressed,
            "status": self.status.value,
        }


def _cell(value: int, status: CellStatus, rule: SuppressionRule) -> Cell:
    if status is CellStatus.PRIMARY:
        return Cell(rule.small_label, status, None)
    if status is CellStatus.SECONDARY:
        return Cell(rule.secondary_label, status, None)
    return Cell(f"{value:,}", status, value)


# --------------------------------------------------------------------------------------------
# The table as linear relations
# --------------------------------------------------------------------------------------------


@dataclass
class _Problem:
    """Cells (interior and totals) and the relations ``total = sum(members)`` between them."""

    keys: list[tuple]
    labels: list[str]
    is_total: list[bool]
    relations: list[tuple[int, tuple[int, ...]]]

    def related(self, index: int) -> set[int]:
        out: set[int] = set()
        for total, members in self.relations:
            cells = (total, *members)
            if index in cells:
                out.update(cells)
        out.discard(index)
        return out

    def relations_of(self, index: int) -> list[int]:
        return [r for r, (t, m) in enumerate(self.relations) if index == t or index in m]


def _problem_1d(categories: Sequence[str]) -> _Problem:
    n = len(categories)
    keys = [("cell", i) for i in range(n)] + [("total",)]
    labels = list(categories) + ["Total"]
    is_total = [False] * n + [True]
    return _Problem(keys, labels, is_total, [(n, tuple(range(n)))])


def _problem_2d(rows: Sequence[str], columns: Sequence[str]) -> _Problem:
    r, c = len(rows), len(columns)
    keys: list[tuple] = []
    labels: list[str] = []
    for i in range(r):
        for j in range(c):
            keys.append(("cell", i, j))
            labels.append(f"{rows[i]} / {columns[j]}")
    keys += [("row_total", i) for i in range(r)]
    labels += [f"{rows[i]} / Total" for i in range(r)]
    keys += [("column_total", j) for j in range(c)]
    labels += [f"Total / {columns[j]}" for j in range(c)]
    keys.append(("grand_total",))
    labels.append("Total")
    is_total = [False] * (r * c) + [True] * (r + c + 1)
    row_total = r * c
    col_total = r * c + r
    grand = r * c + r + c
    relations = [(row_total + i, tuple(i * c + j for j in range(c))) for i in range(r)]
    relations += [(col_total + j, tuple(i * c + j for i in range(r))) for j in range(c)]
    relations.append((grand, tuple(row_total + i for i in range(r))))
    relations.append((grand, tuple(col_total + j for j in range(c))))
    return _Problem(keys, labels, is_total, relations)


# A reader's knowledge of one cell: an exact value, or a band (upper None = unbounded).
_Known = dict[int, int]
_Bands = dict[int, tuple[int, int | None]]


def _equalities(problem: _Problem, known: _Known, bands: _Bands):
    unknown = sorted(bands)
    column = {k: n for n, k in enumerate(unknown)}
    rows, rhs = [], []
    for total, members in problem.relations:
        coeffs = [(total, 1.0)] + [(m, -1.0) for m in members]
        if all(k in known for k, _ in coeffs):
            if sum(a * known[k] for k, a in coeffs) != 0:
                raise ValueError(
                    f"the published figures do not add up: {problem.labels[total]} is not the "
                    "sum of its parts"
                )
            continue
        row = np.zeros(len(unknown))
        b = 0.0
        for k, a in coeffs:
            if k in known:
                b -= a * known[k]
            else:
                row[column[k]] += a
        rows.append(row)
        rhs.append(b)
    a_eq = np.vstack(rows) if rows else None
    b_eq = np.asarray(rhs) if rows else None
    return unknown, column, a_eq, b_eq


def _bounds(
    problem: _Problem, known: _Known, bands: _Bands, targets: Iterable[int]
) -> dict[int, tuple[int, int | None]]:
    """Smallest and largest value each target can take given everything published."""
    unknown, column, a_eq, b_eq = _equalities(problem, known, bands)
    var_bounds = [bands[k] for k in unknown]
    out: dict[int, tuple[int, int | None]] = {}
    for target in targets:
        c = np.zeros(len(unknown))
        c[column[target]] = 1.0
        low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=var_bounds, method="highs")
        if low.status == 2:
            raise ValueError("the published figures are inconsistent with the labels' meaning")
        high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=var_bounds, method="highs")
        lo = math.ceil(low.fun - 1e-6)
        hi = None if high.status == 3 else math.floor(-high.fun + 1e-6)
        out[target] = (lo, hi)
    return out


def _differencing(problem: _Problem, known: _Known, bands: _Bands) -> dict[int, int]:
    """Withheld cells recovered by plain subtraction, row by row and column by column."""
    values = dict(known)
    recovered: dict[int, int] = {}
    changed = True
    while changed:
        changed = False
        for total, members in problem.relations:
            cells = (total, *members)
            missing = [k for k in cells if k not in values]
            if len(missing) != 1:
                continue
            k = missing[0]
            if k == total:
                value = sum(values[m] for m in members)
            else:
                value = values[total] - sum(values[m] for m in members if m != k)
            values[k] = recovered[k] = value
            changed = True
    return {k: v for k, v in recovered.items() if k in bands}


def _knowledge(
    values: Sequence[int], status: Sequence[CellStatus], rule: SuppressionRule
) -> tuple[_Known, _Bands]:
    known: _Known = {}
    bands: _Bands = {}
    for k, (v, s) in enumerate(zip(values, status, strict=True)):
        if s is CellStatus.SHOWN:
            known[k] = v
        elif s is CellStatus.PRIMARY:
            bands[k] = rule.small_band_for_label()
        else:
            bands[k] = rule.secondary_band
    return known, bands


def _is_exposed(lo: int, hi: int | None, rule: SuppressionRule) -> bool:
    return hi is not None and hi - lo < rule.required_width


def _width(interval: tuple[int, int | None]) -> float:
    lo, hi = interval
    return math.inf if hi is None else hi - lo


def _block(problem: _Problem, status: Sequence[CellStatus], start: int) -> set[int]:
    """The withheld cells linked to ``start`` through relations: only they share its bounds.

    The linear programme splits into independent blocks of withheld cells, so a change in
    one block cannot move the bounds of a cell in another.
    """
    block, frontier = {start}, [start]
    while frontier:
        k = frontier.pop()
        for r in problem.relations_of(k):
            t, members = problem.relations[r]
            for x in (t, *members):
                if x not in block and status[x] is not CellStatus.SHOWN:
                    block.add(x)
                    frontier.append(x)
    return block


def _interval(
    problem: _Problem,
    values: Sequence[int],
    status: Sequence[CellStatus],
    rule: SuppressionRule,
    cell: int,
) -> tuple[int, int | None]:
    known, bands = _knowledge(values, status, rule)
    # Plain subtraction is cheap and settles most pinned cells without a linear programme.
    recovered = _differencing(problem, known, bands)
    if cell in recovered:
        return recovered[cell], recovered[cell]
    return _bounds(problem, known, bands, [cell])[cell]


def _protect(problem: _Problem, values: Sequence[int], rule: SuppressionRule) -> list[CellStatus]:
    n = len(values)
    status = [CellStatus.PRIMARY if rule.is_small(v) else CellStatus.SHOWN for v in values]

    def eligible(k: int) -> bool:
        return status[k] is CellStatus.SHOWN and values[k] >= rule.threshold

    def closes_rectangle(k: int, via: int) -> bool:
        for r in problem.relations_of(k):
            if r == via:
                continue
            t, m = problem.relations[r]
            if any(status[x] is not CellStatus.SHOWN for x in (t, *m) if x != k):
                return True
        return False

    # 1. No relation may hold exactly one withheld figure.
    changed = True
    while changed:
        changed = False
        for r, (t, members) in enumerate(problem.relations):
            cells = (t, *members)
            withheld = [k for k in cells if status[k] is not CellStatus.SHOWN]
            if len(withheld) != 1:
                continue
            candidates = [k for k in cells if eligible(k)]
            if not candidates:
                continue
            best = min(
                candidates,
                key=lambda k: (not closes_rectangle(k, r), problem.is_total[k], values[k], k),
            )
            status[best] = CellStatus.SECONDARY
            changed = True

    # 2. Audit; widen the interval of any exposed small count. Withholding more only widens
    #    intervals, so a small count found safe here stays safe until step 3.
    pending = [k for k in range(n) if status[k] is CellStatus.PRIMARY]
    while pending:
        exposed = pending[0]
        interval = _interval(problem, values, status, rule, exposed)
        if not _is_exposed(*interval, rule):
            pending.pop(0)
            continue
        block = _block(problem, status, exposed)
        # Only a cell sharing a relation with this block can change its bounds.
        touching = set().union(*(problem.related(k) for k in block)) - block
        related = problem.related(exposed)
        candidates = sorted(
            (k for k in touching if eligible(k)),
            key=lambda k: (k not in related, problem.is_total[k], values[k], k),
        )
        if not candidates:
            lo, hi = interval
            raise DisclosureError(
                f"cannot publish this table safely: {problem.labels[exposed]} could be narrowed "
                f"to {lo}\u2013{hi} from the published figures even with every figure that could "
                "help withheld; combine categories or periods, withhold zeros as well "
                "(suppress_zero=True), or publish the total alone"
            )
        chosen, widest, best_width = None, None, _width(interval)
        for k in candidates:
            status[k] = CellStatus.SECONDARY
            trial = _interval(problem, values, status, rule, exposed)
            status[k] = CellStatus.SHOWN
            if not _is_exposed(*trial, rule):
                chosen = k
                break
            if _width(trial) > best_width:
                widest, best_width = k, _width(trial)
        if chosen is None:
            # No single cell is enough (e.g. a rectangle still needs two corners): take the
            # best improvement, else the smallest related cell, and look again.
            chosen = widest if widest is not None else candidates[0]
        status[chosen] = CellStatus.SECONDARY

    # 3. Release secondary cells that turn out not to be needed: totals first, then the
    #    largest cells, since those are the figures readers most want.
    secondary = [k for k in range(n) if status[k] is CellStatus.SECONDARY]
    secondary.sort(key=lambda k: (not problem.is_total[k], -values[k], k))
    for k in secondary:
        near = problem.related(k)
        affected = sorted(
            (x for x in _block(problem, status, k) if status[x] is CellStatus.PRIMARY),
            key=lambda x: (x not in near, x),  # neighbours first: they fail fastest
        )
        status[k] = CellStatus.SHOWN
        if any(_is_exposed(*_interval(problem, values, status, rule, x), rule) for x in affected):
            status[k] = CellStatus.SECONDARY
    return status


# --------------------------------------------------------------------------------------------
# Input checks and the name-bearing refusal
# --------------------------------------------------------------------------------------------


def _count(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{where}: counts must be whole numbers, got {value!r}")
    if value < 0:
        raise ValueError(f"{where}: counts cannot be negative, got {value}")
    return int(value)


def _labels(labels: Sequence[str], what: str) -> list[str]:
    out = []
    for label in labels:
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"{what} labels must be non-empty strings, got {label!r}")
        out.append(label)
    if len(set(out)) != len(out):
        raise ValueError(f"{what} labels must be unique")
    if not out:
        raise ValueError(f"a table needs at least one {what}")
    return out


def is_name_bearing(dimension: str, rule: SuppressionRule = DEFAULT_RULE) -> bool:
    """Whether a dimension's categories are people ('officer', 'suspect_name', 'People')."""
    tokens = [t for t in re.split(r"[^a-z0-9]+", dimension.lower()) if t]
    for token in tokens:
        if token in rule.name_bearing or (token.endswith("s") and token[:-1] in rule.name_bearing):
            return True
    return False


def refuse_person_breakdown(
    dimensions: Sequence[str], counts: Iterable[int], *, rule: SuppressionRule = DEFAULT_RULE
) -> None:
    """Raise DisclosureError if a breakdown by people would show someone's small count.

    A count of 1 against a named officer or suspect is that person's record; so is any count
    in the small-number band, which is why the check covers 1 to ``threshold - 1``, not only 1.
    The error names the dimension but never the category, so it is safe to log.
    """
    named = [d for d in dimensions if is_name_bearing(d, rule)]
    if not named:
        return
    small = sum(1 for v in counts if 0 < v < rule.threshold)
    if small:
        raise DisclosureError(
            f"a breakdown by {', '.join(repr(d) for d in named)} would reveal a person: "
            f"{small} of its cells hold a count from 1 to {rule.threshold - 1}; publish it "
            "without that dimension"
        )


# --------------------------------------------------------------------------------------------
# Public tables
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table1D:
    """A list of categories with a total, ready to publish."""

    categories: tuple[str, ...]
    cells: tuple[Cell, ...]
    total: Cell
    rule: SuppressionRule

    def rows(self) -> list[tuple[str, Cell]]:
        return list(zip(self.categories, self.cells, strict=True))

    def as_dict(self) -> dict:
        return {
            "rows": [{"category": c, **cell.as_dict()} for c, cell in self.rows()],
            "total": self.total.as_dict(),
            "footnote": self.rule.footnote,
        }


@dataclass(frozen=True)
class Table2D:
    """Rows by columns with row totals, column totals and a grand total, ready to publish."""

    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...]
    column_totals: tuple[Cell, ...]
    grand_total: Cell
    rule: SuppressionRule

    def as_dict(self) -> dict:
        return {
            "columns": list(self.column_labels),
            "rows": [
                {
                    "row": label,
                    "cells": [c.as_dict() for c in cells],
                    "total": total.as_dict(),
                }
                for label, cells, total in zip(
                    self.row_labels, self.cells, self.row_totals, strict=True
                )
            ],
            "column_totals": [c.as_dict() for c in self.column_totals],
            "grand_total": self.grand_total.as_dict(),
            "footnote": self.rule.footnote,
        }


def suppress_1d(
    counts: Mapping[str, int] | Sequence[tuple[str, int]],
    *,
    rule: SuppressionRule = DEFAULT_RULE,
    dimension: str | None = None,
) -> Table1D:
    """Apply the rule to category -> count (order kept); the total is the sum of the counts.

    ``dimension`` names what the categories are (e.g. "borough", "officer"); a name-bearing
    dimension with a small count is refused with DisclosureError.
    """
    pairs = list(counts.items()) if isinstance(counts, Mapping) else list(counts)
    categories = _labels([p[0] for p in pairs], "category")
    values = [_count(v, f"category {c!r}") for c, v in pairs]
    if dimension is not None:
        refuse_person_breakdown([dimension], values, rule=rule)
    problem = _problem_1d(categories)
    all_values = values + [sum(values)]
    status = _protect(problem, all_values, rule)
    cells = tuple(_cell(v, s, rule) for v, s in zip(all_values, status, strict=True))
    return Table1D(tuple(categories), cells[:-1], cells[-1], rule)


def suppress_2d(
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    counts: Sequence[Sequence[int]],
    *,
    rule: SuppressionRule = DEFAULT_RULE,
    dimensions: tuple[str, str] | None = None,
) -> Table2D:
    """Apply the rule to a rows x columns table; totals are computed from the counts."""
    rows = _labels(row_labels, "row")
    columns = _labels(column_labels, "column")
    if len(counts) != len(rows):
        raise ValueError(f"counts has {len(counts)} rows, expected {len(rows)}")
    matrix: list[list[int]] = []
    for i, row in enumerate(counts):
        if len(row) != len(columns):
            raise ValueError(f"row {rows[i]!r} has {len(row)} counts, expected {len(columns)}")
        matrix.append([_count(v, f"{rows[i]!r} / {columns[j]!r}") for j, v in enumerate(row)])
    interior = [v for row in matrix for v in row]
    if dimensions is not None:
        refuse_person_breakdown(list(dimensions), interior, rule=rule)
    row_totals = [sum(row) for row in matrix]
    column_totals = [sum(matrix[i][j] for i in range(len(rows))) for j in range(len(columns))]
    all_values = interior + row_totals + column_totals + [sum(row_totals)]
    problem = _problem_2d(rows, columns)
    status = _protect(problem, all_values, rule)
    cells = [_cell(v, s, rule) for v, s in zip(all_values, status, strict=True)]
    r, c = len(rows), len(columns)
    return Table2D(
        row_labels=tuple(rows),
        column_labels=tuple(columns),
        cells=tuple(tuple(cells[i * c : (i + 1) * c]) for i in range(r)),
        row_totals=tuple(cells[r * c : r * c + r]),
        column_totals=tuple(cells[r * c + r : r * c + r + c]),
        grand_total=cells[-1],
        rule=rule,
    )


# --------------------------------------------------------------------------------------------
# Audit of a published table
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellBounds:
    """What a reader can work out about one withheld cell of a published table."""

    key: tuple
    label: str
    display: str
    low: int
    high: int | None  # None: no upper bound
    small: bool  # labelled as a small count
    exposed: bool
    recovered_by_differencing: int | None

    @property
    def pinned(self) -> bool:
        return self.high is not None and self.low == self.high


@dataclass(frozen=True)
class AuditReport:
    """Bounds for every withheld cell; ``safe`` when no small count is exposed."""

    cells: tuple[CellBounds, ...]
    required_width: int

    @property
    def exposed(self) -> tuple[CellBounds, ...]:
        return tuple(c for c in self.cells if c.exposed)

    @property
    def pinned(self) -> tuple[CellBounds, ...]:
        return tuple(c for c in self.cells if c.pinned)

    @property
    def safe(self) -> bool:
        return not self.exposed

    def by_key(self) -> dict[tuple, CellBounds]:
        return {c.key: c for c in self.cells}


def _published_knowledge(
    published: Sequence[int | str | Cell], rule: SuppressionRule, labels: Sequence[str]
) -> tuple[_Known, _Bands, list[str], list[bool]]:
    known: _Known = {}
    bands: _Bands = {}
    displays: list[str] = []
    small: list[bool] = []
    for k, item in enumerate(published):
        text = item.display if isinstance(item, Cell) else item
        if isinstance(text, bool):
            raise ValueError(f"{labels[k]}: unrecognised published value {text!r}")
        if isinstance(text, int | np.integer):
            number: int | None = int(text)
        elif isinstance(text, str):
            number = _parse_int(text)
        else:
            raise ValueError(f"{labels[k]}: unrecognised published value {text!r}")
        displays.append(str(text))
        if number is not None:
            known[k] = number
            small.append(False)
        elif text == rule.small_label:
            bands[k] = rule.small_band_for_label()
            small.append(True)
        elif text == rule.secondary_label:
            bands[k] = rule.secondary_band
            small.append(False)
        else:
            raise ValueError(
                f"{labels[k]}: {text!r} is neither a number nor one of the rule's labels "
                f"({rule.small_label!r}, {rule.secondary_label!r})"
            )
    return known, bands, displays, small


def _audit(
    problem: _Problem, published: Sequence[int | str | Cell], rule: SuppressionRule
) -> AuditReport:
    known, bands, displays, small = _published_knowledge(published, rule, problem.labels)
    _equalities(problem, known, bands)  # refuses figures that do not add up
    recovered = _differencing(problem, known, bands)
    bounds = _bounds(problem, known, bands, sorted(bands)) if bands else {}
    cells = []
    for k in sorted(bands):
        lo, hi = bounds[k]
        cells.append(
            CellBounds(
                key=problem.keys[k],
                label=problem.labels[k],
                display=displays[k],
                low=lo,
                high=hi,
                small=small[k],
                exposed=small[k] and _is_exposed(lo, hi, rule),
                recovered_by_differencing=recovered.get(k),
            )
        )
    return AuditReport(tuple(cells), rule.required_width)


def audit_published_1d(
    cells: Sequence[int | str | Cell],
    total: int | str | Cell,
    *,
    rule: SuppressionRule = DEFAULT_RULE,
    categories: Sequence[str] | None = None,
) -> AuditReport:
    """Try to recover withheld cells of a published list from its total.

    Cells are numbers (or numeric strings such as "1,234") or the rule's labels.
    """
    names = list(categories) if categories is not None else [f"#{i + 1}" for i in range(len(cells))]
    if len(names) != len(cells):
        raise ValueError("categories and cells differ in length")
    return _audit(_problem_1d(names), [*cells, total], rule)


def audit_published_2d(
    cells: Sequence[Sequence[int | str | Cell]],
    row_totals: Sequence[int | str | Cell],
    column_totals: Sequence[int | str | Cell],
    grand_total: int | str | Cell,
    *,
    rule: SuppressionRule = DEFAULT_RULE,
    row_labels: Sequence[str] | None = None,
    column_labels: Sequence[str] | None = None,
) -> AuditReport:
    """Try to recover withheld cells of a published two-way table from its totals."""
    r = len(cells)
    c = len(cells[0]) if r else 0
    if any(len(row) != c for row in cells) or len(row_totals) != r or len(column_totals) != c:
        raise ValueError("cells, row totals and column totals do not have matching shapes")
    rows = list(row_labels) if row_labels is not None else [f"row {i + 1}" for i in range(r)]
    cols = (
        list(column_labels) if column_labels is not None else [f"column {j + 1}" for j in range(c)]
    )
    flat = [x for row in cells for x in row]
    return _audit(_problem_2d(rows, cols), [*flat, *row_totals, *column_totals, grand_total], rule)


def audit(table: Table1D | Table2D) -> AuditReport:
    """Audit a table made by ``suppress_1d``/``suppress_2d`` using only what it publishes."""
    if isinstance(table, Table1D):
        return audit_published_1d(
            table.cells, table.total, rule=table.rule, categories=table.categories
        )
    if isinstance(table, Table2D):
        return audit_published_2d(
            table.cells,
            table.row_totals,
            table.column_totals,
            table.grand_total,
            rule=table.rule,
            row_labels=table.row_labels,
            column_labels=table.column_labels,
        )
    raise TypeError(f"expected a Table1D or Table2D, got {type(table).__name__}")
