"""Server-side SVG charts: no JavaScript, the same SVG for the same input, fit for WeasyPrint.

Hand-written SVG rather than matplotlib, because:

- Accessibility needs markup matplotlib does not write: ``role="img"``, ``<title>``/``<desc>``
  wired up with ``aria-labelledby``, and a ``<title>`` tooltip on every bar and point. With
  matplotlib that means parsing and rewriting its output after the fact.
- Determinism and size: matplotlib's SVG carries generated ids, clip paths, a font-dependent
  layout and a date unless each is switched off through global ``rcParams``, and global
  ``rcParams`` are not safe to change per request in a threaded server.
- The charts are a few rectangles, lines and labels; the code is short and the output small.

The cost is that text width is estimated (0.6 em a character) rather than measured; labels
are kept short or thinned out where they would collide.

Values can be plain numbers, None (no data) or a published cell from
``drachma.core.smallnumbers`` (anything with ``published`` and ``display``): a withheld
cell draws no bar and is labelled with its display text, so a chart never shows a number the
table withholds.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Protocol, runtime_checkable

FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
INK = "#1a1a1a"
GRID = "#d0d0d0"
# Okabe-Ito: distinguishable with every common colour-vision deficiency.
CURRENT_COLOUR = "#0072B2"
PREVIOUS_COLOUR = "#D55E00"
CHAR_WIDTH = 0.6  # average glyph width in em, for layout estimates


class SVG(str):
    """An SVG document as a string, marked safe for HTML templates (``__html__``).

    Everything inside has been escaped here, so Django and Jinja may embed it as is.
    """

    __slots__ = ()

    def __html__(self) -> str:
        return str(self)


@runtime_checkable
class PublishedValue(Protocol):
    published: int | None
    display: str


def esc(text: object) -> str:
    """Escape text for SVG element content and attribute values."""
    return html.escape(str(text), quote=True)


def fmt_number(value: float) -> str:
    """1,234 for whole numbers, 12.3 otherwise."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def coord(value: float) -> str:
    """A coordinate with at most one decimal and no trailing zeros."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def stable_id(kind: str, *parts: Any) -> str:
    """An id derived from the content, so the same input gives the same SVG (and two
    different charts on one page get different ids)."""
    digest = hashlib.sha256(repr((kind, parts)).encode("utf-8")).hexdigest()[:10]
    return f"{kind}-{digest}"


def text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_WIDTH


def svg_open(width: float, height: float, ident: str, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{coord(width)}" '
        f'height="{coord(height)}" viewBox="0 0 {coord(width)} {coord(height)}" role="img" '
        f'aria-label="{esc(title)}" aria-labelledby="{ident}-title {ident}-desc" '
        # Scales down to a phone's width (no sideways scroll) and keeps its proportions.
        'style="max-width: 100%; height: auto" '
        f'font-family="{FONT}" id="{ident}">',
        f'<title id="{ident}-title">{esc(title)}</title>',
        f'<desc id="{ident}-desc">{esc(desc)}</desc>',
    ]


def _check_title(title: str) -> None:
    if not isinstance(title, str) or not title.strip():
        raise ValueError("a chart needs a non-empty title")


@dataclass(frozen=True)
class _Value:
    number: float | None  # what to draw; None draws nothing
    text: str  # what to print


def _value(raw: object, where: str) -> _Value:
    if isinstance(raw, PublishedValue):
        if raw.published is None:
            return _Value(None, str(raw.display))
        raw = raw.published
    if raw is None:
        return _Value(None, "no data")
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ValueError(f"{where}: expected a number, None or a published cell, got {raw!r}")
    if not math.isfinite(raw):
        raise ValueError(f"{where}: {raw} is not a finite number")
    if raw < 0:
        raise ValueError(f"{where}: negative values ({raw}) are not supported")
    return _Value(float(raw), fmt_number(raw))


def nice_ticks(maximum: float, count: int = 5, integer: bool = True) -> list[float]:
    """Round tick values from 0 to at least ``maximum`` with steps of 1, 2 or 5 x 10^k."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw_step = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    if integer:
        step = max(1.0, math.ceil(step))
    top = math.ceil(maximum / step - 1e-9) * step
    ticks = []
    value = 0.0
    while value <= top + step / 2:
        ticks.append(round(value, 10))
        value += step
    return ticks


# --------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------

Granularity = Literal["month", "quarter", "year", "financial_year"]


