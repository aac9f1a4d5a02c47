"""Choropleth maps of Greater Manchester as self-contained SVG (no tiles, no JavaScript).

Projection: equirectangular about the middle latitude of the area drawn (x scaled by
cos(latitude)). Over Greater Manchester's 45 km the distortion against the British National
Grid is well under 1 %, invisible at screen size.

Simplification: ``shapely.coverage_simplify`` simplifies the boundaries of the whole set of
areas together, so neighbouring areas keep a shared edge (no slivers or gaps) while the
borough map stays around 20 KB and the ward map around 100 KB.

Colours: ColorBrewer "Blues" (Cynthia Brewer, Apache licence 2.0), a single-hue sequential
scheme that is safe for colour-blind readers and keeps its order when printed in grey.
Areas without data are light grey and say so in the legend.

Classes (bins): ``method="quantile"`` (default) puts about the same number of areas in each
class; ``"equal"`` splits the range into equal widths; ``"fixed"`` takes ``breaks`` (upper
bounds, inclusive). Whole-number data get whole-number class limits ("5\u20139"). With
``small_count_threshold`` (e.g. 5) no class limit falls inside 1 to threshold - 1, so the
shading never says more than "fewer than 5", and tooltips print "fewer than 5" too.

Hot spots from ``drachma.statistics.hotspots`` are drawn as a thick solid outline (hot) or a
thick dashed outline (cold), so they differ by line style as well as by the legend.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Literal

import numpy as np
import shapely
from shapely.geometry import Polygon

from . import geodata
from .charts import INK, SVG, coord, esc, fmt_number, stable_id, svg_open
from .hotspots import COLD, HOT, HotspotResult

BLUES = {
    3: ("#deebf7", "#9ecae1", "#3182bd"),
    4: ("#eff3ff", "#bdd7e7", "#6baed6", "#2171b5"),
    5: ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"),
    6: ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"),
    7: ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"),
}
NO_DATA = "#d9d9d9"
OUTLINE = "#ffffff"
BOROUGH_LINE = "#252525"
LEGEND_WIDTH = 200
MARGIN = 12
TITLE_BAND = 34
FOOT_BAND = 34
# Simplification tolerance in pixels (coverage_simplify's area-based tolerance).
TOLERANCE = {"borough": 0.8, "ward": 1.2}


@lru_cache(maxsize=16)
def _projected(level: geodata.Level, borough: str | None, map_width: int):
    """Simplified, projected polygons for the areas drawn, plus the map's pixel height."""
    area_map = geodata.areas(level, borough)
    codes = sorted(area_map)
    geoms = [area_map[c].geometry for c in codes]
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    k = math.cos(math.radians((miny + maxy) / 2))
    scale = map_width / ((maxx - minx) * k)

    def project(coords: np.ndarray) -> np.ndarray:
        return np.column_stack(((coords[:, 0] - minx) * k * scale, (maxy - coords[:, 1]) * scale))

    projected = [shapely.transform(g, project) for g in geoms]
    simplified = shapely.coverage_simplify(np.array(projected), TOLERANCE[level])
    shapes = dict(zip(codes, simplified, strict=True))
    paths = {c: _path(g) for c, g in shapes.items()}
    labels = {
        c: tuple(shapely.transform(area_map[c].label_point, project).coords[0]) for c in codes
    }
    outlines: dict[str, str] = {}
    outline_labels: dict[str, tuple[float, float]] = {}
    if level == "ward" and borough is None:
        # Borough boundaries over a ward map, for orientation.
        b = geodata.boroughs()
        bcodes = sorted(b)
        bproj = [shapely.transform(b[c].geometry, project) for c in bcodes]
        bsimple = shapely.coverage_simplify(np.array(bproj), TOLERANCE["borough"])
        outlines = {c: _path(g) for c, g in zip(bcodes, bsimple, strict=True)}
        outline_labels = {
            c: tuple(shapely.transform(b[c].label_point, project).coords[0]) for c in bcodes
        }
    height = (maxy - miny) * scale
    return shapes, paths, labels, outlines, outline_labels, height


