"""The exposure timeline and the welfare clock: each exposure event starts the welfare actions
of its row in welfare.WELFARE, due in Europe/London from the event's time; risk indicators
shorten the deadlines and raise the grade; bad input is refused with nothing written."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from drachma.audit.models import AuditEntry
from drachma.safeguarding import services, welfare
from drachma.safeguarding.models import ExposureEvent, SafeguardingAction
from drachma.safeguarding.models import ExposureKind as E
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(recent_incident, assess):
    incident = recent_incident(hours_ago=72, people=[("subject", {}), ("family", {})])
    assess(incident, plan=False)  # T, H, R medium: scheduled
    subject = incident.involvements.get(role="subject").person
    return incident, subject


def record(case, officer, kind, hours_ago, **extra):
    incident, subject = case
    return services.record_exposure(
        incident=incident,
        person=extra.pop("person", subject),
        user=officer,
        kind=kind,
        occurred_at=incident.occurred_at + datetime.timedelta(hours=72 - hours_ago),
        **extra,
    )


@pytest.mark.parametrize("kind", list(welfare.WELFARE))
def test_each_event_starts_the_actions_of_its_row(case, officer, kind):
    event = record(case, officer, kind, hours_ago=2)
    rules = welfare.WELFARE[kind]
    actions = list(event.actions.order_by("welfare_rule"))
    assert [a.kind for a in actions] == [r.kind for r in rules]
    for index, (action, rule) in enumerate(zip(actions, rules, strict=True)):
        assert action.welfare_rule == f"{kind}:{index}"
        assert action.due_at == rule.due(event.occurred_at, at_risk=False)
        assert action.grade == "scheduled" and action.owner == officer
        assert action.person == case[1] and action.status == "open"
        assert rule.what in action.description
        assert action.events.get().transition == "plan"
    assert AuditEntry.objects.filter(
        action="decision", model="safeguarding.exposureevent", object_id=str(event.pk)
    ).exists()


def test_release_starts_a_welfare_check_within_24_wall_clock_hours(case, officer):
    event = record(case, officer, E.RELEASED_NFA, hours_ago=1)
    check = event.actions.get(kind="welfare_check")
    # +24 h wall-clock in December (GMT): the same reading a day later.
    assert check.due_at - event.occurred_at == datetime.timedelta(hours=24)
    referral = event.actions.get(kind="liaison_diversion")
    local = referral.due_at.astimezone(datetime.UTC)
    assert local.hour == 17 and local.weekday() < 5  # the next working day, 17:00 London


def test_each_new_publication_starts_another_check(case, officer):
    first = record(case, officer, E.PUBLICATION, hours_ago=30, detail="Facebook page")
    second = record(case, officer, E.PUBLICATION, hours_ago=3, detail="Re-upload on YouTube")
    checks = SafeguardingAction.objects.filter(kind="welfare_check", exposure__in=[first, second])
    assert checks.count() == 2


@pytest.mark.parametrize(
    "indicator",
    [
        {"flag_self_harm": True},
        {"flag_learning_disability": True},
        {"flag_mental_ill_health": True},
        {"flag_children_in_household": True},
        "threats_received",
        "loss_of_job_or_home",
    ],
)
def test_a_risk_indicator_raises_the_priority(case, officer, indicator):
    incident, subject = case
    if isinstance(indicator, dict):
        for field, value in indicator.items():
            setattr(subject, field, value)
        subject.save()
        event = record(case, officer, E.RELEASED_ON_BAIL, hours_ago=1)
    else:
        event = record(case, officer, E.RELEASED_ON_BAIL, hours_ago=1, **{indicator: True})
    check = event.actions.get(kind="welfare_check")
    assert check.grade == "priority"  # the incident is scheduled; the indicator raises it
    assert check.due_at - event.occurred_at == datetime.timedelta(hours=4)
    assert "risk:" in check.description
    # An indicator recorded on the timeline keeps counting for later events.
    later = record(case, officer, E.PUBLICATION, hours_ago=0)
    assert later.actions.get().grade == "priority"


def test_an_exposure_event_before_the_incident_is_refused_and_nothing_written(case, officer):
    incident, subject = case
    with pytest.raises(ValidationError) as err:
        services.record_exposure(
            incident=incident,
            person=subject,
            user=officer,
            kind=E.ARREST,
            occurred_at=incident.occurred_at - datetime.timedelta(minutes=1),
        )
    assert list(err.value.message_dict) == ["occurred_at"]
    assert err.value.message_dict["occurred_at"][0].startswith(
        "An exposure event cannot be before the incident"
    )
    assert not ExposureEvent.objects.exists() and not SafeguardingAction.objects.exists()


def test_other_bad_input_is_refused_by_name(case, officer, recent_incident, make_user):
    incident, subject = case
    stranger = recent_incident(people=[("subject", {})]).involvements.get().person
    with pytest.raises(ValidationError) as err:
        services.record_exposure(
            incident=incident, person=stranger, user=officer, kind="doxxed", occurred_at=None
        )
    assert set(err.value.message_dict) == {"person", "kind", "occurred_at"}
    unassessed = recent_incident(people=[("subject", {})])
    with pytest.raises(ValidationError, match="Assess the incident"):
        services.record_exposure(
            incident=unassessed,
            person=unassessed.involvements.get().person,
            user=officer,
            kind=E.ARREST,
            occurred_at=unassessed.occurred_at,
        )
    with pytest.raises(ValidationError, match="cannot be in the future"):
        record(case, officer, E.ARREST, hours_ago=-5)
    assert not ExposureEvent.objects.exists() and not SafeguardingAction.objects.exists()


def test_the_table_is_configurable_and_checked(settings, case, officer):
    settings.DRACHMA_SAFEGUARDING_WELFARE = {
        "released_nfa": [["welfare_check", "Welfare check after release", "+12h", "2h"]],
        "arrest": [],
    }
    event = record(case, officer, E.RELEASED_NFA, hours_ago=1)
    assert [a.kind for a in event.actions.all()] == ["welfare_check"]
    assert event.actions.get().due_at - event.occurred_at == datetime.timedelta(hours=12)
    assert not record(case, officer, E.ARREST, hours_ago=1).actions.exists()
    settings.DRACHMA_SAFEGUARDING_WELFARE = {"doorstep": []}
    with pytest.raises(ImproperlyConfigured, match="unknown exposure event 'doorstep'"):
        welfare.table()
    settings.DRACHMA_SAFEGUARDING_WELFARE = {"arrest": [["welfare_check", "x", "soon", "1h"]]}
    with pytest.raises(ImproperlyConfigured, match="cannot read the deadline 'soon'"):
        welfare.table()
    settings.DRACHMA_SAFEGUARDING_WELFARE = {"arrest": [["hug", "x", "1h", "1h"]]}
    with pytest.raises(ImproperlyConfigured, match="unknown action type 'hug'"):
        welfare.table()


# --- pages --------------------------------------------------------------------------------


def test_recording_an_exposure_event_from_its_page_and_the_persons_timeline(
    client, case, officer, sergeant, make_user
):
    from django.urls import reverse
    from django.utils import timezone

    from tests.conftest import sign_in

    incident, subject = case
    sign_in(client, officer)
    url = reverse("safeguarding:exposure_add", args=[incident.reference])
    page = client.get(f"{url}?person={subject.pk}").content.decode()
    assert "Record an exposure event" in page and "Welfare check within 24 hours of release" in page
    # Before the incident: refused beside the field, nothing written.
    early = timezone.localtime(incident.occurred_at - datetime.timedelta(hours=1))
    refused = client.post(
        url,
        {"person": subject.pk, "kind": "arrest", "occurred_at": early.strftime("%Y-%m-%dT%H:%M")},
    )
    assert refused.status_code == 200
    assert "An exposure event cannot be before the incident" in refused.content.decode()
    assert not ExposureEvent.objects.exists()
    when = timezone.localtime(incident.occurred_at + datetime.timedelta(hours=5))
    done = client.post(
        url,
        {
            "person": subject.pk,
            "kind": "released_nfa",
            "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
            "threats_received": "on",
        },
        follow=True,
    )
    text = done.content.decode()
    assert "Released with no further action recorded for" in text
    assert "3 welfare actions started" in text
    assert 'data-testid="exposure-timeline"' in text
    assert "Risk indicators:" in text and "threats received" in text
    assert "Referral to liaison and diversion" in text and "Information for the family" in text
    event = ExposureEvent.objects.get()
    check = event.actions.get(kind="welfare_check")
    assert check.grade == "priority"

    # An investigator reads the timeline but may not record.
    investigator = make_user("investigator")
    sign_in(client, investigator)
    person_page = client.get(reverse("people:detail", args=[subject.pk])).content.decode()
    assert 'data-testid="exposure-timeline"' in person_page
    assert "Record an exposure event" not in person_page
    assert client.get(url).status_code == 404
    # An analyst sees no timeline at all.
    analyst = make_user("analyst")
    sign_in(client, analyst)
    assert (
        'data-testid="exposure-timeline"'
        not in client.get(reverse("people:detail", args=[subject.pk])).content.decode()
    )


# --- API ----------------------------------------------------------------------------------


def test_recording_exposure_through_the_api(client, case, officer):
    incident, subject = case
    sign_in(client, officer)
    body = {
        "incident": incident.reference,
        "person": subject.pk,
        "kind": "publication",
        "occurred_at": (incident.occurred_at + datetime.timedelta(hours=5)).isoformat(),
        "detail": "Re-upload found.",
    }
    r = client.post("/api/safeguarding/exposure", body, content_type="application/json")
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["person"] == subject.pk and out["kind"] == "publication"
    assert [a["kind"] for a in out["actions"]] == ["welfare_check"]
    assert out["actions"][0]["welfare_rule"] == "publication:0"
    early = {
        **body,
        "occurred_at": (incident.occurred_at - datetime.timedelta(hours=1)).isoformat(),
    }
    r = client.post("/api/safeguarding/exposure", early, content_type="application/json")
    assert r.status_code == 422
    assert "occurred_at" in {e["field"] for e in r.json()["errors"]}
    r = client.post(
        "/api/safeguarding/exposure", {**body, "person": 999999}, content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "person"
    assert ExposureEvent.objects.count() == 1