def period_start(day: date, granularity: Granularity) -> date:
    """The first day of the month, calendar quarter, year or April-March financial year."""
    if granularity == "month":
        return day.replace(day=1)
    if granularity == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if granularity == "year":
        return date(day.year, 1, 1)
    if granularity == "financial_year":
        return date(day.year if day.month >= 4 else day.year - 1, 4, 1)
    raise ValueError(f"unknown granularity {granularity!r}")


def period_label(start: date, granularity: Granularity) -> str:
    """'Jan 2024', 'Q1 2024' (calendar quarters), '2024', '2024/25'."""
    if granularity == "month":
        return f"{calendar.month_abbr[start.month]} {start.year}"
    if granularity == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    if granularity == "year":
        return str(start.year)
    if granularity == "financial_year":
        return f"{start.year}/{(start.year + 1) % 100:02d}"
    raise ValueError(f"unknown granularity {granularity!r}")


def _next_period(start: date, granularity: Granularity) -> date:
    months = {"month": 1, "quarter": 3, "year": 12, "financial_year": 12}[granularity]
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _year_before(start: date) -> date:
    return start.replace(year=start.year - 1)


@dataclass(frozen=True)
class Period:
    start: date
    label: str
    count: int
    previous: int  # the same period a year before


def period_series(
    counts: Mapping[date, int], first: date, last: date, granularity: Granularity = "month"
) -> list[Period]:
    """Bucket dated counts into every period from ``first`` to ``last`` inclusive.

    ``counts`` maps a day (any day; e.g. an incident date or a truncated month) to a count.
    Empty periods count 0; each period also carries the count for the same period a year
    before, for the comparison series.
    """
    if last < first:
        raise ValueError(f"the series ends ({last}) before it starts ({first})")
    buckets: dict[date, int] = {}
    for day, n in counts.items():
        if not isinstance(day, date):
            raise ValueError(f"counts must be keyed by date, got {day!r}")
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError(f"count for {day} must be a whole number of at least 0, got {n!r}")
        key = period_start(day, granularity)
        buckets[key] = buckets.get(key, 0) + n
    out = []
    start = period_start(first, granularity)
    end = period_start(last, granularity)
    while start <= end:
        out.append(
            Period(
                start=start,
                label=period_label(start, granularity),
                count=buckets.get(start, 0),
                previous=buckets.get(_year_before(start), 0),
            )
        )
        start = _next_period(start, granularity)
    return out


# --------------------------------------------------------------------------------------------
# Time series
# --------------------------------------------------------------------------------------------


