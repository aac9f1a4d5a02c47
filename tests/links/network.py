"""A small network for the link chart's tests, made through the apps' services: two groups
sharing a member and a handle, a man confronted by both, footage, and two reports giving the
same phone number."""

from dataclasses import dataclass
from typing import Any

from drachma.groups import services as groups
from drachma.incidents import services as incidents
from drachma.incidents.models import PersonRole
from drachma.intake import services as intake
from drachma.people.services import create_person
from drachma.takedown import services as takedown
from tests.factories import ago, make_incident

PHONE = "07911 123456"
PHONE_E164 = "+447911123456"


@dataclass
class Network:
    a: Any
    b: Any
    c: Any
    first: Any
    second: Any
    old: Any
    subject: Any
    member: Any
    footage: Any
    reports: list


def build(user) -> Network:
    a = groups.save_group(
        name="Alpha Hunters",
        status="active",
        accounts=[{"platform": "facebook", "handle": "@shared_hunt", "url": ""}],
    )
    b = groups.save_group(
        name="Beta Watch",
        status="active",
        accounts=[{"platform": "tiktok", "handle": "@shared_hunt", "url": ""}],
    )
    c = groups.save_group(name='=HYPERLINK("http://x")', status="active")
    subject = create_person(given_names="Gary", family_name="Confronted")
    member = create_person(given_names="Mandy", family_name="Member")
    first = make_incident(user, groups={a}, occurred_at=ago(days=30))
    second = make_incident(user, groups={b}, occurred_at=ago(days=10))
    old = make_incident(user, groups={c}, occurred_at=ago(days=400))
    for incident in (first, second):
        incidents.add_person(incident, person=subject, role=PersonRole.SUBJECT)
        incidents.add_person(incident, person=member, role=PersonRole.GROUP_MEMBER)
    incidents.add_person(old, person=member, role=PersonRole.GROUP_MEMBER)
    footage = takedown.create_content_item(
        user=user,
        url="https://facebook.example.com/videos/1",
        platform="facebook",
        account="@shared_hunt",
        group=a,
        incident=first,
    )
    reports = [
        intake.submit_report(
            reporter_type="public",
            concern="confrontation_happened",
            text=f"Report {i}: a group confronted a man; call {PHONE}.",
            phones=[PHONE],
        )
        for i in range(2)
    ]
    intake.link_report(reports[0], user=user, incident=first)
    return Network(a, b, c, first, second, old, subject, member, footage, reports)
