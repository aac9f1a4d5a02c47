"""What the statistics page, the FOI answer and the board report show, and their PDFs."""

from django.template.loader import render_to_string
from weasyprint import HTML

from drachma.core.panels import render_panels
from drachma.core.printing import render_pdf
from drachma.core.smallnumbers import Cell, CellStatus, audit_published_1d
from drachma.statistics import charts, geodata, hotspots, maps, publication, selectors
from drachma.statistics.foi import FOIAnswer
from drachma.statistics.foi import rule as foi_rule
from drachma.statistics.selectors import AreaFilter, Period


def overview_context(period: Period, areas: AreaFilter | None, *, measure: str = "count") -> dict:
    data = selectors.overview(period, areas)
    by_borough = selectors.counts_by(period, "borough", areas=areas)
    borough_counts = {r.extra["code"]: r.count for r in by_borough if "code" in r.extra}
    ward_counts = {
        r.key: r.count
        for r in selectors.counts_by(period, "ward", areas=areas)
        if isinstance(r.key, str) and r.key  # a ward's code; None: no ward
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
            kind="rate" if measure == "rate" else "count",
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


def default_judgement() -> publication.Judgement:
    """The force's default: the FOI rule (``DRACHMA_STATS_SUPPRESS_BELOW``, default 5) on every
    breakdown, the force-wide totals published as counted."""
    return publication.Judgement(rule=foi_rule())


def _granularities(period: Period) -> list[str]:
    span_days = (period.end - period.start).days
    return [
        g
        for g, limit in (("month", 3 * 366), ("quarter", 6 * 366), ("year", 10**6))
        if span_days <= limit
    ]


def _series(period: Period, judgement: publication.Judgement) -> dict:
    """The time series at the finest granularity whose counts (this period and the year
    before) are all publishable; failing that, by year with small years withheld."""
    previous = period.year_before()
    options = {
        g: ([r.label for r in now], [r.count for r in now], [r.count for r in before])
        for g in _granularities(period)
        for now, before in [(selectors.counts_by(period, g), selectors.counts_by(previous, g))]
    }
    rule = judgement.rule
    finest = next(iter(options))
    chosen: str | None
    if not judgement.applies("time"):
        chosen = finest
    else:
        chosen = publication.choose_granularity(
            {g: (now, before) for g, (_, now, before) in options.items()}, rule
        )
    if chosen is not None:
        labels, now, before = options[chosen]
        note = (
            ""
            if chosen == finest
            else f"Shown by {chosen}: some {finest}s had fewer than {rule.threshold} incidents."
        )
        return {
            "time_by": chosen,
            "points": list(zip(labels, now, strict=True)),
            "previous": before,
            "note": note,
        }
    # Even years are small. A single year is the period's total, which is published.
    coarsest = list(options)[-1]
    labels, now, _ = options[coarsest]
    if len(now) == 1:
        return {
            "time_by": coarsest,
            "points": list(zip(labels, now, strict=True)),
            "previous": None,
            "note": "",
        }
    # Otherwise the small years are withheld, if the audit finds that no withheld year can be
    # narrowed from the published total and the other years. The year before is left out:
    # its own withheld years could differ and be worked out from the two together.
    cells = [
        Cell(rule.small_label, CellStatus.PRIMARY, None)
        if publication.is_small(v, rule)
        else Cell(f"{v:,}", CellStatus.SHOWN, v)
        for v in now
    ]
    if not audit_published_1d(cells, sum(now), rule=rule, categories=labels).safe:
        return {
            "time_by": coarsest,
            "points": None,
            "previous": None,
            "note": f"Too few incidents to chart by {coarsest} without revealing a small count.",
        }
    return {
        "time_by": coarsest,
        "points": list(zip(labels, cells, strict=True)),
        "previous": None,
        "note": f"Years with fewer than {rule.threshold} incidents are shown as "
        f"\u201c{rule.small_label}\u201d.",
    }


def board_report_context(period: Period, judgement: publication.Judgement | None = None) -> dict:
    """A council board's report: the period's figures and trend, the borough map with hot
    spots, breakdowns, and what other apps add (safeguarding demand, takedown figures).

    The ``judgement`` (the force's default unless given) says which figures could identify a
    person; those are grouped so that no count below the threshold is published (see
    ``publication``). The force-wide totals are never withheld."""
    judgement = judgement or default_judgement()
    rule = judgement.rule
    previous = period.year_before()
    totals = selectors.summary(period)
    totals_before = selectors.summary(previous)

    now_rows = selectors.counts_by(period, "borough")
    before_rows = selectors.counts_by(previous, "borough")
    codes = {r.label: r.extra["code"] for r in now_rows if "code" in r.extra}
    borough_now = {r.label: r.count for r in now_rows}
    borough_before = {r.label: r.count for r in before_rows}
    # Outside Greater Manchester is the total less the figure within it, both published.
    for counts, summary in ((borough_now, totals), (borough_before, totals_before)):
        counts[selectors.OUTSIDE_GM] = summary["outside_gm"]
    grouping_rule = rule if judgement.applies("borough") else None
    boroughs = publication.group_small(
        [borough_now, borough_before],
        rule=grouping_rule,
        other_label="Other boroughs",
        always_shown=[selectors.OUTSIDE_GM],
    )
    trend = [
        {
            "area": label,
            "now": f"{now:,}",
            "before": f"{before:,}",
            "change": round((now - before) * 100 / before, 1) if before else None,
        }
        for label, (now, before) in boroughs.rows
    ]
    top = sorted(
        ((label, now) for label, (now, _) in boroughs.rows if label in codes and now),
        key=lambda item: -item[1],
    )[:3]

    # The map: each borough's own figure where it is published; the combined ones are grey
    # and say where their incidents are counted.
    combined = set(boroughs.combined)
    map_values = {
        code: None if label in combined else borough_now.get(label, 0)
        for label, code in codes.items()
    }
    display = {
        codes[label]: f"in \u201c{boroughs.other_label}\u201d"
        for label in combined
        if label in codes
    }
    gi = hotspots.borough_hotspots({codes[k]: v for k, v in borough_now.items() if k in codes})

    breakdowns = {}
    for name, other in (("kind", "Other kinds"), ("source", "Other sources")):
        counts = {r.label: r.count for r in selectors.counts_by(period, name)}
        grouped = publication.group_small(
            [counts],
            rule=rule if judgement.applies(name) else None,
            other_label=other,
        )
        breakdowns[selectors.DIMENSIONS[name].label] = grouped

    series = _series(period, judgement)
    series_svg = None
    if series["points"]:
        series_svg = charts.time_series_svg(
            series["points"],
            title=f"Incidents by {series['time_by']}, {period}",
            previous=series["previous"],
            x_label=series["time_by"].capitalize(),
            y_label="Incidents",
        )
    return {
        "period": period,
        "judgement": judgement,
        "totals": totals,
        "totals_before": totals_before,
        "top": top,
        "trend": trend,
        "boroughs": boroughs,
        "map_svg": maps.choropleth_svg(
            map_values,
            title=f"Incidents by borough, {period}",
            hotspots=gi,
            display=display,
            value_label="Incidents",
            small_count_threshold=None,
            no_data_label=f"In \u201c{boroughs.other_label}\u201d",
        ),
        "hotspots": gi,
        "breakdowns": breakdowns,
        "series_svg": series_svg,
        "series_note": series["note"],
        "time_by": series["time_by"],
        "sections": render_panels("board_report_section", period),
    }


def board_report_pdf(
    period: Period, judgement: publication.Judgement | None = None, *, user=None
) -> bytes:
    """The PDF; ``user`` is who printed it (None from the command line: "Printed by Drachma")."""
    return render_pdf(
        "statistics/board_report_pdf.html", board_report_context(period, judgement), user=user
    )
