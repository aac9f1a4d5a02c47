"""What the statistics page, the FOI answer and the board report show, and their PDFs."""

from django.template.loader import render_to_string
from weasyprint import HTML

from drachma.core.panels import render_panels
from drachma.statistics import charts, geodata, hotspots, maps, selectors
from drachma.statistics.foi import FOIAnswer, foi_answer
from drachma.statistics.selectors import AreaFilter, Period


def overview_context(period: Period, areas: AreaFilter | None, *, measure: str = "count") -> dict:
    data = selectors.overview(period, areas)
    by_borough = selectors.counts_by(period, "borough", areas=areas)
    borough_counts = {r.extra["code"]: r.count for r in by_borough if "code" in r.extra}
    ward_counts = {
        r.key: r.count for r in selectors.counts_by(period, "ward", areas=areas) if r.key
    }
    # A ward the period's query covered but that had no incidents is 0, not "no data": the
    # GROUP BY simply has no row for it. Only wards outside a chosen area filter are unknown.
    covered = _covered_wards(areas)
    ward_values = {
        code: ward_counts.get(code, 0) if code in covered else None for code in geodata.wards()
    }
    borough_gi = hotspots.borough_hotspots(borough_counts, per_100k=measure == "rate")
    ward_gi = hotspots.ward_hotspots(ward_counts)
    values = hotspots.rates_per_100k(borough_counts) if measure == "rate" else borough_counts
    series = data["series"]
    before = data["series_before"]
    context = {
        **data,
        "measure": measure,
        "borough_gi": borough_gi,
        "ward_gi": ward_gi,
        "ward_hot": [a for a in ward_gi.areas if a.significant],
        "ranking": [
            (r, borough_gi.by_code().get(r.code))
            for r in hotspots.rank_areas(
                borough_counts, by="rate" if measure == "rate" else "count"
            )
        ],
        "map_svg": maps.choropleth_svg(
            values,
            title=(
                f"Incidents {'per 100,000 residents' if measure == 'rate' else ''} by borough, "
                f"{period}"
            ).replace("  ", " "),
            kind=measure,
            value_label="Per 100,000" if measure == "rate" else "Incidents",
            hotspots=borough_gi,
        ),
        "ward_map_svg": maps.choropleth_svg(
            ward_values,
            title=f"Incidents by ward, {period}",
            level="ward",
            hotspots=ward_gi,
            value_label="Incidents",
        ),
        "series_svg": charts.time_series_svg(
            [(r.label, r.count) for r in series],
            title=f"Incidents by {data['time_by']}, {period}",
            previous=[r.count for r in before] if before else None,
            x_label=data["time_by"].capitalize(),
            y_label="Incidents",
        ),
        "breakdown_svgs": {
            name: charts.bar_chart_svg(
                [(r.label, r.count) for r in rows],
                title=f"Incidents by {selectors.DIMENSIONS[name].label.lower()}, {period}",
                x_label="Incidents",
                sort=name in ("area", "group"),
            )
            for name, rows in data["breakdowns"].items()
            if rows
        },
    }
    return context


def _covered_wards(areas: AreaFilter | None) -> set[str]:
    """ONS codes of the wards an area filter counts (all of them without a filter)."""
    if areas is None:
        return set(geodata.wards())
    from django.db.models import Q

    from drachma.areas.models import Ward

    q = Q(pk__in=areas.ward_ids) | Q(borough_id__in=areas.borough_ids)
    return set(Ward.objects.filter(q).values_list("code", flat=True))


def foi_pdf(answer: FOIAnswer) -> bytes:
    html = render_to_string("statistics/foi_pdf.html", {"answer": answer})
    return HTML(string=html).write_pdf()


def board_report_context(period: Period) -> dict:
    """A council board's report: the period's figures and trend, the hotspot map, and what
    other apps add (safeguarding demand, takedown figures).

    Everything in it is published, so every figure passes the small-number rule, and the
    tables are protected together: each shares the total of its period, which is shown in
    all of them or in none (see foi.foi_answer), and a chart's series is used only when its
    own protection agrees with that."""
    answer = foi_answer(period, by=["area", "kind", "source"])
    previous = foi_answer(period.year_before(), by=["area"])
    area_cells = dict(answer.tables["area"].rows())
    before_cells = dict(previous.tables["area"].rows())
    trend = []
    for label, cell in answer.tables["area"].rows():
        before = before_cells.get(label)
        change = None
        if (
            before is not None
            and not cell.suppressed
            and not before.suppressed
            and before.published
        ):
            change = round((cell.published - before.published) * 100 / before.published, 1)
        trend.append(
            {
                "area": label,
                "now": cell.display,
                "before": before.display if before else "0",
                "change": change,
            }
        )

    by_borough = selectors.counts_by(period, "borough")
    borough_counts = {r.extra["code"]: r.count for r in by_borough if "code" in r.extra}
    display = {
        r.extra["code"]: area_cells[r.label].display
        for r in by_borough
        if "code" in r.extra and r.label in area_cells
    }
    gi = hotspots.borough_hotspots(borough_counts)
    series, time_by = protected_series(period, answer)
    before_series = (
        protected_series(period.year_before(), previous, only=time_by)[0] if series else None
    )
    series_svg = None
    if series:
        series_svg = charts.time_series_svg(
            series,
            title=f"Incidents by {time_by}, {period}",
            previous=[cell for _, cell in before_series]
            if before_series and len(before_series) == len(series)
            else None,
            x_label=time_by.capitalize(),
            y_label="Incidents",
        )
    return {
        "period": period,
        "answer": answer,
        "previous": previous,
        "trend": trend,
        # Each borough's printed figure is its published (protected) one; shading puts every
        # count below the threshold in one class (maps.py), so it reveals no more.
        "map_svg": maps.choropleth_svg(
            borough_counts,
            title=f"Incidents by borough, {period}",
            hotspots=gi,
            display=display,
            value_label="Incidents",
        ),
        "hotspots": gi,
        "series_svg": series_svg,
        "time_by": time_by,
        "sections": render_panels("board_report_section", period),
    }


def protected_series(period: Period, answer: FOIAnswer, only: str | None = None):
    """The period's counts by month, quarter or year (the finest that can be published), with
    the small-number rule applied, or (None, None) when none can be."""
    from drachma.core.smallnumbers import suppress_1d

    span_days = (period.end - period.start).days
    candidates = (
        [only]
        if only
        else [
            g
            for g, limit in (("month", 3 * 366), ("quarter", 6 * 366), ("year", 10**6))
            if span_days <= limit
        ]
    )
    for by in candidates:
        rows = selectors.counts_by(period, by)
        table = suppress_1d([(r.label, r.count) for r in rows], rule=answer.rule)
        if table.total.suppressed == answer.total.suppressed:
            return table.rows(), by
    return None, None


def board_report_pdf(period: Period) -> bytes:
    html = render_to_string("statistics/board_report_pdf.html", board_report_context(period))
    return HTML(string=html).write_pdf()
