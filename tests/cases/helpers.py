"""The cases makers live in tests/factories.py with the others; kept importable from here."""

from tests.factories import charged_defendant, days_ago, make_case, make_defendant

__all__ = ["charged_defendant", "days_ago", "make_case", "make_defendant"]
