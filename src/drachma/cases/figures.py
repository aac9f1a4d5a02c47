"""Case figures as published: counts by stage, result and collapse reason, and publications
found during active proceedings, each table through the force's small-number rule
(``core.smallnumbers``), so that the analyst's page and the API never show a count that
could point at a defendant."""

from __future__ import annotations

from typing import Any

from drachma.cases import outcomes, selectors
from drachma.cases.models import CollapseReason, Result, Stage
from drachma.core.smallnumbers import suppress_1d


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
