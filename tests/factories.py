"""Shared helpers for tests: calling the JSON API, reading its errors, times, and records made
through the services (never by writing rows directly), so each test module says only what is
particular to it. Role users are fixtures in ``tests/conftest.py``."""

from __future__ import annotations

import datetime
import itertools
import json
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client
from django.utils import timezone

LONDON = ZoneInfo("Europe/London")
# Numbers for names and addresses that must differ from one record to the next.
_numbers = itertools.count(1)


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


def make_entry(user, *, state: str | None = None, **fields: Any):
    """An intelligence entry made by ``user`` through the service, graded 1AP; ``state`` puts it
    straight into that workflow state (``tests.workflows.put_in_state``) for a test's set-up."""
    from drachma.intelligence import services
    from tests.workflows import put_in_state

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
    entry = services.create_entry(user=user, **data)
    return put_in_state(entry, status=state) if state is not None else entry


def make_group(name: str | None = None, **fields: Any):
    """A group on the register through the service, active unless ``fields`` say otherwise."""
    from drachma.groups.services import save_group

    fields.setdefault("status", "active")
    return save_group(name=name or f"Group {next(_numbers)}", **fields)


def make_person(**fields: Any):
    """A person on the index through the service (``Test Person`` unless given)."""
    from drachma.people.services import create_person

    fields.setdefault("given_names", "Test")
    fields.setdefault("family_name", "Person")
    return create_person(**fields)


def involve(incident, role: str, **person: Any):
    """A new person (``make_person(**person)``) added to ``incident`` in ``role``; the person."""
    from drachma.incidents.services import add_person

    made = make_person(**person)
    add_person(incident, person=made, role=role)
    return made


def days_ago(n: int) -> datetime.date:
    """The local date ``n`` days back."""
    return timezone.localdate() - datetime.timedelta(days=n)


def make_case(oic, disclosure, *, urn: str = "06AB1234526", incident=None, **fields: Any):
    """A prosecution case through the service: ``oic`` the officer in case, ``disclosure`` the
    disclosure officer, on ``incident`` (a new one two months old unless given)."""
    from drachma.cases import services

    incident = incident or make_incident(oic, occurred_at=ago(days=60))
    return services.create_case(
        user=oic,
        urn=urn,
        officer_in_case=oic,
        disclosure_officer=disclosure,
        prosecutor_name=fields.pop("prosecutor_name", "A. Lawyer"),
        prosecutor_contact=fields.pop("prosecutor_contact", "a.lawyer@cps.gov.uk"),
        incidents=[incident],
        **fields,
    )


def make_defendant(case, user, *, family_name: str = "Subject", **fields: Any):
    """A defendant on ``case``: a new person, the subject of the case's first incident."""
    from drachma.cases import services

    person = involve(case.incidents.first(), "subject", given_names="Sam", family_name=family_name)
    return services.add_defendant(case, user=user, person=person, **fields)


def charged_defendant(case, user, *, charged_days_ago: int = 30, **fields: Any):
    """A defendant arrested and charged (with one s.15 charge) ``charged_days_ago`` days ago;
    the defendant and the charge."""
    from drachma.cases import services

    defendant = make_defendant(case, user, arrested_at=ago(days=charged_days_ago + 1), **fields)
    charge = services.add_charge(
        defendant,
        user=user,
        wording="Attempted to meet a child following sexual grooming",
        legislation="Sexual Offences Act 2003, s.15",
        ho_offence_code="022/07",
        charged_on=days_ago(charged_days_ago),
    )
    return defendant, charge
