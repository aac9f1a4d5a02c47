"""Fixtures for safeguarding: officers in a team with a supervisor, incidents with people whose
vulnerability flags the grading rules read, and assessments made through the service."""

import datetime

import pytest
from django.utils import timezone

from drachma.incidents.services import add_person, create_incident
from drachma.people.services import create_person

FACTORS = ["threat", "harm", "risk", "investigation", "vulnerability", "engagement"]


def scores(**given) -> dict:
    base = dict.fromkeys(FACTORS, 1)
    base.update(given)
    return base


def rationales(**given) -> dict:
    base = {f: f"Rationale for {f}." for f in FACTORS}
    base.update(given)
    return base


@pytest.fixture
def supervisor(make_user):
    return make_user("supervisor", username="sergeant")


@pytest.fixture
def officer(make_user, supervisor):
    return make_user("safeguarding_officer", username="officer", supervisor=supervisor)


@pytest.fixture
def make_incident(db, make_user):
    recorder = make_user("analyst")

    def make(
        *,
        hours_ago: float = 3,
        live: bool = False,
        kind: str = "doorstep",
        people=(),
        borough=None,
        **fields,
    ):
        occurred = timezone.now() - datetime.timedelta(hours=hours_ago)
        extra = {"live_streamed": True, "stream_platform": "facebook"} if live else {}
        if borough is None and "ward" not in fields:
            fields.setdefault("place", "Preston")
        incident = create_incident(
            user=recorder,
            occurred_at=occurred,
            received_at=occurred,
            source="group",
            kind=kind,
            summary="Test incident.",
            borough=borough,
            **extra,
            **fields,
        )
        for role, flags in people:
            person = create_person(given_names="Test", family_name=role.title(), **flags)
            add_person(incident, person=person, role=role)
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