def _ring(coords: Sequence[tuple[float, float]]) -> str:
    # Whole tenths of a pixel, written as relative moves: small, and exact (no drift).
    pts = [(round(x * 10), round(y * 10)) for x, y in coords]
    if len(pts) > 1 and pts[0] == pts[-1]:
        pts = pts[:-1]
    x0, y0 = pts[0]
    parts = [f"M{coord(x0 / 10)} {coord(y0 / 10)}"]
    rel = []
    for (ax, ay), (bx, by) in zip(pts, pts[1:], strict=False):
        if (ax, ay) != (bx, by):
            rel.append(f"{coord((bx - ax) / 10)} {coord((by - ay) / 10)}")
    parts.append("l" + " ".join(rel))
    parts.append("z")
    return "".join(parts)


def _path(geometry: Polygon) -> str:
    polygons = list(geometry.geoms) if geometry.geom_type == "MultiPolygon" else [geometry]
    rings = []
    for polygon in polygons:
        rings.append(_ring(polygon.exterior.coords))
        rings.extend(_ring(r.coords) for r in polygon.interiors)
    return "".join(rings)


# --------------------------------------------------------------------------------------------
# Classes
# --------------------------------------------------------------------------------------------


def class_breaks(
    values: Sequence[float],
    *,
    method: Literal["quantile", "equal", "fixed"] = "quantile",
    classes: int = 5,
    breaks: Sequence[float] | None = None,
    small_count_threshold: int | None = None,
) -> list[float]:
    """Upper bounds (inclusive) of each class, ascending; the last is at least max(values)."""
    if method not in ("quantile", "equal", "fixed"):
        raise ValueError(f"method must be 'quantile', 'equal' or 'fixed', got {method!r}")
    data = np.asarray([v for v in values if v is not None], dtype=float)
    integer = bool(data.size) and bool(np.all(np.mod(data, 1) == 0))
    if method == "fixed":
        if not breaks:
            raise ValueError("method 'fixed' needs breaks (the upper bound of each class)")
        out = sorted(float(b) for b in breaks)
        if data.size and out[-1] < data.max():
            raise ValueError(
                f"the last break ({fmt_number(out[-1])}) is below the largest value "
                f"({fmt_number(data.max())})"
            )
    else:
        if breaks is not None:
            raise ValueError("breaks are only used with method='fixed'")
        if not 3 <= classes <= 7:
            raise ValueError(f"classes must be from 3 to 7, got {classes}")
        if data.size == 0:
            return [0.0]
        out = []
        if small_count_threshold is not None and (data < small_count_threshold).any():
            # One class for everything below the threshold; the others split the rest.
            out.append(float(small_count_threshold - 1))
            data = data[data >= small_count_threshold]
            classes -= 1
        if data.size:
            if method == "quantile":
                out += [float(np.quantile(data, i / classes)) for i in range(1, classes + 1)]
            else:
                lo, hi = float(data.min()), float(data.max())
                out += [lo + (hi - lo) * i / classes for i in range(1, classes + 1)]
        if integer:
            out = [float(math.ceil(b - 1e-9)) for b in out]
    if small_count_threshold is not None:
        top_small = small_count_threshold - 1
        out = [float(top_small) if 1 <= b < top_small else b for b in out]
    deduped: list[float] = []
    for b in out:
        if not deduped or b > deduped[-1]:
            deduped.append(b)
    return deduped


def _class_of(value: float, breaks: Sequence[float]) -> int:
    for i, b in enumerate(breaks):
        if value <= b + 1e-9:
            return i
    return len(breaks) - 1


def _class_labels(breaks: Sequence[float], low: float, integer: bool) -> list[str]:
    labels = []
    previous = None
    for b in breaks:
        if integer:
            start = low if previous is None else previous + 1
            labels.append(
                fmt_number(b) if start >= b else f"{fmt_number(start)}\u2013{fmt_number(b)}"
            )
        else:
            start = low if previous is None else previous
            labels.append(f"{start:,.1f}\u2013{b:,.1f}")
        previous = b
    return labels


def _palette(n: int) -> tuple[str, ...]:
    if n == 1:
        return (BLUES[3][1],)
    if n == 2:
        return (BLUES[3][0], BLUES[3][2])
    return BLUES[min(max(n, 3), 7)]


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


# --------------------------------------------------------------------------------------------
# The map
# --------------------------------------------------------------------------------------------


