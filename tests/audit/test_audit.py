"""The audit log: every create, update, delete and view, with old and new values, user and
request; append-only; hash-chained; `verify_audit` names the first broken entry; the auditor's
page with filters."""

import csv
import datetime
import re
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from drachma.audit.context import acting_as
from drachma.audit.keys import keyring
from drachma.audit.models import AuditEntry, AuditPending, AuditSeal
from drachma.audit.services import GENESIS_HASH, anchor_head, append, seal_pending, verify_chain
from drachma.groups.models import Group
from drachma.groups.services import save_group
from drachma.incidents.services import create_incident, update_incident
from drachma.people.services import create_person
from tests.audit.tamper import as_owner, cut_from, rewrite_entry

pytestmark = pytest.mark.django_db


def entries_for(obj):
    return AuditEntry.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk)).order_by(
        "seq"
    )


def _incident(user, **fields):
    defaults = {
        "occurred_at": timezone.now() - datetime.timedelta(days=1),
        "source": "group",
        "kind": "doorstep",
        "summary": "Original summary.",
        "place": "Preston",
    }
    defaults.update(fields)
    return create_incident(user=user, **defaults)


# --- what is recorded ------------------------------------------------------------------


def test_create_update_and_delete_are_recorded_with_old_and_new_values(make_user):
    user = make_user("supervisor")
    with acting_as(user):
        group = save_group(name="Red Rose Shield", status="active")
        save_group(group, status="dormant", description="Quiet since spring.")
        group_pk = group.pk
        group.delete()
    created, updated, deleted = entries_for(Group(pk=group_pk))
    assert created.action == "create" and created.changes["name"] == [None, "Red Rose Shield"]
    assert created.changes["status"] == [None, "active"]
    assert "updated_at" not in created.changes  # noise left out
    assert updated.action == "update"
    assert updated.changes == {
        "status": ["active", "dormant"],
        "description": ["", "Quiet since spring."],
    }
    assert deleted.action == "delete" and deleted.changes["status"] == ["dormant", None]
    assert {e.actor_username for e in (created, updated, deleted)} == {user.username}
    assert {e.actor_id for e in (created, updated, deleted)} == {user.pk}
    assert str(created).startswith(f"#{created.seq} create groups.group")


def test_an_unchanged_save_writes_nothing(make_user):
    group = save_group(name="Red Rose Shield", status="active")
    count = AuditEntry.objects.count()
    save_group(group, status="active")
    assert AuditEntry.objects.count() == count


def test_many_to_many_changes_are_recorded(make_user):
    user = make_user("analyst")
    red = save_group(name="Red", status="active")
    incident = _incident(user)
    incident.groups.add(red)
    entry = entries_for(incident).last()
    assert entry.action == "update" and entry.changes == {"groups": {"added": [red.pk]}}


def test_a_change_through_a_page_names_the_user_and_the_request(client_as, make_user):
    user = make_user("analyst")
    incident = _incident(user)
    client = client_as(user=user)
    url = reverse("incidents:edit", args=[incident.reference])
    local = timezone.localtime
    response = client.post(
        url,
        {
            "occurred_at": local(incident.occurred_at).strftime("%Y-%m-%dT%H:%M"),
            "received_at": local(incident.received_at).strftime("%Y-%m-%dT%H:%M"),
            "source": "group",
            "kind": "doorstep",
            "summary": "Corrected summary.",
            "place": "Preston",
            "mopi_group": "4",
            "review_date": incident.review_date.isoformat(),
        },
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    entry = entries_for(incident).filter(action="update").get()
    assert entry.changes["summary"] == ["Original summary.", "Corrected summary."]
    # The status is no longer a field of the form (it changes through its workflow).
    assert "status" not in entry.changes
    assert (entry.actor_id, entry.actor_username) == (user.pk, user.username)
    assert (entry.method, entry.path, entry.ip_address) == ("POST", url, "10.1.2.3")
    assert len(entry.request_id) == 36


def test_a_refused_change_leaves_no_audit_entry(make_user):
    user = make_user("analyst")
    incident = _incident(user)
    count = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        update_incident(incident, user=user, summary="")
    assert AuditEntry.objects.count() == count


def test_secrets_are_redacted(make_user):
    user = make_user("analyst")
    entry = AuditEntry.objects.filter(
        model="auth.user", object_id=str(user.pk), action="create"
    ).get()
    assert entry.changes["password"] == [None, "[redacted]"]


def test_login_logout_and_failed_login_are_recorded(client, make_user):
    user = make_user("analyst")
    client.post(
        reverse("accounts:login"), {"username": user.username, "password": "wrong password here"}
    )
    failed = AuditEntry.objects.filter(action="login_failed").get()
    assert failed.object_repr == user.username and failed.actor_id is None
    client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": "correct horse battery staple"},
    )
    client.post(reverse("accounts:logout"))
    assert list(
        AuditEntry.objects.filter(actor_id=user.pk, action__in=["login", "logout"])
        .order_by("seq")
        .values_list("action", flat=True)
    ) == ["login", "logout"]