def time_series_svg(
    points: Sequence[tuple[str, object]],
    *,
    title: str,
    previous: Sequence[object] | None = None,
    kind: Literal["bar", "line"] = "bar",
    x_label: str = "Period",
    y_label: str = "Count",
    current_label: str = "This period",
    previous_label: str = "Same period a year before",
    value_labels: bool | None = None,
    description: str | None = None,
    width: int = 720,
    height: int = 360,
) -> SVG:
    """Counts by period as bars (or a line), optionally against the same periods a year before.

    ``points`` are (period label, value) in order; ``previous`` aligns with them. The
    current series is drawn in blue bars or a solid line with round markers, the year-before
    series as a dashed orange line with square markers, so the two differ by more than colour.
    Value labels are on by default up to 24 periods.
    """
    _check_title(title)
    if kind not in ("bar", "line"):
        raise ValueError(f"kind must be 'bar' or 'line', got {kind!r}")
    if not points:
        raise ValueError("a time series needs at least one period")
    labels = [str(p[0]) for p in points]
    current = [_value(p[1], f"period {p[0]!r}") for p in points]
    before = None
    if previous is not None:
        if len(previous) != len(points):
            raise ValueError(f"previous has {len(previous)} values for {len(points)} periods")
        before = [_value(v, f"year before {labels[i]!r}") for i, v in enumerate(previous)]
    n = len(points)
    if value_labels is None:
        value_labels = n <= 24

    numbers = [v.number for v in current + (before or []) if v.number is not None]
    integer = all(float(x).is_integer() for x in numbers)
    ticks = nice_ticks(max(numbers, default=0.0), integer=integer)
    top = ticks[-1]

    left = 16 + 18 + max(text_width(fmt_number(t), 11) for t in ticks) + 6
    right = 16
    plot_top = 44 + (22 if before is not None else 0)
    bottom = 58
    plot_w = width - left - right
    plot_h = height - plot_top - bottom
    if plot_w < 40 or plot_h < 40:
        raise ValueError("the chart is too small for its labels; make it wider or taller")
    slot = plot_w / n

    def y_of(v: float) -> float:
        return plot_top + plot_h - (v / top) * plot_h

    ident = stable_id(
        "chart",
        "ts",
        title,
        labels,
        [v.text for v in current],
        [v.text for v in before] if before else None,
        kind,
        x_label,
        y_label,
        width,
        height,
    )
    desc = description or _series_desc(
        labels, current, before, x_label, y_label, current_label, previous_label
    )
    out = svg_open(width, height, ident, title, desc)
    out.append(f'<rect width="{width}" height="{height}" fill="#ffffff"/>')
    out.append(
        f'<text x="{coord(left)}" y="24" font-size="15" font-weight="bold" fill="{INK}">'
        f"{esc(title)}</text>"
    )
    if before is not None:
        out.extend(_series_key(left, 46, kind, current_label, previous_label))

    # Grid and y axis.
    out.append('<g aria-hidden="true">')
    for t in ticks:
        y = y_of(t)
        out.append(
            f'<line x1="{coord(left)}" y1="{coord(y)}" x2="{coord(left + plot_w)}" '
            f'y2="{coord(y)}" stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{coord(left - 6)}" y="{coord(y + 4)}" font-size="11" fill="{INK}" '
            f'text-anchor="end">{esc(fmt_number(t))}</text>'
        )
    out.append("</g>")
    cy = plot_top + plot_h / 2
    out.append(
        f'<text x="16" y="{coord(cy)}" font-size="12" fill="{INK}" text-anchor="middle" '
        f'transform="rotate(-90 16 {coord(cy)})">{esc(y_label)}</text>'
    )

    # Data.
    out.append('<g class="series current">')
    if kind == "bar":
        bar_w = slot * (0.7 if before is None else 0.6)
        for i, v in enumerate(current):
            x = left + slot * i + (slot - bar_w) / 2
            tip = f"{labels[i]}: {v.text}"
            if v.number is not None and v.number > 0:
                y = y_of(v.number)
                out.append(
                    f'<rect x="{coord(x)}" y="{coord(y)}" width="{coord(bar_w)}" '
                    f'height="{coord(plot_top + plot_h - y)}" fill="{CURRENT_COLOUR}">'
                    f"<title>{esc(tip)}</title></rect>"
                )
    else:
        out.extend(_line(current, labels, left, slot, y_of, CURRENT_COLOUR, None, "circle"))
    out.append("</g>")
    if before is not None:
        out.append('<g class="series previous">')
        out.extend(
            _line(
                before,
                labels,
                left,
                slot,
                y_of,
                PREVIOUS_COLOUR,
                "6 4",
                "square",
                tip_prefix=previous_label,
            )
        )
        out.append("</g>")

    if value_labels:
        out.append('<g class="value-labels" font-size="10">')
        for i, v in enumerate(current):
            x = left + slot * i + slot / 2
            y = (y_of(v.number) if v.number is not None else plot_top + plot_h) - 4
            if text_width(v.text, 10) <= slot - 2:
                out.append(
                    f'<text x="{coord(x)}" y="{coord(y)}" text-anchor="middle" fill="{INK}">'
                    f"{esc(v.text)}</text>"
                )
            else:
                # Too wide for the slot ("fewer than 5" under a month): run it upwards.
                out.append(
                    f'<text x="{coord(x + 3.5)}" y="{coord(y)}" fill="{INK}" '
                    f'transform="rotate(-90 {coord(x + 3.5)} {coord(y)})">{esc(v.text)}</text>'
                )
        out.append("</g>")

    # X axis: baseline, thinned period labels, axis title.
    base = plot_top + plot_h
    out.append(
        f'<line x1="{coord(left)}" y1="{coord(base)}" x2="{coord(left + plot_w)}" '
        f'y2="{coord(base)}" stroke="{INK}" stroke-width="1"/>'
    )
    widest = max(text_width(label, 11) for label in labels)
    every = max(1, math.ceil((widest + 8) / slot))
    out.append(f'<g font-size="11" fill="{INK}" text-anchor="middle">')
    for i in range(0, n, every):
        out.append(
            f'<text x="{coord(left + slot * i + slot / 2)}" y="{coord(base + 16)}">'
            f"{esc(labels[i])}</text>"
        )
    out.append("</g>")
    out.append(
        f'<text x="{coord(left + plot_w / 2)}" y="{coord(height - 12)}" font-size="12" '
        f'fill="{INK}" text-anchor="middle">{esc(x_label)}</text>'
    )
    out.append("</svg>")
    return SVG("\n".join(out))


