"""The incident form: create and edit, with each error beside its field and nothing saved."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from drachma.areas.models import Borough, Ward
from drachma.audit.models import AuditEntry
from drachma.core.models import ReferenceCounter
from drachma.groups.services import save_group
from drachma.incidents.models import Incident
from drachma.incidents.services import create_incident

pytestmark = pytest.mark.django_db
CREATE = reverse("incidents:create")


def local(dt: datetime.datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def good(**overrides) -> dict:
    now = timezone.now()
    data = {
        "occurred_at": local(now - datetime.timedelta(days=1)),
        "received_at": local(now - datetime.timedelta(hours=20)),
        "source": "public",
        "kind": "doorstep",
        "summary": "Men filmed a confrontation at a house.",
        "borough": "",
        "ward": "",
        "place": "Mill Lane",
        "latitude": "",
        "longitude": "",
        "live_streamed": "",
        "stream_platform": "",
        "stream_url": "",
        "police_attended": "on",
        "outcome": "",
        "mopi_group": "3",
        "review_date": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def error_beside(html: str, field: str, message: str) -> bool:
    """The message is in the error list that follows the field's own input, inside its block."""
    block = re.search(
        (
            rf'<div class="govuk-form-group govuk-form-group--error">'
            rf'(?:(?!<div class="govuk-form-group).)*?id="id_{field}"'
            r'(?:(?!<div class="govuk-form-group).)*'
        ),
        html,
        re.S,
    )
    return bool(block) and f'id="id_{field}_error"' in block.group(0) and message in block.group(0)


def test_the_form_records_an_incident(analyst_client):
    group = save_group(name="Wigan Watchers", status="active")
    ward = Ward.objects.get(name="Deansgate")
    response = analyst_client.post(
        CREATE, good(ward=ward.pk, groups=[group.pk], place="Albert Square")
    )
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("incidents:detail", args=[incident.reference])
    assert incident.borough.name == "Manchester" and list(incident.groups.all()) == [group]
    assert incident.police_attended and incident.review_date is not None


def test_coordinates_find_the_ward(analyst_client):
    analyst_client.post(CREATE, good(latitude="53.61600", longitude="-2.15600", place=""))
    incident = Incident.objects.get()
    assert (incident.ward.name, incident.borough.name) == ("Central Rochdale", "Rochdale")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {
                "occurred_at": local(timezone.now() + datetime.timedelta(days=2)),
                "received_at": local(timezone.now() - datetime.timedelta(hours=1)),
            },
            "occurred_at",
            "This time is in the future.",
        ),
        (
            {"borough": "999999"},
            "borough",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        (
            {"ward": "999999"},
            "ward",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        (
            {
                "live_streamed": "on",
                "stream_platform": "facebook",
                "stream_url": "ftp://facebook.example.com/v/1",
            },
            "stream_url",
            "Enter a web address starting with http:// or https://.",
        ),
        (
            {
                "live_streamed": "on",
                "stream_platform": "facebook",
                "stream_url": "javascript:alert(1)",
            },
            "stream_url",
            "Enter a valid URL.",
        ),
        (
            {"summary": "x" * 5001},
            "summary",
            "Ensure this value has at most 5000 characters (it has 5001).",
        ),
        (
            {"place": "p" * 201},
            "place",
            "Ensure this value has at most 200 characters (it has 201).",
        ),
        ({"occurred_at": "yesterday"}, "occurred_at", "Enter a valid date/time."),
        (
            {"place": ""},
            "place",
            "Give a borough or ward, or the place outside Greater Manchester.",
        ),
        (
            {"live_streamed": "on"},
            "stream_platform",
            "Say which platform the confrontation was streamed on.",
        ),
        ({"latitude": "53.4"}, "longitude", "Give both latitude and longitude, or neither."),
        (
            {"occurred_at": "2024-03-31T01:30", "received_at": "2024-03-31T05:00"},
            "occurred_at",
            "it may be ambiguous or it may not exist",
        ),
    ],
)
def test_bad_input_gets_a_message_beside_the_field_and_saves_nothing(
    analyst_client, overrides, field, message
):
    audit_before = AuditEntry.objects.count()
    response = analyst_client.post(CREATE, good(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert any(message in e for e in response.context["form"].errors[field]), response.context[
        "form"
    ].errors
    assert error_beside(html, field, message.replace("'", "&#x27;")), (
        f"{field}: {message} not beside the field"
    )
    assert 'aria-describedby="' in html and f"id_{field}_error" in html
    assert not Incident.objects.exists()
    assert not ReferenceCounter.objects.exists()  # no reference was spent
    assert AuditEntry.objects.count() == audit_before


def test_a_ward_in_another_borough_is_reported_beside_the_ward(analyst_client):
    response = analyst_client.post(
        CREATE,
        good(
            borough=Borough.objects.get(name="Rochdale").pk,
            ward=Ward.objects.get(name="Deansgate").pk,
        ),
    )
    assert response.context["form"].errors["ward"] == ["This ward is not in the chosen borough."]
    assert not Incident.objects.exists()


def test_several_errors_at_once(analyst_client):
    response = analyst_client.post(CREATE, good(summary="", source="rumour", kind=""))
    errors = response.context["form"].errors
    assert {"summary", "source", "kind"} <= set(errors)
    assert not Incident.objects.exists()


def test_the_form_edits_an_incident_and_refuses_bad_changes(analyst_client, make_user):
    incident = create_incident(
        user=make_user("analyst"),
        occurred_at=timezone.now() - datetime.timedelta(days=3),
        source="officer",
        kind="publication",
        summary="Footage posted.",
        place="Bury",
    )
    url = reverse("incidents:edit", args=[incident.reference])
    form = analyst_client.get(url)
    assert form.status_code == 200 and 'value="Bury"' in form.content.decode()
    data = good(
        occurred_at=local(incident.occurred_at),
        received_at=local(incident.received_at),
        source="officer",
        kind="publication",
        summary="Footage posted again.",
        place="Bury",
        status="closed",  # no longer a field of the form: ignored
        outcome="nfa",
    )
    assert analyst_client.post(url, data).status_code == 302
    incident.refresh_from_db()
    # The status changes only through the incident's workflow (its own form, below).
    assert (incident.summary, incident.status, incident.outcome) == (
        "Footage posted again.",
        "new",
        "nfa",
    )

    bad = dict(
        data,
        stream_url="file:///etc/passwd",
        live_streamed="on",
        stream_platform="x",
        summary="Changed",
    )
    response = analyst_client.post(url, bad)
    assert response.status_code == 200 and "stream_url" in response.context["form"].errors
    incident.refresh_from_db()
    assert incident.summary == "Footage posted again." and not incident.live_streamed


def test_the_form_is_labelled_for_keyboard_and_screen_reader_use(analyst_client):
    html = analyst_client.get(CREATE).content.decode()
    for field in [
        "occurred_at",
        "received_at",
        "source",
        "kind",
        "summary",
        "borough",
        "ward",
        "place",
        "groups",
        "live_streamed",
        "stream_platform",
        "stream_url",
        "police_attended",
        "outcome",
        "mopi_group",
        "review_date",
    ]:
        assert f'<label for="id_{field}"' in html, field
    # The status is not edited here: it moves through the incident page's status steps.
    assert 'id="id_status"' not in html
    # Help texts are announced with their field.
    assert (
        'aria-describedby="id_occurred_at_helptext"' in html
        and 'id="id_occurred_at_helptext"' in html
    )


def test_roles_that_may_not_record_incidents_cannot_open_the_form(client_as):
    assert client_as("disclosure_officer").get(CREATE).status_code == 403