def test_a_view_of_a_person_is_recorded(client_as, make_user):
    subject = create_person(given_names="Craig", family_name="Nuttall")
    investigator = make_user("investigator")
    client_as(user=investigator).get(reverse("people:detail", args=[subject.pk]))
    view = entries_for(subject).filter(action="view").get()
    assert view.actor_id == investigator.pk and view.object_repr == "Craig Nuttall"


def test_commands_and_jobs_are_attributed_to_a_label():
    with acting_as(label="seed_demo"):
        group = save_group(name="Seeded", status="active")
    assert entries_for(group).get().actor_username == "seed_demo"
    assert entries_for(save_group(name="Bare", status="active")).get().actor_username == "system"


# --- append-only and the chain ---------------------------------------------------------


def test_each_entry_carries_the_hash_of_the_one_before():
    for i in range(3):
        save_group(name=f"Group {i}", status="active")
    seal_pending()  # what each commit does (the test's transaction never commits)
    seals = list(AuditSeal.objects.order_by("position"))
    assert seals[0].position == 1 and seals[0].prev_hash == GENESIS_HASH
    key = keyring().current
    for before, after in zip(seals, seals[1:], strict=False):
        assert after.position == before.position + 1
        assert after.prev_hash == before.chain_hash
    for seal in seals:
        entry = AuditEntry.objects.get(seq=seal.entry_id)
        assert entry.entry_hash == entry.compute_hash(key) and len(entry.entry_hash) == 64
        assert seal.chain_hash == seal.compute_hash(key, entry_hash=entry.entry_hash)
        assert (entry.key_id, seal.key_id) == (key.id, key.id)
    # Every entry is in the chain once; the head is the last seal.
    assert sorted(s.entry_id for s in seals) == list(
        AuditEntry.objects.order_by("seq").values_list("seq", flat=True)
    )
    assert not AuditPending.objects.exists()


def test_the_log_refuses_changes_through_the_orm():
    entry = append("decision", model="test.thing", object_id="1", changes={"decision": "keep"})
    entry.object_repr = "changed"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="changed")
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    seal_pending()
    seal = AuditSeal.objects.get(entry=entry)
    seal.prev_hash = GENESIS_HASH
    with pytest.raises(PermissionDenied):
        seal.save()
    with pytest.raises(PermissionDenied):
        seal.delete()
    with pytest.raises(PermissionDenied):
        AuditSeal.objects.filter(pk=seal.pk).update(prev_hash=GENESIS_HASH)


@pytest.mark.parametrize(
    "table, column, key",
    [("audit_auditentry", "object_repr", "seq"), ("audit_auditseal", "key_id", "entry_seq")],
)
def test_the_database_refuses_an_update_even_in_raw_sql(table, column, key):
    entry = append("decision", model="test.thing", object_id="1")
    seal_pending()
    update = f"UPDATE {table} SET {column} = 'changed' WHERE {key} = %s"
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as c:
        c.execute(update, [entry.pk])
    assert "append-only" in str(refused.value)
    entry.refresh_from_db()
    assert entry.object_repr == "" and AuditSeal.objects.get(entry=entry).key_id != "changed"


