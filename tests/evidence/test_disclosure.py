"""Disclosure entries and the MG6C and MG6D schedules."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from drachma.evidence import documents, services
from drachma.evidence.models import DisclosureEntry
from drachma.incidents.services import create_incident
from tests.factories import make_incident


@pytest.fixture
def officer(disclosure_officer):
    return disclosure_officer


@pytest.fixture
def incident(make_user):
    return make_incident(
        make_user("analyst"),
        occurred_at=timezone.now(),
        received_at=None,
        summary="x",
        place="Bolton",
    )


def _exhibit(incident=None, data=b"bytes"):
    return services.receive_file(
        io.BytesIO(data),
        original_filename="a.png",
        received_from_type="public",
        via="upload",
        incident=incident,
    )


@pytest.mark.django_db
def test_numbers_run_across_both_schedules(incident, officer):
    a = services.create_disclosure_entry(
        incident=incident, user=officer, description="Officer's notebook entry"
    )
    b = services.create_disclosure_entry(
        incident=incident,
        user=officer,
        description="Informant contact log",
        sensitive=True,
        sensitivity_reason="Identifies a source",
    )
    c = services.create_disclosure_entry(
        incident=incident,
        user=officer,
        item=_exhibit(incident),
        description="Screenshot of the group's post",
    )
    assert [a.number, b.number, c.number] == [1, 2, 3]
    assert (a.schedule, b.schedule, c.schedule) == ("MG6C", "MG6D", "MG6C")
    assert c.location.startswith("Drachma evidence store, exhibit EX-")
    assert a.decided_by is None and a.status == "draft"


@pytest.mark.django_db
def test_entry_for_any_record(incident, officer, make_user):
    from drachma.people.services import create_person

    person = create_person(given_names="Sample", family_name="Witness")
    entry = services.create_disclosure_entry(
        incident=incident, user=officer, record=person, description="Witness's first account"
    )
    assert entry.record == person and entry.content_type.model == "person"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"description": "  "}, "description", "Describe the material"),
        ({"sensitive": True}, "sensitivity_reason", "needs the reason for its sensitivity"),
        ({"sensitivity_reason": "secret"}, "sensitivity_reason", "Only sensitive material"),
        ({"might_undermine_or_assist": True}, "mg6e_reason", "MG6E"),
        (
            {"prosecutor_decision": "pii_application"},
            "prosecutor_decision",
            "for sensitive material",
        ),
        (
            {"sensitive": True, "sensitivity_reason": "x", "prosecutor_decision": "disclose"},
            "prosecutor_decision",
            "for non-sensitive material",
        ),
        ({"used": True, "prosecutor_decision": "disclose"}, "prosecutor_decision", "Used material"),
        ({"status": "lost"}, "status", "not a valid choice"),
    ],
)
def test_bad_entries_are_refused(incident, officer, fields, field, message):
    data = {"description": "Material", **fields}
    with pytest.raises(ValidationError) as exc:
        services.create_disclosure_entry(incident=incident, user=officer, **data)
    assert message in " ".join(exc.value.message_dict[field])
    assert DisclosureEntry.objects.count() == 0


@pytest.mark.django_db
def test_exhibit_of_another_incident_is_refused(incident, officer, make_user):
    other = create_incident(
        user=make_user("analyst"),
        occurred_at=timezone.now(),
        source="group",
        kind="doorstep",
        summary="y",
        place="Bury",
    )
    with pytest.raises(ValidationError, match="belongs to another incident"):
        services.create_disclosure_entry(
            incident=incident, user=officer, item=_exhibit(other), description="x"
        )


@pytest.mark.django_db
def test_status_change_records_who_and_when(incident, officer):
    entry = services.create_disclosure_entry(
        incident=incident, user=officer, description="Notebook"
    )
    entry = services.update_disclosure_entry(
        entry, user=officer, status="scheduled", prosecutor_decision="inspect"
    )
    assert entry.decided_by == officer and entry.decided_at is not None
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.update_disclosure_entry(entry, user=officer, number=9)
    with pytest.raises(ValidationError):
        services.update_disclosure_entry(entry, user=officer, sensitive=True)
    entry.refresh_from_db()
    assert not entry.sensitive


@pytest.mark.django_db
def test_schedules_as_csv_and_pdf(incident, officer):
    services.create_disclosure_entry(
        incident=incident,
        user=officer,
        description="Officer's notebook, page 4",
        location="Bolton property store",
        prosecutor_decision="disclose",
    )
    services.create_disclosure_entry(
        incident=incident,
        user=officer,
        description="Informant log",
        sensitive=True,
        sensitivity_reason="Identifies a covert source",
    )
    services.create_disclosure_entry(
        incident=incident, user=officer, description="Used statement", used=True
    )
    services.create_disclosure_entry(
        incident=incident, user=officer, description="Withdrawn", status="withdrawn"
    )
    mg6c = list(csv.reader(io.StringIO(documents.schedule_csv(incident, "MG6C"))))
    assert mg6c == [
        documents.MG6C_COLUMNS,
        ["1", "Officer's notebook, page 4", "Bolton property store", "D"],
    ]
    mg6d = list(csv.reader(io.StringIO(documents.schedule_csv(incident, "MG6D"))))
    assert mg6d == [
        documents.MG6D_COLUMNS,
        ["2", "Informant log", "Identifies a covert source", ""],
    ]
    pdf = documents.schedule_pdf(incident, "MG6D")
    assert pdf.startswith(b"%PDF")


def _pdf_text(data: bytes) -> str:
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run(
            ["pdftotext", f.name, "-"], capture_output=True, text=True, check=True
        ).stdout


@pytest.mark.django_db
def test_disclosure_pages(client_as, incident, make_user):
    officer = make_user("disclosure_officer")
    client = client_as(user=officer)
    url = reverse("evidence:disclosure_add", args=[incident.reference])
    response = client.post(
        url, {"description": "Sensitive log", "sensitive": "on", "status": "draft"}
    )
    assert response.status_code == 302
    page = client.get(reverse("evidence:disclosure", args=[incident.reference])).content.decode()
    assert "needs the reason for its sensitivity" in page and "Nothing scheduled yet." in page
    client.post(
        url,
        {
            "description": "Sensitive log",
            "sensitive": "on",
            "sensitivity_reason": "A source",
            "status": "scheduled",
        },
    )
    entry = DisclosureEntry.objects.get()
    assert entry.decided_by == officer
    response = client.post(
        reverse("evidence:disclosure_edit", args=[entry.pk]),
        {
            "description": "Sensitive log",
            "sensitive": "on",
            "sensitivity_reason": "A source",
            "status": "scheduled",
            "prosecutor_decision": "pii_application",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.prosecutor_decision == "pii_application"
    response = client.get(reverse("evidence:schedule_csv", args=[incident.reference, "MG6D"]))
    assert response["Content-Type"].startswith("text/csv")
    assert "Public-interest-immunity application" in response.content.decode()
    response = client.get(reverse("evidence:schedule_pdf", args=[incident.reference, "mg6c"]))
    assert response.content.startswith(b"%PDF") and "Nil return" in _pdf_text(response.content)
    assert (
        client.get(reverse("evidence:schedule_pdf", args=[incident.reference, "MG6X"])).status_code
        == 404
    )


@pytest.mark.django_db
def test_investigator_reads_but_does_not_write_schedules(client_as, incident):
    client = client_as("investigator")
    assert client.get(reverse("evidence:disclosure", args=[incident.reference])).status_code == 200
    response = client.post(
        reverse("evidence:disclosure_add", args=[incident.reference]), {"description": "x"}
    )
    assert response.status_code == 404 and DisclosureEntry.objects.count() == 0
    assert (
        client.post(
            f"/api/evidence/incidents/{incident.reference}/disclosure",
            {"description": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )


@pytest.mark.django_db
def test_disclosure_api(client_as, incident):
    client = client_as("disclosure_officer")
    exhibit = _exhibit(incident)
    url = f"/api/evidence/incidents/{incident.reference}/disclosure"
    response = client.post(
        url,
        {"description": "Screenshot", "exhibit_ref": exhibit.exhibit_ref},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["schedule"] == "MG6C"
    entry_id = response.json()["id"]
    response = client.post(
        url, {"description": "Log", "sensitive": True}, content_type="application/json"
    )
    assert response.status_code in (400, 422) and "sensitivity_reason" in response.content.decode()
    response = client.post(
        url,
        {"description": "Screenshot", "exhibit_ref": "EX-0000-000000"},
        content_type="application/json",
    )
    assert response.status_code in (400, 422) and "EX-0000-000000" in response.content.decode()
    response = client.patch(
        f"/api/evidence/disclosure/{entry_id}",
        {"status": "scheduled"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["decided_by"]
    listed = client.get(url).json()
    assert [e["number"] for e in listed] == [1]


@pytest.mark.django_db
def test_disclosure_api_for_another_record(client_as, incident):
    from drachma.groups.services import save_group
    from drachma.intelligence.services import create_entry

    analyst = incident.created_by
    group = save_group(name="Red Group", status="active")
    intel = create_entry(
        user=analyst,
        group=group,
        learned_at=timezone.now() - datetime.timedelta(days=1),
        source_type="open_source",
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code="P",
        text="Group planning a confrontation.",
        sanitised_text="Planning.",
    )
    client = client_as("disclosure_officer")
    url = f"/api/evidence/incidents/{incident.reference}/disclosure"
    body = {
        "description": "Intelligence log entry",
        "sensitive": True,
        "sensitivity_reason": "A source",
        "record_type": "intelligence.intelligenceentry",
        "object_id": str(intel.pk),
    }
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201 and response.json()["record_type"] == "intelligenceentry"
    for bad, field in [
        ({"record_type": "auth.user"}, "Unknown record type"),
        ({"record_type": "intelligence.nothing"}, "Unknown record type"),
        ({"object_id": "999999"}, "with id 999999"),
        ({"object_id": None}, "together"),
    ]:
        response = client.post(url, {**body, **bad}, content_type="application/json")
        assert response.status_code == 422 and field in response.content.decode(), bad
    assert DisclosureEntry.objects.count() == 1
