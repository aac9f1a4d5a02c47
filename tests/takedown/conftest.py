"""Fixtures for takedown: users, footage made through the services, and a fresh index per test."""

import pytest


@pytest.fixture(autouse=True)
def _fresh_index():
    """The index is process-wide; each test's database starts empty, so must the index."""
    import sys

    index = sys.modules.get("drachma.takedown.index")
    if index is not None:
        index.footage_index.reset()
    yield
    index = sys.modules.get("drachma.takedown.index")
    if index is not None:
        index.footage_index.reset()


@pytest.fixture
def investigator(make_user):
    return make_user("investigator")


@pytest.fixture
def supervisor(make_user):
    return make_user("supervisor")


@pytest.fixture
def make_item(db, investigator):
    """``make_item(platform=..., file=...)``: a content item through the service."""
    from drachma.takedown import services

    counter = {"n": 0}

    def make(**fields):
        counter["n"] += 1
        defaults = {
            "url": f"https://video.example/watch?v={counter['n']}",
            "platform": "youtube",
            "user": investigator,
        }
        defaults.update(fields)
        return services.create_content_item(**defaults)

    return make
