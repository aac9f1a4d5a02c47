"""A planned confrontation: the reporter may give the date and time it is planned for, and the
incident it becomes happens then (ahead, perhaps), not when it was reported (issue 11)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from drachma.incidents.models import Incident
from drachma.intake import services

pytestmark = pytest.mark.django_db


def _ahead(days: int = 3) -> datetime.datetime:
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=18, minute=30, second=0, microsecond=0)


def test_the_planned_time_is_kept_for_a_planned_confrontation(make_report):
    planned = _ahead()
    report = make_report(
        concern="confrontation_planned",
        text="They will go to his house.",
        place="Bury",
        planned_at=planned.strftime("%Y-%m-%dT%H:%M"),
    )
    assert report.planned_at == planned
    assert report.unreadable == []


def test_a_planned_time_is_ignored_for_other_concerns(make_report):
    report = make_report(planned_at=_ahead().strftime("%Y-%m-%dT%H:%M"), place="Bury")
    assert report.planned_at is None


def test_an_unreadable_planned_time_is_kept_and_flagged(make_report):
    report = make_report(concern="confrontation_planned", place="Bury", planned_at="next Sat")
    assert report.planned_at is None
    [flag] = report.unreadable
    assert flag["field"] == "planned_at" and flag["value"] == "next Sat"


def test_converting_records_the_planned_time_not_the_time_of_the_report(make_report, supervisor):
    planned = _ahead()
    report = make_report(
        concern="confrontation_planned",
        text="They will go to his house.",
        place="Bury",
        planned_at=planned,
    )
    initial = services.incident_initial(report)
    assert initial["kind"] == "planned" and initial["occurred_at"] == planned
    assert initial["received_at"] == timezone.localtime(report.submitted_at)
    initial.pop("groups")
    incident = services.convert_report(report, user=supervisor, **initial)
    incident.refresh_from_db()
    assert incident.occurred_at == planned > incident.received_at
    assert incident.kind == "planned"


def test_only_a_planned_confrontation_may_happen_in_the_future(make_report, supervisor):
    report = make_report(place="Bury")
    fields = services.incident_initial(report)
    fields.pop("groups")
    fields["occurred_at"] = _ahead()
    with pytest.raises(ValidationError) as refused:
        services.convert_report(report, user=supervisor, **fields)
    assert refused.value.message_dict["occurred_at"] == ["This time is in the future."]
    assert not Incident.objects.exists()
    report.refresh_from_db()
    assert report.status == "new"


def test_the_convert_page_is_filled_in_with_the_planned_time(client_as, make_report):
    planned = _ahead()
    report = make_report(concern="confrontation_planned", place="Bury", planned_at=planned)
    client = client_as("supervisor")
    html = client.get(reverse("intake:convert", args=[report.reference])).content.decode()
    assert planned.strftime("%Y-%m-%dT%H:%M") in html
    response = client.post(
        reverse("intake:convert", args=[report.reference]),
        {
            "occurred_at": planned.strftime("%Y-%m-%dT%H:%M"),
            "received_at": timezone.localtime(report.submitted_at).strftime("%Y-%m-%dT%H:%M"),
            "source": "public",
            "kind": "planned",
            "summary": "Planned for the weekend.",
            "place": "Bury",
            "mopi_group": "4",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    incident = Incident.objects.get()
    assert incident.occurred_at == planned and incident.kind == "planned"


def test_the_public_page_asks_when_it_is_planned(client):
    html = client.get(reverse("intake:report")).content.decode()
    assert "If it is planned: when?" in html and 'type="datetime-local"' in html
