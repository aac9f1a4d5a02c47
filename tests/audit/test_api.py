"""The audit API: the auditor reads the log with filters and checks the chain."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from drachma.audit.models import AuditEntry, AuditSeal
from drachma.audit.services import append
from drachma.people.services import create_person
from tests.conftest import sign_in
from tests.factories import field_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor_api(auditor):
    """A client of its own signed in as the auditor (the tests sign others in on ``client``)."""
    return sign_in(Client(), auditor)


def test_log_lists_newest_first_with_filters(auditor_api, make_user, client_as):
    person = create_person(given_names="Audit", family_name="Subject")
    officer = make_user("safeguarding_officer", username="pp_officer")
    sign_in(Client(), officer).get(f"/api/people/people/{person.pk}")
    before = AuditEntry.objects.count()
    data = auditor_api.get("/api/audit/entries").json()
    seqs = [e["seq"] for e in data["items"]]
    assert (
        seqs == sorted(seqs, reverse=True) and data["count"] == before
    )  # this read is recorded after
    views = auditor_api.get(
        f"/api/audit/entries?actor=pp_officer&action=view&model=people.person&object_id={person.pk}"
    ).json()
    [entry] = views["items"]
    assert (
        entry["actor_username"] == "pp_officer"
        and entry["path"] == f"/api/people/people/{person.pk}"
    )
    assert len(entry["entry_hash"]) == 64
    created = auditor_api.get(
        f"/api/audit/entries?action=create&model=people.person&object_id={person.pk}"
    ).json()
    assert created["count"] == 1
    request_id = entry["request_id"]
    assert auditor_api.get(f"/api/audit/entries?request_id={request_id}").json()["count"] >= 1
    one = auditor_api.get(f"/api/audit/entries/{entry['seq']}").json()
    assert one == entry


def test_date_range_and_pagination(auditor_api):
    for i in range(5):
        append("view", model="people.person", object_id=str(i), object_repr="x")
    today = timezone.localdate()
    before = AuditEntry.objects.count()
    assert (
        auditor_api.get(f"/api/audit/entries?at_from={today}&at_to={today}").json()["count"]
        == before
    )
    tomorrow = today + datetime.timedelta(days=1)
    assert auditor_api.get(f"/api/audit/entries?at_from={tomorrow}").json()["count"] == 0
    yesterday = today - datetime.timedelta(days=1)
    assert auditor_api.get(f"/api/audit/entries?at_to={yesterday}").json()["count"] == 0
    page = auditor_api.get("/api/audit/entries?page=2&page_size=2").json()
    assert len(page["items"]) == 2
    response = auditor_api.get(f"/api/audit/entries?at_from={today}&at_to={yesterday}")
    assert response.status_code == 422 and field_of(response) == ["at_to"]
    response = auditor_api.get("/api/audit/entries?at_from=31-12-2025")
    assert response.status_code == 422 and field_of(response) == ["at_from"]
    response = auditor_api.get("/api/audit/entries?action=shred")
    assert response.status_code == 422 and field_of(response) == ["action"]


def test_verify_reports_an_intact_chain_then_names_the_edited_entry(auditor_api):
    for i in range(3):
        append("view", model="people.person", object_id=str(i), object_repr="x")
    data = auditor_api.get("/api/audit/verify").json()
    assert data == {
        "intact": True,
        "checked": AuditEntry.objects.count(),
        "problem": None,
        "sealed": AuditSeal.objects.count(),
        "unkeyed": 0,
        # Written in the test's transaction, which never commits, so never sealed.
        "unsealed": AuditEntry.objects.filter(seal__isnull=True).count(),
        "anchors": 0,
    }
    assert data["unsealed"] >= 3
    victim = AuditEntry.objects.order_by("seq")[1]
    _tamper(victim)
    data = auditor_api.get("/api/audit/verify").json()
    assert data["intact"] is False and data["checked"] == 1
    assert data["problem"]["seq"] == victim.seq and data["problem"]["entry_id"] == victim.pk
    assert "edited" in data["problem"]["reason"]


def _tamper(entry) -> None:
    """Edit a row as an intruder with the database owner's rights would: past the trigger.
    The test's transaction rolls the dropped trigger back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_append_only")
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET object_repr = 'tampered' WHERE seq = %s",
            [entry.pk],
        )


@pytest.mark.parametrize("role", ["analyst", "investigator", "supervisor", "administrator"])
def test_only_the_auditor_reads_the_log(make_user, role):
    entry = append("view", model="people.person", object_id="1", object_repr="x")
    client = sign_in(Client(), make_user(role))
    assert client.get("/api/audit/entries").status_code == 403
    assert client.get("/api/audit/verify").status_code == 403
    assert client.get(f"/api/audit/entries/{entry.seq}").status_code == 404


def test_unknown_entry_is_404(auditor_api):
    assert auditor_api.get("/api/audit/entries/99999999").status_code == 404


def test_openapi_lists_the_audit_operations(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/audit/entries", "/api/audit/entries/{audit_seq}", "/api/audit/verify"):
        assert path in paths, path


def test_reading_the_log_is_itself_recorded_and_the_chain_holds(make_user):
    """The log holds old and new values of personal data: reading it is a recorded view."""
    person = create_person(given_names="Read", family_name="Back")
    auditor_user = make_user("auditor", username="ps_auditor")
    client = sign_in(Client(), auditor_user)
    shown = client.get(
        f"/api/audit/entries?model=people.person&object_id={person.pk}&page_size=5"
    ).json()["items"]
    assert shown
    read = AuditEntry.objects.order_by("-seq").first()
    assert (read.action, read.model, read.actor_id) == ("view", "audit.auditentry", auditor_user.pk)
    assert read.changes["ids"] == [str(e["seq"]) for e in shown]
    assert "object_id" in read.changes["query"] and read.path.startswith("/api/audit/entries?")
    assert read.seq not in [e["seq"] for e in shown]  # recorded after the page was read

    one = client.get(f"/api/audit/entries/{shown[0]['seq']}").json()
    read = AuditEntry.objects.order_by("-seq").first()
    assert (read.action, read.model, read.object_id) == (
        "view",
        "audit.auditentry",
        str(one["seq"]),
    )

    # Nothing shown, nothing recorded; a refused read records nothing either.
    analyst = sign_in(Client(), make_user("analyst"))
    count = AuditEntry.objects.count()
    assert client.get("/api/audit/entries?model=no.such").json()["count"] == 0
    assert client.get("/api/audit/entries?action=shred").status_code == 422
    assert AuditEntry.objects.count() == count
    assert analyst.get("/api/audit/entries").status_code == 403
    assert AuditEntry.objects.count() == count

    assert client.get("/api/audit/verify").json()["intact"] is True
    call_command("verify_audit", stdout=io.StringIO())