def _chain(n: int) -> list[AuditEntry]:
    for i in range(n):
        append("decision", model="test.thing", object_id=str(i), changes={"decision": f"d{i}"})
    seal_pending()
    return list(AuditEntry.objects.select_related("seal").order_by("seal__position"))


def test_verify_audit_passes_an_intact_chain():
    entries = _chain(5)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert f"Audit chain intact: {len(entries)} entries verified." in out.getvalue()


def test_verify_audit_detects_an_edited_row_and_names_it():
    entries = _chain(6)
    target = entries[3]
    as_owner(
        "UPDATE audit_auditentry SET changes = %s WHERE seq = %s",
        ['{"decision": "forged"}', target.pk],
    )
    checked, problem = verify_chain()
    assert checked == 3
    assert (problem.seq, problem.entry_id) == (target.seq, target.pk)
    assert problem.position == target.seal.position
    assert "edited" in problem.reason
    with pytest.raises(CommandError) as exc:
        call_command("verify_audit")
    assert str(exc.value) == (
        f"Audit chain broken at entry #{target.seq} at chain position #{target.seal.position}: "
        "its content no longer matches its hash (edited). 3 entries before it are intact."
    )


def test_verify_audit_detects_a_rehashed_row_by_the_next_link():
    """Even with the key: an entry re-hashed and re-sealed alone breaks the next link."""
    entries = _chain(4)
    target = entries[1]
    key = keyring().current
    new_hash = rewrite_entry(target, key, object_repr="forged")
    seal = target.seal
    seal.chain_hash = seal.compute_hash(key, entry_hash=new_hash)
    as_owner(
        "UPDATE audit_auditseal SET chain_hash = %s WHERE position = %s",
        [seal.chain_hash, seal.position],
    )
    _, problem = verify_chain()
    assert problem.seq == entries[2].seq
    assert "previous-hash does not match" in problem.reason


def test_verify_audit_detects_a_deleted_row():
    entries = _chain(5)
    gone = entries[2]
    as_owner("DELETE FROM audit_auditseal WHERE position = %s", [gone.seal.position])
    as_owner("DELETE FROM audit_auditentry WHERE seq = %s", [gone.seq])
    checked, problem = verify_chain()
    assert checked == 2 and problem.position == gone.seal.position and problem.seq is None
    assert problem.reason == f"missing: the next seal present is #{entries[3].seal.position}"


def test_verify_audit_detects_entries_cut_from_the_end():
    entries = _chain(5)
    anchor_head()  # what the periodic task and verify_audit do
    cut_from(entries[3].seal.position)
    checked, problem = verify_chain()
    assert checked == 3 and problem.position == 4
    assert f"the chain ends at #3 but #{entries[-1].seal.position} was anchored" in problem.reason


# --- the auditor's page ----------------------------------------------------------------


@pytest.fixture
def logged(make_user):
    analyst = make_user("analyst", username="pat_analyst")
    supervisor = make_user("supervisor", username="sam_supervisor")
    with acting_as(analyst):
        incident = _incident(analyst)
    with acting_as(supervisor):
        group = save_group(name="Roch Valley Hunters", status="active")
        update_incident(incident, user=supervisor, outcome="nfa")
    return {"incident": incident, "group": group, "analyst": analyst, "supervisor": supervisor}


def shown(client, **params):
    response = client.get(reverse("audit:log"), params)
    assert response.status_code == 200
    return list(response.context["page_obj"])


def test_only_the_auditor_reads_the_log(client_as):
    for role in ["analyst", "supervisor", "administrator", "investigator"]:
        assert client_as(role).get(reverse("audit:log")).status_code == 403
    assert client_as("auditor").get(reverse("audit:log")).status_code == 200


