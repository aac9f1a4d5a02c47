"""The cases tests use takedown's footage fixtures for the publication monitor."""

from tests.takedown.conftest import make_item  # noqa: F401
