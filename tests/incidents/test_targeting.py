"""Targeting of vulnerable people: a group confronting someone already flagged vulnerable
(learning disability, mental ill health, under 18) or the wrong person raises the incident for
urgent review and tells the supervisors, once for each reason."""

import datetime

import pytest

from drachma.core.models import Notification
from drachma.incidents.services import add_person
from drachma.people.services import create_person, update_person
from tests.factories import make_incident

pytestmark = pytest.mark.django_db


def urgent(incident):
    incident.refresh_from_db()
    return incident.urgent_review_at, incident.urgent_review_reason


def told(supervisor):
    return list(
        Notification.objects.filter(recipient=supervisor, subject__startswith="URGENT review")
    )


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        ({"flag_learning_disability": True}, "learning disability"),
        ({"flag_mental_ill_health": True}, "mental ill health"),
        ({"date_of_birth": datetime.date.today() - datetime.timedelta(days=16 * 365)}, "under 18"),
    ],
)
def test_confronting_someone_flagged_vulnerable_raises_the_incident(
    analyst, supervisor, flags, words
):
    incident = make_incident(analyst)
    person = create_person(given_names="Sam", family_name="Reed", **flags)
    add_person(incident, person=person, role="subject")
    at, reason = urgent(incident)
    assert at is not None and words in reason
    [note] = told(supervisor)
    assert incident.reference in note.subject and "Reed" not in note.body


def test_an_adult_without_flags_raises_nothing(analyst, supervisor):
    incident = make_incident(analyst)
    person = create_person(
        given_names="Sam", family_name="Reed", date_of_birth=datetime.date(1980, 1, 1)
    )
    add_person(incident, person=person, role="subject")
    assert urgent(incident) == (None, "")
    assert told(supervisor) == []


def test_the_wrong_person_confronted_is_mistaken_identity(analyst, supervisor):
    incident = make_incident(analyst)
    named = create_person(given_names="Dave", family_name="Kerr")
    confronted = create_person(given_names="David", family_name="Kerr")
    add_person(incident, person=named, role="named_target")
    assert urgent(incident) == (None, "")
    add_person(incident, person=confronted, role="subject")
    at, reason = urgent(incident)
    assert "Mistaken identity" in reason and "Dave Kerr" in reason
    assert len(told(supervisor)) == 1


def test_a_flag_recorded_later_raises_the_incident_once(analyst, supervisor):
    incident = make_incident(analyst)
    person = create_person(given_names="Sam", family_name="Reed")
    add_person(incident, person=person, role="subject")
    assert urgent(incident)[0] is None
    update_person(person, flag_mental_ill_health=True)
    assert "mental ill health" in urgent(incident)[1]
    update_person(person, notes="Seen at home.")  # nothing new: nobody is told again
    assert len(told(supervisor)) == 1


def test_the_incident_page_shows_the_urgent_review(client_as, analyst):
    incident = make_incident(analyst)
    person = create_person(given_names="Sam", family_name="Reed", flag_learning_disability=True)
    add_person(incident, person=person, role="subject")
    page = client_as("investigator").get(f"/incidents/{incident.reference}/")
    assert b"Raised for urgent review" in page.content and b"learning disability" in page.content
    hidden = client_as("analyst").get(f"/incidents/{incident.reference}/")
    assert b"Raised for urgent review" in hidden.content and b"Reed" not in hidden.content
