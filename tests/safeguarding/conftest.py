"""Fixtures for safeguarding: officers in a team with a supervisor, incidents with people whose
vulnerability flags the grading rules read, and assessments made through the service."""

import pytest

from tests.factories import ago, involve, make_incident

FACTORS = ["threat", "harm", "risk", "investigation", "vulnerability", "engagement"]


def scores(**given) -> dict:
    base = dict.fromkeys(FACTORS, 1)
    base.update(given)
    return base


def rationales(**given) -> dict:
    base = {f: f"Rationale for {f}." for f in FACTORS}
    base.update(given)
    return base


# The team: an officer whose supervisor is the sergeant (tests/safeguarding/test_escalation.py
# adds the inspector above them).
@pytest.fixture
def sergeant(make_user):
    return make_user("supervisor", username="sergeant")


@pytest.fixture
def officer(make_user, sergeant):
    return make_user("safeguarding_officer", username="officer", supervisor=sergeant)


@pytest.fixture
def recent_incident(db, make_user):
    """``recent_incident(hours_ago=3, live=False, people=[(role, flags)], ...)``: an incident
    recorded by an analyst, with a new person in each role (their vulnerability flags given)."""
    recorder = make_user("analyst")

    def make(*, hours_ago: float = 3, live: bool = False, people=(), **fields):
        if live:
            fields.update(live_streamed=True, stream_platform="facebook")
        incident = make_incident(recorder, occurred_at=ago(hours=hours_ago), **fields)
        for role, flags in people:
            involve(incident, role, given_names="Test", family_name=role.title(), **flags)
        return incident

    return make


@pytest.fixture
def assess(officer):
    from drachma.safeguarding import services

    def make(incident, user=None, plan=True, **kwargs):
        kwargs.setdefault("scores", scores(threat=2, harm=2, risk=2))
        kwargs.setdefault("rationales", rationales())
        return services.record_assessment(
            incident=incident, user=user or officer, plan=plan, **kwargs
        )

    return make


# What completing an action needs besides what was done (services.complete_action).
OUTCOME = {"seen": "The subject, at home.", "result": "safe", "minutes": 30}
