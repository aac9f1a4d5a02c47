"""The national and force systems "already known?" also asks: the Police National Database
(PND), the force's records system. Each is a backend named in ``DRACHMA_KNOWN_LOOKUPS`` (dotted
paths to classes with the ``Lookup`` shape); the development settings and the tests use
``FakeLookup``, which answers from a small table, so nothing leaves the machine.

A real backend reaches its system through the force's gateway and must answer within its
``timeout``; a failure is reported beside the answer ("the PND did not answer"), never raised:
a check is a help, not a reason to lose what was being recorded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExternalHit:
    system: str  # "Police National Database"
    reference: str  # the record's reference there
    summary: str  # what the system says it holds, in words
    contact: str  # whom to ask for it


class Lookup(Protocol):
    name: str

    def lookup(self, kind: str, value: str) -> list[ExternalHit]:
        """Records of ``value`` (already in its one spelling) of ``kind`` in the system."""
        ...


class FakeLookup:
    """A stand-in for the PND and the force records system, for tests and the demo."""

    name = "Police National Database (test double)"
    RECORDS = {
        ("phone", "+447911123456"): ("PND-0001234", "Nominal record: 2 intelligence reports"),
        ("email", "known.person@example.com"): ("PND-0005678", "Nominal record: 1 custody"),
        ("handle", "decoy_hunter_99"): ("NICHE-77812", "Force records: named in 1 occurrence"),
    }

    def lookup(self, kind: str, value: str) -> list[ExternalHit]:
        found = self.RECORDS.get((kind, value))
        if not found:
            return []
        reference, summary = found
        return [ExternalHit(self.name, reference, summary, "the force intelligence bureau")]


def backends() -> list[Lookup]:
    return [import_string(path)() for path in getattr(settings, "DRACHMA_KNOWN_LOOKUPS", [])]


def ask_all(kind: str, value: str) -> tuple[list[ExternalHit], list[str]]:
    """(hits, problems): every configured system asked; one that fails is named, not raised."""
    hits: list[ExternalHit] = []
    problems: list[str] = []
    for backend in backends():
        try:
            hits += backend.lookup(kind, value)
        except Exception:  # a remote system failing must not cost the check
            logger.exception("Lookup %s failed", backend.name)
            problems.append(f"{backend.name} did not answer.")
    return hits, problems