def _line(values, labels, left, slot, y_of, colour, dash, marker, tip_prefix=None) -> list[str]:
    out = []
    run: list[tuple[float, float]] = []
    runs = []
    for i, v in enumerate(values):
        if v.number is None:
            if run:
                runs.append(run)
            run = []
            continue
        run.append((left + slot * i + slot / 2, y_of(v.number)))
    if run:
        runs.append(run)
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    for r in runs:
        if len(r) > 1:
            d = " ".join(f"{coord(x)},{coord(y)}" for x, y in r)
            out.append(
                f'<polyline points="{d}" fill="none" stroke="{colour}" stroke-width="2"'
                f"{dash_attr}/>"
            )
    for i, v in enumerate(values):
        if v.number is None:
            continue
        x, y = left + slot * i + slot / 2, y_of(v.number)
        tip = f"{tip_prefix + ', ' if tip_prefix else ''}{labels[i]}: {v.text}"
        if marker == "circle":
            shape = f'<circle cx="{coord(x)}" cy="{coord(y)}" r="3.5" fill="{colour}">'
            out.append(f"{shape}<title>{esc(tip)}</title></circle>")
        else:
            shape = (
                f'<rect x="{coord(x - 3.5)}" y="{coord(y - 3.5)}" width="7" height="7" '
                f'fill="#ffffff" stroke="{colour}" stroke-width="1.5">'
            )
            out.append(f"{shape}<title>{esc(tip)}</title></rect>")
    return out


def _series_key(
    x: float, y: float, kind: str, current_label: str, previous_label: str
) -> list[str]:
    out = ['<g class="key" font-size="11">']
    if kind == "bar":
        out.append(
            f'<rect x="{coord(x)}" y="{coord(y - 9)}" width="12" height="10" '
            f'fill="{CURRENT_COLOUR}"/>'
        )
    else:
        out.append(
            f'<line x1="{coord(x)}" y1="{coord(y - 4)}" x2="{coord(x + 14)}" '
            f'y2="{coord(y - 4)}" stroke="{CURRENT_COLOUR}" stroke-width="2"/>'
        )
    out.append(f'<text x="{coord(x + 18)}" y="{coord(y)}" fill="{INK}">{esc(current_label)}</text>')
    x2 = x + 18 + text_width(current_label, 11) + 20
    out.append(
        f'<line x1="{coord(x2)}" y1="{coord(y - 4)}" x2="{coord(x2 + 22)}" y2="{coord(y - 4)}" '
        f'stroke="{PREVIOUS_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>'
    )
    out.append(
        f'<rect x="{coord(x2 + 7.5)}" y="{coord(y - 7.5)}" width="7" height="7" fill="#ffffff" '
        f'stroke="{PREVIOUS_COLOUR}" stroke-width="1.5"/>'
    )
    out.append(
        f'<text x="{coord(x2 + 28)}" y="{coord(y)}" fill="{INK}">{esc(previous_label)}</text>'
    )
    out.append("</g>")
    return out


def _series_desc(labels, current, before, x_label, y_label, current_label, previous_label) -> str:
    parts = [f"Chart of {y_label.lower()} by {x_label.lower()}, {labels[0]} to {labels[-1]}."]
    shown = [(labels[i], v) for i, v in enumerate(current) if v.number is not None]
    if shown:
        high = max(shown, key=lambda p: p[1].number)
        parts.append(f"Highest: {high[0]} ({high[1].text}).")
    if len(labels) <= 60:
        parts.append(
            f"{current_label}: "
            + "; ".join(f"{lab} {v.text}" for lab, v in zip(labels, current, strict=True))
            + "."
        )
        if before is not None:
            parts.append(
                f"{previous_label}: "
                + "; ".join(f"{lab} {v.text}" for lab, v in zip(labels, before, strict=True))
                + "."
            )
    return " ".join(parts)


# --------------------------------------------------------------------------------------------
# Horizontal bars by category
# --------------------------------------------------------------------------------------------


