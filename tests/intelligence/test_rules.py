"""Intelligence rules: changing the grading or the text of an assessed entry sends it back for
assessment (a workflow step, in the history with who and why); a sanitised copy's disclosure
records to whom and under which handling code, and bad input is refused by field."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from drachma.audit.models import AuditEntry
from drachma.intelligence import services
from drachma.intelligence.models import (
    IntelligenceEntry,
    IntelligenceEvent,
    IntelligenceStatus,
    SanitisedDisclosure,
)
from tests.conftest import sign_in
from tests.factories import ago, make_entry, send
from tests.workflows import put_in_state

pytestmark = pytest.mark.django_db
S = IntelligenceStatus


def assessed_entry(analyst, **fields) -> IntelligenceEntry:
    fields = {
        "learned_at": ago(days=2),
        "text": "Seen outside the station.",
        "sanitised_text": "A group was seen.",
        **fields,
    }
    return make_entry(analyst, state=S.ASSESSED, **fields)


# --- an assessed entry changed is assessed again ----------------------------------------


@pytest.mark.parametrize(
    "change, said",
    [
        ({"source_evaluation": "2"}, "Grading changed from 1AP to 2AP."),
        ({"intelligence_assessment": "C"}, "Grading changed from 1AP to 1CP."),
        (
            {"handling_code": "C", "handling_conditions": "Police only."},
            "Grading changed from 1AP to 1AC.",
        ),
        ({"text": "Seen inside the station."}, "The intelligence text changed."),
    ],
)
def test_changing_grading_or_text_sends_an_assessed_entry_back(analyst, supervisor, change, said):
    entry = assessed_entry(analyst)
    services.update_entry(entry, user=supervisor, **change)
    entry.refresh_from_db()
    assert entry.status == S.REQUIRES_ASSESSMENT
    event = IntelligenceEvent.objects.get(entry=entry)
    assert (event.transition, event.from_state, event.to_state, event.by) == (
        "send_back_for_assessment",
        S.ASSESSED,
        S.REQUIRES_ASSESSMENT,
        supervisor,
    )
    assert event.note == said


def test_both_changes_are_named_in_the_note(analyst, supervisor):
    entry = assessed_entry(analyst)
    services.update_entry(entry, user=supervisor, source_evaluation="3", text="Other words.")
    assert IntelligenceEvent.objects.get(entry=entry).note == (
        "Grading changed from 1AP to 3AP. The intelligence text changed."
    )


@pytest.mark.parametrize(
    "change",
    [
        {},  # an unchanged save
        {
            "source_evaluation": "1",
            "intelligence_assessment": "A",
            "text": "Seen outside the station.",
        },
        {"sanitised_text": "A group was seen nearby."},
        {"source_description": "Patrol officer"},
    ],
)
def test_other_saves_leave_an_assessed_entry_assessed(analyst, supervisor, change):
    entry = assessed_entry(analyst)
    services.update_entry(entry, user=supervisor, **change)
    entry.refresh_from_db()
    assert entry.status == S.ASSESSED
    assert not IntelligenceEvent.objects.exists()


def test_an_entry_not_yet_assessed_is_not_moved(analyst, supervisor):
    entry = assessed_entry(analyst)
    put_in_state(entry, status=S.REQUIRES_ASSESSMENT)
    services.update_entry(entry, user=supervisor, source_evaluation="2")
    entry.refresh_from_db()
    assert entry.status == S.REQUIRES_ASSESSMENT
    assert not IntelligenceEvent.objects.exists()


def test_sending_back_is_not_a_button_or_an_action(analyst, supervisor, client):
    entry = assessed_entry(analyst)
    assert "send_back_for_assessment" not in services.available_transitions(entry, supervisor)
    with pytest.raises(ValidationError) as exc:
        services.transition_entry(entry, "send_back_for_assessment", user=supervisor, note="x")
    assert "changing its grading or text" in exc.value.message_dict["transition"][0]
    sign_in(client, supervisor)
    page = client.get(reverse("intelligence:entry_detail", args=[entry.pk])).content.decode()
    assert "Send back for assessment" not in page


def _form_data(entry: IntelligenceEntry, **changes) -> dict:
    data = {
        "group": "",
        "learned_at": timezone.localtime(entry.learned_at).strftime("%Y-%m-%dT%H:%M"),
        "source_type": entry.source_type,
        "source_description": entry.source_description,
        "source_evaluation": entry.source_evaluation,
        "intelligence_assessment": entry.intelligence_assessment,
        "handling_code": entry.handling_code,
        "handling_conditions": entry.handling_conditions,
        "legacy_grading": entry.legacy_grading,
        "text": entry.text,
        "sanitised_text": entry.sanitised_text,
        "mopi_group": entry.mopi_group,
        "review_date": entry.review_date.isoformat(),
        "incidents": "",
    }
    data.update(changes)
    return data


def test_the_edit_page_sends_back_a_changed_grading_and_keeps_an_unchanged_save(
    analyst, supervisor, client
):
    entry = assessed_entry(analyst)
    sign_in(client, supervisor)
    url = reverse("intelligence:entry_edit", args=[entry.pk])
    response = client.post(url, _form_data(entry))
    assert response.status_code == 302, response.content.decode()[:2000]
    entry.refresh_from_db()
    assert entry.status == S.ASSESSED and not entry.events.exists()

    response = client.post(url, _form_data(entry, intelligence_assessment="D"), follow=True)
    entry.refresh_from_db()
    assert entry.status == S.REQUIRES_ASSESSMENT
    page = response.content.decode()
    # The history says so in words, with who and why.
    assert "Send back for assessment" in page or "sent back for assessment" in page.lower()
    assert "Grading changed from 1AP to 1DP." in page


def test_the_api_patch_sends_back_a_changed_text_and_keeps_an_unchanged_patch(
    analyst, supervisor, client
):
    entry = assessed_entry(analyst)
    sign_in(client, supervisor)
    url = f"/api/intelligence/entries/{entry.pk}"
    response = send(client, "PATCH", url, {"text": entry.text, "handling_code": "P"})
    assert response.status_code == 200 and response.json()["status"] == S.ASSESSED
    response = send(client, "PATCH", url, {"text": "Seen at the bus stop."})
    body = response.json()
    assert response.status_code == 200 and body["status"] == S.REQUIRES_ASSESSMENT
    [event] = body["events"]
    assert event["transition"] == "send_back_for_assessment"
    assert event["note"] == "The intelligence text changed."


# --- disclosures of the sanitised copy --------------------------------------------------


def disclose(entry, user, **overrides):
    data = {
        "recipient": "Borough community safety team",
        "handling_code": "P",
        "disclosed_on": timezone.localdate(),
        "reason": "Planning patrols around the event.",
    }
    data.update(overrides)
    return services.disclose_entry(entry, user=user, **data)


def test_a_disclosure_records_recipient_code_date_by_and_reason_and_is_audited(analyst, supervisor):
    entry = assessed_entry(analyst)
    disclosure = disclose(entry, supervisor, recipient="  Council ASB team ", handling_code="C")
    disclosure.refresh_from_db()
    assert (
        disclosure.entry,
        disclosure.recipient,
        disclosure.handling_code,
        disclosure.disclosed_on,
        disclosure.by,
        disclosure.reason,
    ) == (
        entry,
        "Council ASB team",
        "C",
        timezone.localdate(),
        supervisor,
        "Planning patrols around the event.",
    )
    audit = AuditEntry.objects.filter(
        model="intelligence.sanitiseddisclosure", object_id=str(disclosure.pk)
    ).get()
    assert "Council ASB team" in json.dumps(audit.changes)


@pytest.mark.parametrize(
    "entry_changes, overrides, field, words",
    [
        ({"sanitised_text": ""}, {}, "sanitised_text", "no sanitised text"),
        ({}, {"handling_code": "H"}, "handling_code", "Unknown handling code 'H'"),
        ({}, {"recipient": "   "}, "recipient", "to which organisation or person"),
        (
            {},
            {"disclosed_on": timezone.localdate() + datetime.timedelta(days=2)},
            "disclosed_on",
            "cannot be in the future",
        ),
        ({}, {"reason": ""}, "reason", "why"),
    ],
)
def test_bad_disclosures_name_the_field_and_write_nothing(
    analyst, supervisor, entry_changes, overrides, field, words
):
    entry = assessed_entry(analyst, **entry_changes)
    audited = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        disclose(entry, supervisor, **overrides)
    assert words in exc.value.message_dict[field][0]
    assert not SanitisedDisclosure.objects.exists()
    assert AuditEntry.objects.count() == audited


def test_the_entry_page_records_a_disclosure_and_lists_it(analyst, supervisor, client):
    entry = assessed_entry(analyst)
    sign_in(client, supervisor)
    url = reverse("intelligence:entry_disclose", args=[entry.pk])
    response = client.post(
        url,
        {
            "recipient": "Youth offending service",
            "handling_code": "P",
            "disclosed_on": timezone.localdate().isoformat(),
            "reason": "Safeguarding visit.",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Disclosure of" in page and "Youth offending service" in page
    assert "1 disclosure of the sanitised copy" in page
    assert SanitisedDisclosure.objects.get().recipient == "Youth offending service"


def test_the_entry_page_shows_a_bad_disclosure_by_field_and_writes_nothing(
    analyst, supervisor, client
):
    entry = assessed_entry(analyst)
    sign_in(client, supervisor)
    response = client.post(
        reverse("intelligence:entry_disclose", args=[entry.pk]),
        {
            "recipient": "Youth offending service",
            "handling_code": "P",
            "disclosed_on": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
            "reason": "Safeguarding visit.",
        },
    )
    assert response.status_code == 400
    assert "The date of disclosure cannot be in the future." in response.content.decode()
    assert not SanitisedDisclosure.objects.exists()


def test_an_investigator_sees_disclosures_but_does_not_record_them(analyst, make_user, client):
    entry = assessed_entry(analyst)
    disclose(entry, analyst)
    sign_in(client, make_user("investigator"))
    page = client.get(reverse("intelligence:entry_detail", args=[entry.pk])).content.decode()
    assert "Borough community safety team" in page and "Record a disclosure" not in page
    # Refused as every door with a record in its address refuses (docs/roles.md).
    response = client.post(reverse("intelligence:entry_disclose", args=[entry.pk]), {})
    assert response.status_code == 404
    assert SanitisedDisclosure.objects.count() == 1


def test_the_api_records_and_lists_disclosures(analyst, supervisor, client):
    entry = assessed_entry(analyst)
    sign_in(client, supervisor)
    payload = {
        "entry": entry.pk,
        "recipient": "Partner agency",
        "handling_code": "C",
        "disclosed_on": timezone.localdate().isoformat(),
        "reason": "Joint operation.",
    }
    response = send(client, "POST", "/api/intelligence/disclosures", payload)
    assert response.status_code == 201, response.content
    assert response.json()["recipient"] == "Partner agency"
    assert response.json()["by"] == supervisor.username
    listed = client.get(f"/api/intelligence/disclosures?entry={entry.pk}").json()
    assert [d["recipient"] for d in listed["items"]] == ["Partner agency"]
    other = assessed_entry(analyst)
    disclose(other, supervisor, recipient="Another team")
    listed = client.get(f"/api/intelligence/disclosures?entry={other.pk}").json()
    assert [d["recipient"] for d in listed["items"]] == ["Another team"]
    everything = client.get("/api/intelligence/disclosures").json()
    assert {d["recipient"] for d in everything["items"]} == {"Partner agency", "Another team"}


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"handling_code": "Z"}, "handling_code"),
        ({"recipient": ""}, "recipient"),
        (
            {"disclosed_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()},
            "disclosed_on",
        ),
    ],
)
def test_the_api_refuses_bad_disclosures_by_field(analyst, supervisor, client, overrides, field):
    entry = assessed_entry(analyst)
    sign_in(client, supervisor)
    payload = {
        "entry": entry.pk,
        "recipient": "Partner agency",
        "handling_code": "P",
        "disclosed_on": timezone.localdate().isoformat(),
        "reason": "Joint operation.",
        **overrides,
    }
    response = send(client, "POST", "/api/intelligence/disclosures", payload)
    assert response.status_code == 422, response.content
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not SanitisedDisclosure.objects.exists()
