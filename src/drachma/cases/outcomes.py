"""The Home Office crime outcomes framework, read from ``data/crime_outcomes.json``.

An incident that ends without a charge carries one of the published outcome types; the list
is data with its source named (``SOURCE``), never a list made up here. Outcome 1 is a charge:
an incident that was charged is a case, so outcome 1 is not offered for "ended without a
charge".
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "crime_outcomes.json"


@dataclass(frozen=True)
class OutcomeType:
    code: str
    label: str
    charge: bool = False

    def __str__(self) -> str:
        return f"Outcome {self.code}: {self.label}"


@functools.cache
def _load() -> tuple[str, str, tuple[OutcomeType, ...]]:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    types = tuple(
        OutcomeType(code=str(o["code"]), label=o["label"], charge=bool(o.get("charge")))
        for o in raw["outcomes"]
    )
    return raw["source"], raw["url"], types


def source() -> str:
    return _load()[0]


def source_url() -> str:
    return _load()[1]


def all_types() -> tuple[OutcomeType, ...]:
    return _load()[2]


def by_code(code: str) -> OutcomeType | None:
    return next((t for t in all_types() if t.code == str(code).strip()), None)


def without_charge() -> list[OutcomeType]:
    """The outcomes an incident may end with when nobody was charged."""
    return [t for t in all_types() if not t.charge]


def choices() -> list[tuple[str, str]]:
    return [(t.code, str(t)) for t in without_charge()]