def bar_chart_svg(
    items: Sequence[tuple[str, object]],
    *,
    title: str,
    x_label: str = "Count",
    y_label: str | None = None,
    sort: bool = False,
    value_labels: bool = True,
    description: str | None = None,
    width: int = 720,
    bar_height: int = 22,
) -> SVG:
    """Counts by category as horizontal bars, with the value printed at the end of each bar.

    ``sort=True`` orders bars from largest to smallest (withheld and missing values last);
    otherwise the given order is kept (e.g. the order of a category list).
    """
    _check_title(title)
    if not items:
        raise ValueError("a bar chart needs at least one category")
    rows = [(str(label), _value(v, f"category {label!r}")) for label, v in items]
    if sort:
        rows.sort(key=lambda r: (r[1].number is None, -(r[1].number or 0)))
    numbers = [v.number for _, v in rows if v.number is not None]
    integer = all(float(x).is_integer() for x in numbers)
    ticks = nice_ticks(max(numbers, default=0.0), integer=integer)
    top = ticks[-1]

    label_w = min(max(text_width(label, 12) for label, _ in rows) + 10, width * 0.4)
    value_w = max(text_width(v.text, 11) for _, v in rows) + 8 if value_labels else 0
    left = 16 + label_w
    right = 16 + value_w
    plot_top = 44 + (18 if y_label else 0)
    plot_w = width - left - right
    if plot_w < 60:
        raise ValueError("the chart is too narrow for its labels; make it wider")
    gap = bar_height * 0.35
    plot_h = len(rows) * (bar_height + gap) + gap
    height = plot_top + plot_h + 48

    def x_of(v: float) -> float:
        return left + (v / top) * plot_w

    ident = stable_id(
        "chart",
        "bar",
        title,
        [(lab, v.text) for lab, v in rows],
        x_label,
        y_label,
        width,
        bar_height,
    )
    desc = description or (
        f"Bar chart of {x_label.lower()} by {(y_label or 'category').lower()}: "
        + "; ".join(f"{lab} {v.text}" for lab, v in rows)
        + "."
    )
    out = svg_open(width, height, ident, title, desc)
    out.append(f'<rect width="{coord(width)}" height="{coord(height)}" fill="#ffffff"/>')
    out.append(
        f'<text x="16" y="24" font-size="15" font-weight="bold" fill="{INK}">{esc(title)}</text>'
    )
    if y_label:
        out.append(
            f'<text x="16" y="{coord(plot_top - 8)}" font-size="12" fill="{INK}" '
            f'font-style="italic">{esc(y_label)}</text>'
        )
    out.append('<g aria-hidden="true">')
    for t in ticks:
        x = x_of(t)
        out.append(
            f'<line x1="{coord(x)}" y1="{coord(plot_top)}" x2="{coord(x)}" '
            f'y2="{coord(plot_top + plot_h)}" stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{coord(x)}" y="{coord(plot_top + plot_h + 14)}" font-size="11" '
            f'fill="{INK}" text-anchor="middle">{esc(fmt_number(t))}</text>'
        )
    out.append("</g>")
    out.append('<g class="bars">')
    for i, (label, v) in enumerate(rows):
        y = plot_top + gap + i * (bar_height + gap)
        mid = y + bar_height / 2 + 4
        out.append(
            f'<text x="{coord(left - 8)}" y="{coord(mid)}" font-size="12" fill="{INK}" '
            f'text-anchor="end">{esc(label)}</text>'
        )
        end = left
        if v.number is not None and v.number > 0:
            end = x_of(v.number)
            out.append(
                f'<rect x="{coord(left)}" y="{coord(y)}" width="{coord(end - left)}" '
                f'height="{coord(bar_height)}" fill="{CURRENT_COLOUR}">'
                f"<title>{esc(f'{label}: {v.text}')}</title></rect>"
            )
        if value_labels:
            out.append(
                f'<text x="{coord(end + 5)}" y="{coord(mid)}" font-size="11" fill="{INK}">'
                f"{esc(v.text)}</text>"
            )
    out.append("</g>")
    out.append(
        f'<line x1="{coord(left)}" y1="{coord(plot_top)}" x2="{coord(left)}" '
        f'y2="{coord(plot_top + plot_h)}" stroke="{INK}" stroke-width="1"/>'
    )
    out.append(
        f'<text x="{coord(left + plot_w / 2)}" y="{coord(height - 12)}" font-size="12" '
        f'fill="{INK}" text-anchor="middle">{esc(x_label)}</text>'
    )
    out.append("</svg>")
    return SVG("\n".join(out))
