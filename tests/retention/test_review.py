import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from drachma.incidents.models import PersonRole
from drachma.incidents.services import add_person, create_incident
from drachma.people.models import Person
from drachma.people.services import create_person
from drachma.retention.models import RetentionDecision
from drachma.retention.selectors import due_for_review
from drachma.retention.services import review_record

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _person(review_in_days: int) -> Person:
    return create_person(
        given_names="Ann",
        family_name="Lee",
        review_date=TODAY + datetime.timedelta(days=review_in_days),
    )


def test_due_for_review_lists_records_across_types_soonest_first():
    later, sooner, not_due = _person(5), _person(-3), _person(400)
    due = due_for_review(TODAY + datetime.timedelta(days=30))
    ids = [d.record.pk for d in due if d.kind == "people.person"]
    assert ids == [sooner.pk, later.pk]
    assert not_due.pk not in ids


def test_retain_sets_next_review_and_keeps_the_reason(supervisor):
    person = _person(-1)
    next_date = TODAY + datetime.timedelta(days=365)
    decision = review_record(
        person,
        outcome="retain",
        reason="Linked to open investigation",
        user=supervisor,
        next_review_date=next_date,
    )
    person.refresh_from_db()
    assert person.review_date == next_date
    assert decision.previous_review_date == TODAY - datetime.timedelta(days=1)
    assert decision.reason == "Linked to open investigation"


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (
            {
                "outcome": "retain",
                "reason": "",
                "next_review_date": TODAY + datetime.timedelta(days=10),
            },
            "reason",
        ),
        ({"outcome": "retain", "reason": "x", "next_review_date": None}, "next_review_date"),
        ({"outcome": "retain", "reason": "x", "next_review_date": TODAY}, "next_review_date"),
        (
            {
                "outcome": "retain",
                "reason": "x",
                "next_review_date": TODAY.replace(year=TODAY.year + 11),
            },
            "next_review_date",
        ),
        ({"outcome": "keep", "reason": "x"}, "outcome"),
    ],
)
def test_bad_review_is_refused_and_changes_nothing(supervisor, kwargs, field):
    person = _person(-1)
    with pytest.raises(ValidationError) as exc:
        review_record(person, user=supervisor, **kwargs)
    assert field in exc.value.message_dict
    person.refresh_from_db()
    assert person.review_date == TODAY - datetime.timedelta(days=1)
    assert not RetentionDecision.objects.exists()


def test_dispose_deletes_the_record(supervisor):
    person = _person(-1)
    review_record(person, outcome="dispose", reason="No longer necessary", user=supervisor)
    assert not Person.objects.filter(pk=person.pk).exists()
    assert RetentionDecision.objects.get().outcome == "dispose"


def test_dispose_of_a_record_others_depend_on_is_refused(supervisor):
    person = _person(-1)
    incident = create_incident(
        user=supervisor,
        occurred_at=timezone.now() - datetime.timedelta(days=3),
        source="group",
        kind="doorstep",
        summary="x",
        place="Preston",
    )
    add_person(incident, person=person, role=PersonRole.SUBJECT)
    with pytest.raises(ValidationError, match="depend on it"):
        review_record(person, outcome="dispose", reason="No longer necessary", user=supervisor)
    assert Person.objects.filter(pk=person.pk).exists()


def test_review_page_records_a_decision(client_as, supervisor):
    person = _person(-1)
    client = client_as(user=supervisor)
    assert person.full_name in client.get("/retention/").content.decode()
    response = client.post(
        f"/retention/people.person/{person.pk}/",
        {
            "outcome": "retain",
            "reason": "Still relevant",
            "next_review_date": (TODAY + datetime.timedelta(days=90)).isoformat(),
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.review_date == TODAY + datetime.timedelta(days=90)


def test_the_due_list_and_the_review_page_record_whom_they_showed(client_as, supervisor):
    from drachma.audit.models import AuditEntry

    due, not_due = _person(-2), _person(400)
    client = client_as(user=supervisor)
    before = AuditEntry.objects.filter(action="view").count()
    page = client.get("/retention/").content.decode()
    assert due.full_name in page
    listing = AuditEntry.objects.filter(action="view", model="people.person").latest("seq")
    assert str(due.pk) in listing.changes["ids"] and str(not_due.pk) not in listing.changes["ids"]
    assert listing.actor_id == supervisor.pk
    client.get(f"/retention/people.person/{due.pk}/")
    entry = AuditEntry.objects.filter(action="view").latest("seq")
    assert (entry.model, entry.object_id, entry.changes) == (
        "people.person",
        str(due.pk),
        {"fields": ["review"]},
    )
    assert AuditEntry.objects.filter(action="view").count() == before + 2
    # An unknown record or record type is a plain 404, and nothing is recorded.
    assert client.get("/retention/people.person/999999/").status_code == 404
    assert client.get("/retention/people.nothing/1/").status_code == 404
    assert client.get("/retention/people.person/not-a-number/").status_code == 404
    assert AuditEntry.objects.filter(action="view").count() == before + 2


def _counts():
    from drachma.statistics.models import MonthlyCount

    columns = ("month", "borough_id", "ward_id", "dimension", "value", "n")
    return sorted(MonthlyCount.objects.values_list(*columns))


def _in_step() -> bool:
    from drachma.statistics.rollup import rebuild

    incremental = _counts()
    rebuild()
    return incremental == _counts()


def test_disposing_of_incidents_and_groups_keeps_the_statistics_in_step(supervisor):
    from drachma.groups.models import Group
    from drachma.groups.services import save_group
    from drachma.incidents.models import Incident

    group = save_group(name="Disposed Watch", status="disbanded")
    incidents = [
        create_incident(
            user=supervisor,
            occurred_at=timezone.now() - datetime.timedelta(days=days),
            source="group",
            kind="doorstep",
            summary="x",
            place="Preston",
            groups=[group],
        )
        for days in (3, 40)
    ]
    review_record(incidents[0], outcome="dispose", reason="Past retention", user=supervisor)
    assert not Incident.objects.filter(pk=incidents[0].pk).exists()
    assert _in_step()
    review_record(group, outcome="dispose", reason="Past retention", user=supervisor)
    assert not Group.objects.filter(pk=group.pk).exists()
    assert list(Incident.objects.get(pk=incidents[1].pk).groups.all()) == []
    assert _in_step()