def test_the_auditor_filters_the_log(client_as, logged):
    client = client_as("auditor")
    incident = logged["incident"]
    by_user = shown(client, actor="SAM_SUPERVISOR")
    assert by_user and {e.actor_username for e in by_user} == {"sam_supervisor"}
    updates = shown(client, action="update", model="incidents.incident")
    assert [e.object_id for e in updates] == [str(incident.pk)]
    assert updates[0].changes["outcome"] == ["", "nfa"]
    for_record = shown(client, model="incidents.incident", object_id=str(incident.pk))
    assert [e.action for e in for_record] == ["update", "create"]  # newest first
    creation = for_record[-1]
    today = timezone.localdate().isoformat()
    assert creation in shown(client, at_from=today, at_to=today)
    assert shown(client, at_to="2000-01-01") == []
    html = client.get(reverse("audit:log"), {"model": "incidents.incident"}).content.decode()
    assert incident.reference in html and "pat_analyst" in html


def test_filter_by_request_ties_together_what_one_request_did(client, client_as, make_user):
    analyst = make_user("analyst")
    sign_in_client = client_as(user=analyst)
    sign_in_client.post(
        reverse("groups:group_create"),
        {
            "name": "Form Group",
            "status": "active",
            "mopi_group": "3",
            "aliases": "FG\nFormies",
            "accounts": "facebook, @fg",
        },
    )
    group = Group.objects.get(name="Form Group")
    request_id = entries_for(group).get(action="create").request_id
    client.logout()
    together = shown(client_as("auditor"), request_id=request_id)
    # The group, its two aliases and its account: one request, four entries.
    assert sorted(e.model for e in together) == [
        "groups.group",
        "groups.groupalias",
        "groups.groupalias",
        "groups.platformaccount",
    ]
    assert {e.actor_id for e in together} == {analyst.pk}


def test_a_bad_filter_shows_the_error_and_no_rows(client_as, logged):
    response = client_as("auditor").get(reverse("audit:log"), {"action": "tamper"})
    assert "action" in response.context["filterset"].form.errors
    assert not response.context["page_obj"].object_list


def test_reading_the_log_page_is_itself_recorded_and_the_chain_holds(client_as, logged):
    client = client_as("auditor")
    page = shown(client, model="incidents.incident")
    read = AuditEntry.objects.order_by("-seq").first()
    assert (read.action, read.model, read.method) == ("view", "audit.auditentry", "GET")
    assert read.changes == {"ids": [str(e.seq) for e in page], "query": "model=incidents.incident"}
    assert read.actor_username.startswith("auditor") and read not in page
    count = AuditEntry.objects.count()
    assert shown(client, model="no.such") == []  # nothing shown, nothing recorded
    assert AuditEntry.objects.count() == count
    checked, problem = verify_chain()
    assert problem is None and checked == count


def test_the_auditor_filters_by_reference_user_and_record_type_from_lists(client_as, logged):
    client = client_as("auditor")
    incident = logged["incident"]
    about = shown(client, reference=incident.reference)
    assert about and all(
        incident.reference in (e.object_repr + e.path + str(e.changes)) for e in about
    )
    assert {e.model for e in about} >= {"incidents.incident"}
    assert not any(e.model == "groups.group" for e in about)
    html = client.get(reverse("audit:log"), {"reference": incident.reference}).content.decode()
    assert "entries" in html and "Remove this filter</span> " + incident.reference in html
    # The user and the record type are chosen from lists (autocompletes), each reading "Any".
    page = client.get(reverse("audit:log")).content.decode()
    assert '<option value="sam_supervisor">' in page
    assert '<option value="incidents.incident">Incident (incidents.incident)</option>' in page
    assert page.count('data-module="autocomplete"') == 2 and ">Any</option>" in page
    by_type = shown(client, model="groups.group", actor="sam_supervisor")
    assert by_type and {(e.model, e.actor_username) for e in by_type} == {
        ("groups.group", "sam_supervisor")
    }