def choropleth_svg(
    values: Mapping[str, float | None],
    *,
    title: str,
    level: geodata.Level = "borough",
    borough: str | None = None,
    value_label: str = "Count",
    kind: Literal["count", "rate"] = "count",
    display: Mapping[str, str] | None = None,
    method: Literal["quantile", "equal", "fixed"] = "quantile",
    classes: int = 5,
    breaks: Sequence[float] | None = None,
    small_count_threshold: int | None = 5,
    hotspots: HotspotResult | Mapping[str, str] | None = None,
    labels: bool | None = None,
    description: str | None = None,
    width: int = 760,
    no_data_label: str = "No data",
) -> SVG:
    """A choropleth of boroughs (or wards, all or one borough's) shaded by ``values``.

    ``values`` maps ONS code to a number; an area that is missing or None is "no data".
    ``display`` overrides the text shown for an area (e.g. a suppressed cell's display).
    ``no_data_label`` names the grey areas in the legend (e.g. "In 'Other boroughs'" when a
    report combines them). The legend lists only the classes some area falls in.
    ``hotspots`` is a Gi* result or a mapping of code -> "hot spot"/"cold spot".
    ``labels`` prints borough names (default: on for boroughs and for the all-ward map,
    where the borough names are printed; off for one borough's wards).

    ``kind="count"`` (the default) requires whole numbers and applies
    ``small_count_threshold`` (5 unless set; None for an internal map that may show small
    counts). ``kind="rate"`` takes any non-negative numbers and ignores the threshold: note
    that a rate per 100,000 for a borough gives its count away (the populations are
    published), so rates for small counts should be passed as None with a ``display`` text.
    """
    if kind not in ("count", "rate"):
        raise ValueError(f"kind must be 'count' or 'rate', got {kind!r}")
    if kind == "rate":
        small_count_threshold = None
    elif small_count_threshold is not None and small_count_threshold < 2:
        raise ValueError(f"small_count_threshold must be at least 2, got {small_count_threshold}")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("a map needs a non-empty title")
    if width < LEGEND_WIDTH + 200:
        raise ValueError(f"width must be at least {LEGEND_WIDTH + 200} pixels")
    area_map = geodata.areas(level, borough)
    unknown = sorted(set(values) - set(area_map))
    if unknown:
        raise ValueError(f"values given for areas not on this map: {', '.join(map(str, unknown))}")
    clean: dict[str, float | None] = {}
    for code in area_map:
        v = values.get(code)
        if v is not None:
            if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
                raise ValueError(f"value for {code} must be a number or None, got {v!r}")
            if not math.isfinite(float(v)) or v < 0:
                raise ValueError(f"value for {code} must be a finite number of at least 0")
            if kind == "count" and not float(v).is_integer():
                raise ValueError(f"value for {code} ({v}) is not a whole number; use kind='rate'")
            v = float(v)
        clean[code] = v
    present = [v for v in clean.values() if v is not None]
    integer = kind == "count"
    bks = class_breaks(
        present,
        method=method,
        classes=classes,
        breaks=breaks,
        small_count_threshold=small_count_threshold,
    )
    low = 0.0 if (small_count_threshold is not None or not present) else min(present)
    if method == "fixed":
        low = 0.0
    legend_labels = _class_labels(bks, low, integer)
    palette = _palette(len(bks))
    if len(bks) > len(palette):
        raise ValueError(f"at most {len(palette)} classes can be shaded, got {len(bks)}")

    status: dict[str, str] = {}
    if isinstance(hotspots, HotspotResult):
        status = {a.code: a.classification for a in hotspots.areas}
    elif hotspots is not None:
        status = dict(hotspots)
    stray = sorted(set(status) - set(area_map))
    if stray:
        raise ValueError(f"hot spots given for areas not on this map: {', '.join(stray)}")

    def shown(code: str) -> str:
        if display is not None and code in display:
            return str(display[code])
        v = clean[code]
        if v is None:
            return "no data"
        if small_count_threshold is not None and 1 <= v < small_count_threshold:
            return f"fewer than {small_count_threshold}"
        return fmt_number(v)

    map_width = width - LEGEND_WIDTH - 2 * MARGIN
    shapes, paths, label_points, outlines, outline_labels, map_height = _projected(
        level, borough, map_width
    )
    legend_rows = len(bks) + (1 if None in clean.values() else 0)
    legend_rows += sum(1 for s in (HOT, COLD) if s in status.values())
    legend_height = 40 + 22 * legend_rows
    height = TITLE_BAND + max(map_height, legend_height) + FOOT_BAND + MARGIN
    if labels is None:
        labels = not (level == "ward" and borough is not None)

    ident = stable_id(
        "map",
        title,
        level,
        borough,
        sorted((c, shown(c)) for c in clean),
        bks,
        sorted(status.items()),
        value_label,
        kind,
        width,
        labels,
    )
    place = "Greater Manchester" if borough is None else geodata.boroughs()[borough].name
    areas_named = "boroughs" if level == "borough" else "wards"
    desc = description or _describe(
        area_map, clean, shown, status, place, areas_named, value_label, legend_labels, method
    )
    out = svg_open(width, height, ident, title, desc)
    out.append(f'<rect width="{coord(width)}" height="{coord(height)}" fill="#ffffff"/>')
    out.append(
        f'<text x="{MARGIN}" y="22" font-size="16" font-weight="bold" fill="{INK}">'
        f"{esc(title)}</text>"
    )

    ox, oy = MARGIN, TITLE_BAND
    out.append(
        f'<g class="areas" transform="translate({ox} {oy})" stroke="{OUTLINE}" '
        f'stroke-width="{0.6 if level == "ward" else 1}" stroke-linejoin="round">'
    )
    for code in sorted(area_map):
        area = area_map[code]
        v = clean[code]
        fill = NO_DATA if v is None else palette[_class_of(v, bks)]
        tip = f"{area.name} ({code}): {shown(code)} {value_label.lower()}".rstrip()
        if status.get(code) in (HOT, COLD):
            tip += f", {status[code]}"
        out.append(
            f'<path d="{paths[code]}" fill="{fill}" data-code="{esc(code)}" '
            f'data-name="{esc(area.name)}" '
            f'id="{ident}-{esc(code)}"><title>{esc(tip)}</title></path>'
        )
    out.append("</g>")

    if outlines:
        out.append(
            f'<g class="borough-lines" transform="translate({ox} {oy})" fill="none" '
            f'stroke="{BOROUGH_LINE}" stroke-width="1.2" aria-hidden="true">'
        )
        out.extend(f'<path d="{outlines[c]}"/>' for c in sorted(outlines))
        out.append("</g>")

    marked = [c for c in sorted(area_map) if status.get(c) in (HOT, COLD)]
    if marked:
        out.append(
            f'<g class="hotspots" transform="translate({ox} {oy})" fill="none" stroke="{INK}" '
            f'stroke-width="3" stroke-linejoin="round" aria-hidden="true">'
        )
        for kind_of_spot, dash in ((HOT, ""), (COLD, ' stroke-dasharray="7 4"')):
            codes = [c for c in marked if status[c] == kind_of_spot]
            if not codes:
                continue
            # Neighbouring hot spots share one outline: a cluster reads as one place.
            merged = shapely.coverage_union_all([shapes[c] for c in codes])
            out.append(
                f'<path d="{_path(merged)}" data-status="{esc(kind_of_spot)}" '
                f'data-codes="{esc(" ".join(codes))}"{dash}/>'
            )
        out.append("</g>")

    if labels:
        if level == "borough":
            points = {c: (label_points[c], area_map[c].name, clean[c]) for c in area_map}
        elif borough is None:
            b = geodata.boroughs()
            points = {c: (outline_labels[c], b[c].name, None) for c in b}
        else:
            points = {}
        out.append(
            f'<g class="labels" transform="translate({ox} {oy})" font-size="11" '
            f'text-anchor="middle" aria-hidden="true">'
        )
        for c in sorted(points):
            (x, y), name, v = points[c]
            fill = NO_DATA if v is None else palette[_class_of(v, bks)]
            dark = level == "borough" and _luminance(fill) < 0.3
            ink, halo = ("#ffffff", "#08306b") if dark else (INK, "#ffffff")
            attrs = f'x="{coord(x)}" y="{coord(y + 4)}"'
            out.append(
                f'<text {attrs} fill="none" stroke="{halo}" stroke-width="3" '
                f'stroke-linejoin="round">{esc(name)}</text>'
            )
            out.append(f'<text {attrs} fill="{ink}">{esc(name)}</text>')
        out.append("</g>")

    out.extend(
        _legend(
            width - LEGEND_WIDTH,
            TITLE_BAND,
            value_label,
            legend_labels,
            palette,
            None in clean.values(),
            status,
            method,
            small_count_threshold,
            no_data_label,
            {_class_of(v, bks) for v in present},
        )
    )
    foot_y = height - FOOT_BAND + 6
    for i, line in enumerate(_attribution_lines()):
        out.append(
            f'<text x="{MARGIN}" y="{coord(foot_y + 12 * i)}" font-size="9" fill="#4d4d4d">'
            f"{esc(line)}</text>"
        )
    out.append("</svg>")
    return SVG("\n".join(out))


