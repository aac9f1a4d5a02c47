"""Case figures as published: counts by stage, result and collapse reason, and publications
found during active proceedings, each table through the force's small-number rule
(``core.smallnumbers``), so that the analyst's page and the API never show a count that
could point at a defendant."""

from __future__ import annotations

import datetime
import statistics
from typing import Any

from django.template.loader import render_to_string

from drachma.cases import outcomes, selectors
from drachma.cases.models import CollapseReason, Result, Stage
from drachma.core.smallnumbers import DEFAULT_RULE, suppress_1d


def _table(pairs: list[tuple[str, int]]):
    if not sum(v for _, v in pairs):
        return None
    return suppress_1d(pairs)


def published() -> dict[str, Any]:
    raw = selectors.figures()
    return {
        "stages": _table([(Stage(k).label, v) for k, v in raw["stages"].items()]),
        "results": _table([(r.label, raw["results"].get(r.value, 0)) for r in Result]),
        "collapse_reasons": _table(
            [(CollapseReason(k).label, v) for k, v in raw["collapse_reasons"].items()]
        ),
        "incident_outcomes": _table(
            [
                (str(t), raw["incident_outcomes"].get(t.code, 0))
                for t in outcomes.without_charge()
                if raw["incident_outcomes"].get(t.code, 0)
            ]
        ),
        "publications": _table(
            [("Found during active proceedings", raw["publications_during_proceedings"])]
        ),
        "outcome_source": outcomes.source(),
    }


def as_json() -> dict[str, Any]:
    tables = published()
    return {
        name: (table.as_dict() if table is not None else None)
        for name, table in tables.items()
        if name != "outcome_source"
    }


def _median(days: list[int]) -> dict[str, Any]:
    """A median of day counts with how many it rests on; withheld (None) when it rests on
    fewer than the rule's threshold, so that it cannot describe one defendant's case."""
    threshold = DEFAULT_RULE.threshold
    if len(days) < threshold:
        return {"median_days": None, "withheld": bool(days), "count": _count_cell(len(days))}
    return {
        "median_days": float(statistics.median(days)),
        "withheld": False,
        "count": _count_cell(len(days)),
    }


def _count_cell(value: int):
    return suppress_1d([("Count", value)]).total


def for_period(start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """A period's case figures as published (the statistics pages, the board report and the
    API): every count through the small-number rule, each median only where it rests on at
    least the threshold's cases."""
    raw = selectors.period_figures(start, end)
    charged = [
        ("Cases charged", raw["cases_charged"]),
        ("Defendants charged", raw["defendants_charged"]),
    ]
    return {
        "start": start,
        "end": end,
        "charged": None
        if not raw["defendants_charged"]
        else {label: _count_cell(value) for label, value in charged},
        "results": _table([(r.label, raw["results"][r.value]) for r in Result]),
        "collapse_reasons": _table(
            [(CollapseReason(k).label, v) for k, v in raw["collapse_reasons"].items()]
        ),
        "publications": _table(
            [("Found during active proceedings", raw["publications_during_proceedings"])]
        ),
        "to_charge": _median(raw["days_to_charge"]),
        "to_result": _median(raw["days_to_result"]),
        "footnote": DEFAULT_RULE.footnote,
    }


def for_period_json(start: datetime.date, end: datetime.date) -> dict[str, Any]:
    figures = for_period(start, end)
    return {
        "start": start,
        "end": end,
        "charged": None
        if figures["charged"] is None
        else {label: cell.as_dict() for label, cell in figures["charged"].items()},
        **{
            name: (figures[name].as_dict() if figures[name] is not None else None)
            for name in ("results", "collapse_reasons", "publications")
        },
        **{
            name: {**figures[name], "count": figures[name]["count"].as_dict()}
            for name in ("to_charge", "to_result")
        },
        "footnote": figures["footnote"],
    }


def section_html(start: datetime.date, end: datetime.date, *, govuk: bool = False) -> str:
    """The period's case figures as an HTML section: plain for the board report's PDF,
    ``govuk`` for the statistics page."""
    figures = for_period(start, end)
    context = {
        "figures": figures,
        "govuk": govuk,
        "threshold": DEFAULT_RULE.threshold,
        "tables": [
            (figures["results"], "Result"),
            (figures["collapse_reasons"], "Ended without a verdict"),
            (figures["publications"], "Publications"),
        ],
        "medians": [
            ("From incident to charge", figures["to_charge"]),
            ("From incident to result", figures["to_result"]),
        ],
    }
    return render_to_string("cases/period_figures.html", context)