def test_the_log_sorts_and_counts(client_as, logged):
    client = client_as("auditor")
    newest = shown(client, model="incidents.incident")
    assert [e.seq for e in newest] == sorted((e.seq for e in newest), reverse=True)
    oldest = shown(client, model="incidents.incident", sort="number")
    assert [e.seq for e in oldest] == sorted(e.seq for e in newest)
    by_user = shown(client, sort="user")
    assert [e.actor_username for e in by_user] == sorted(e.actor_username for e in by_user)
    html = client.get(reverse("audit:log"), {"model": "incidents.incident"}).content.decode()
    assert f"{len(newest)} entr" in html and 'aria-sort="descending"' in html


def test_the_filtered_log_exports_as_csv_safe_against_formulas(client_as, logged):
    append("decision", model="test.thing", object_id="1", object_repr='=HYPERLINK("x")')
    append("decision", model="test.thing", object_id="2", object_repr="@SUM(A1)")
    append("decision", model="test.thing", object_id="3", object_repr="-1+2")
    client = client_as("auditor")
    page = client.get(reverse("audit:log"), {"action": "decision"}).content.decode()
    assert f'href="{reverse("audit:export")}?action=decision"' in page
    response = client.get(reverse("audit:export"), {"action": "decision"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(StringIO(text)))
    assert rows[0][:4] == ["number", "at", "user", "action"]
    reprs = [row[6] for row in rows[1:] if row[4] == "test.thing"]
    assert reprs == ['\'=HYPERLINK("x")', "'@SUM(A1)", "'-1+2"]  # oldest first, quoted
    assert {row[3] for row in rows[1:]} == {"Decision"}
    # The export is recorded, and is not part of what it exported.
    export = AuditEntry.objects.order_by("-seq").first()
    assert (export.action, export.model) == ("export", "audit.auditentry")
    assert export.changes["count"] == len(rows) - 1
    assert str(export.seq) not in [row[0] for row in rows[1:]]
    # Only the auditor exports.
    assert client_as("supervisor").get(reverse("audit:export")).status_code == 403


def test_verify_the_chain_from_the_page(client_as, logged):
    client = client_as("auditor")
    page = client.get(reverse("audit:log")).content.decode()
    assert f'action="{reverse("audit:verify")}"' in page and "Verify the chain" in page
    assert client.get(reverse("audit:verify")).status_code == 405  # a POST only
    seal_pending()
    count = AuditEntry.objects.count()
    page = client.post(reverse("audit:verify")).content.decode()
    assert "The chain holds" in page and f"{count} entries checked" in page
    assert client_as("administrator").post(reverse("audit:verify")).status_code == 403
    client = client_as("auditor")
    target = AuditEntry.objects.filter(model="groups.group").first()
    as_owner(
        "UPDATE audit_auditentry SET changes = %s WHERE seq = %s",
        ['{"name": "forged"}', target.pk],
    )
    page = client.post(reverse("audit:verify")).content.decode()
    assert "The chain is broken" in page and f"entry #{target.seq}" in page
    assert "edited" in page


def test_the_log_names_each_record_in_words(client_as, logged):
    incident = logged["incident"]
    html = client_as("auditor").get(reverse("audit:log"), {"model": "incidents.incident"})
    text = html.content.decode()
    # "Incident: DR-…", with the stored label only as the cell's title.
    assert re.search(
        r'<span title="incidents.incident">Incident</span>: [^<]*' + re.escape(incident.reference),
        text,
    ), text
    assert ">incidents.incident " not in text


def test_a_record_type_that_no_longer_exists_keeps_its_stored_label():
    from drachma.audit.models import AuditEntry

    assert AuditEntry(model="people.person").record_type == "Person"
    assert AuditEntry(model="oldapp.gone").record_type == "oldapp.gone"
    assert AuditEntry(model="").record_type == ""