def _attribution_lines() -> list[str]:
    first, _, second = geodata.BOUNDARY_ATTRIBUTION.partition(". ")
    return [first + ".", second]


def _legend(
    x, y, value_label, labels, palette, no_data, status, method, threshold, no_data_label, used
) -> list[str]:
    out = [
        f'<g class="legend" transform="translate({coord(x)} {coord(y)})" font-size="11" '
        f'fill="{INK}">'
    ]
    out.append(f'<text x="0" y="12" font-size="12" font-weight="bold">{esc(value_label)}</text>')
    note = {
        "quantile": "quantile classes",
        "equal": "equal-interval classes",
        "fixed": "fixed classes",
    }[method]
    out.append(f'<text x="0" y="26" font-size="10" fill="#4d4d4d">{esc(note)}</text>')
    row = 0

    def swatch(fill: str, text: str, extra: str = "") -> None:
        nonlocal row
        top = 36 + 22 * row
        out.append(
            f'<rect x="0" y="{top}" width="22" height="16" fill="{fill}" stroke="#737373" '
            f'stroke-width="0.5"{extra}/>'
        )
        out.append(f'<text x="30" y="{top + 12}">{esc(text)}</text>')
        row += 1

    for i, (fill, text) in enumerate(zip(palette, labels, strict=False)):
        if i not in used:
            continue  # a class no area falls in (fixed breaks) would only mislead
        if threshold is not None and text == f"1\u2013{threshold - 1}":
            text = f"{text} (fewer than {threshold})"
        swatch(fill, text)
    if no_data:
        swatch(NO_DATA, no_data_label)
    if HOT in status.values():
        top = 36 + 22 * row
        out.append(
            f'<rect x="2" y="{top + 1}" width="18" height="14" fill="none" stroke="{INK}" '
            f'stroke-width="3"/>'
        )
        out.append(f'<text x="30" y="{top + 12}">Hot spot (Gi*)</text>')
        row += 1
    if COLD in status.values():
        top = 36 + 22 * row
        out.append(
            f'<rect x="2" y="{top + 1}" width="18" height="14" fill="none" stroke="{INK}" '
            f'stroke-width="3" stroke-dasharray="7 4"/>'
        )
        out.append(f'<text x="30" y="{top + 12}">Cold spot (Gi*)</text>')
        row += 1
    out.append("</g>")
    return out


def _describe(area_map, clean, shown, status, place, kind, value_label, legend_labels, method):
    parts = [
        f"Map of the {len(area_map)} {kind} of {place}, shaded by {value_label.lower()} in "
        f"{len(legend_labels)} {method} classes ({', '.join(legend_labels)})."
    ]
    with_data = sorted(
        ((v, area_map[c].name, c) for c, v in clean.items() if v is not None),
        key=lambda t: (-t[0], t[1]),
    )
    if len(area_map) <= 40:
        parts.append(
            "; ".join(
                f"{area_map[c].name} {shown(c)}"
                for c in sorted(area_map, key=lambda c: area_map[c].name)
            )
            + "."
        )
    elif with_data:
        top = ", ".join(f"{name} {shown(c)}" for _, name, c in with_data[:5])
        parts.append(f"Highest: {top}.")
    hot = sorted(area_map[c].name for c, s in status.items() if s == HOT)
    cold = sorted(area_map[c].name for c, s in status.items() if s == COLD)
    if status:
        parts.append(f"Hot spots: {', '.join(hot) if hot else 'none'}.")
        parts.append(f"Cold spots: {', '.join(cold) if cold else 'none'}.")
    return " ".join(parts)
