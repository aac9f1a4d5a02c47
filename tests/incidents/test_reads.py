"""Reads of an incident and of the people in it: page and API record the same views, and a
person seen through an incident is recorded against the person with the fields shown."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from drachma.audit.models import AuditEntry
from drachma.incidents import services
from drachma.incidents.models import IncidentKind, IncidentSource, PersonRole
from drachma.people.services import create_person
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _incident(user):
    incident = services.create_incident(
        user=user,
        occurred_at=timezone.now() - datetime.timedelta(days=1),
        source=IncidentSource.GROUP,
        kind=IncidentKind.DOORSTEP,
        summary="A confrontation outside a shop.",
        place="Preston",
    )
    subject = create_person(given_names="Dale", family_name="Entwistle")
    member = create_person(given_names="Kerry", family_name="Marsh")
    one = services.add_person(incident, person=subject, role=PersonRole.SUBJECT, user=user)
    two = services.add_person(incident, person=member, role=PersonRole.GROUP_MEMBER, user=user)
    services.link_cases(incident, suspect=one, group_member=two, note="", user=user)
    return incident, subject, member


def _views_since(seq: int) -> list[tuple[str, str, dict]]:
    return [
        (e.model, e.object_id, e.changes)
        for e in AuditEntry.objects.filter(action="view", seq__gt=seq).order_by("seq")
    ]


def _last_seq() -> int:
    last = AuditEntry.objects.order_by("-seq").first()
    return last.seq if last else 0


def test_people_seen_on_an_incident_page_are_recorded_against_each_person(make_user):
    officer = make_user("investigator")
    incident, subject, member = _incident(officer)
    client = sign_in(Client(), officer)
    start = _last_seq()
    response = client.get(reverse("incidents:detail", args=[incident.reference]))
    assert response.status_code == 200
    views = _views_since(start)
    shown = {"fields": ["full_name", "notes", "role", "vulnerabilities"], "via": incident.reference}
    assert ("people.person", str(subject.pk), shown) in views
    assert ("people.person", str(member.pk), shown) in views
    linked = {"fields": ["full_name", "role"], "via": incident.reference}
    assert ("people.person", str(subject.pk), linked) in views
    assert ("incidents.incident", str(incident.pk), {}) in views


def test_the_page_and_the_api_record_the_same_views_of_the_people(make_user):
    officer = make_user("safeguarding_officer")
    incident, subject, member = _incident(officer)
    client = sign_in(Client(), officer)
    start = _last_seq()
    client.get(reverse("incidents:detail", args=[incident.reference]))
    page = [v for v in _views_since(start) if v[0] == "people.person"]
    start = _last_seq()
    response = client.get(f"/api/incidents/incidents/{incident.reference}/people")
    assert response.status_code == 200
    api = [v for v in _views_since(start) if v[0] == "people.person"]
    # A safeguarding officer does not see linked cases: the page shows the people list only.
    assert page == api and len(api) == 2
    # The API shows what the page shows of each person, vulnerabilities included.
    assert {"person_name", "vulnerabilities", "role", "notes"} <= set(response.json()[0])
    start = _last_seq()
    client.get(f"/api/incidents/incidents/{incident.reference}")
    assert _views_since(start) == [("incidents.incident", str(incident.pk), {})]


def test_an_analyst_sees_no_one_and_no_person_view_is_recorded(make_user):
    analyst = make_user("analyst")
    incident, _subject, _member = _incident(make_user("investigator"))
    client = sign_in(Client(), analyst)
    start = _last_seq()
    response = client.get(reverse("incidents:detail", args=[incident.reference]))
    assert "Entwistle" not in response.content.decode()
    assert [v for v in _views_since(start) if v[0] == "people.person"] == []
    assert ("incidents.incident", str(incident.pk), {}) in _views_since(start)
