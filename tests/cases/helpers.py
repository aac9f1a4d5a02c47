"""Cases made through the services, for the cases tests."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from drachma.cases import services
from drachma.incidents.services import add_person
from drachma.people.services import create_person
from tests.factories import ago, make_incident


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def make_case(oic, disclosure, *, urn: str = "06AB1234526", incident=None, **fields: Any):
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
    person = create_person(given_names="Sam", family_name=family_name)
    add_person(case.incidents.first(), person=person, role="subject")
    return services.add_defendant(case, user=user, person=person, **fields)


def charged_defendant(case, user, *, charged_days_ago: int = 30, **fields: Any):
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
