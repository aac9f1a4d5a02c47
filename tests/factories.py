"""Shared helpers for tests: calling the JSON API, reading its errors, times, and records made
through the services (never by writing rows directly), so each test module says only what is
particular to it. Role users are fixtures in ``tests/conftest.py``."""

from __future__ import annotations

import datetime
import json
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client
from django.utils import timezone

LONDON = ZoneInfo("Europe/London")


def send(client: Client, method: str, url: str, payload: Any, **headers: Any):
    """A JSON request (``send(client, "POST", "/api/...", {...})``)."""
    return client.generic(
        method, url, data=json.dumps(payload), content_type="application/json", **headers
    )


def field_of(response) -> list[str]:
    """The fields an API refusal names, in order."""
    return [e["field"] for e in response.json()["errors"]]


def ago(days: float = 0, hours: float = 0) -> datetime.datetime:
    """An aware time that far in the past."""
    return timezone.now() - datetime.timedelta(days=days, hours=hours)


def at(y: int, m: int, d: int, h: int = 20, minute: int = 0) -> datetime.datetime:
    """A UK wall-clock time, aware (8 pm unless given)."""
    return datetime.datetime(y, m, d, h, minute, tzinfo=LONDON)


def make_incident(user, **fields: Any):
    """An incident made by ``user`` through the service: a doorstep confrontation reported by a
    group yesterday in Preston, unless ``fields`` say otherwise."""
    from drachma.incidents.services import create_incident

    occurred = fields.pop("occurred_at", ago(days=1))
    data: dict[str, Any] = {
        "occurred_at": occurred,
        "received_at": fields.pop("received_at", occurred),
        "source": "group",
        "kind": "doorstep",
        "summary": "Test incident.",
    }
    data.update(fields)
    if not any(data.get(k) for k in ("borough", "ward", "place")):
        data["place"] = "Preston"
    return create_incident(user=user, **data)


def make_entry(user, **fields: Any):
    """An intelligence entry made by ``user`` through the service, graded 1AP."""
    from drachma.intelligence import services

    data: dict[str, Any] = {
        "learned_at": ago(days=1),
        "source_type": "officer",
        "source_evaluation": "1",
        "intelligence_assessment": "A",
        "handling_code": "P",
        "text": "Seen outside.",
        "sanitised_text": "Seen.",
    }
    data.update(fields)
    return services.create_entry(user=user, **data)
