"""Sealing: entries get their places in the chain after their transaction commits, once per
transaction, in the order they are found; what is not genuine is left out and named; a failed
sealer never fails the request that was saved, and the periodic task seals what it left."""

import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, OperationalError, transaction
from django.urls import reverse

from drachma.audit import services, tasks
from drachma.audit.keys import UNKEYED, keyring
from drachma.audit.models import AuditEntry, AuditPending, AuditSeal
from drachma.audit.services import SealingRefused, append, seal_pending, verify
from drachma.core.scheduling import PERIODIC
from drachma.groups.models import Group
from drachma.groups.services import save_group


def positions() -> list[int]:
    return list(AuditSeal.objects.order_by("position").values_list("position", flat=True))


@pytest.mark.django_db
def test_entries_are_sealed_when_their_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        first = append("decision", model="test.thing", object_id="1")
        group = save_group(name="Sealed Together", status="active")
        last = append("decision", model="test.thing", object_id="2")
        # Inside the transaction: written, waiting, no place in the chain yet.
        assert AuditPending.objects.filter(entry=first).exists()
        assert not AuditSeal.objects.filter(entry=first).exists()
    assert len(callbacks) == 1  # one sealer per transaction, however many entries
    created = AuditEntry.objects.get(model="groups.group", object_id=str(group.pk))
    seals = [AuditSeal.objects.get(entry=e) for e in (first, created, last)]
    assert [s.position for s in seals] == sorted(s.position for s in seals)
    assert not AuditPending.objects.exists()
    assert positions() == list(range(1, len(positions()) + 1))
    assert verify().intact


@pytest.mark.django_db
def test_a_rolled_back_write_leaves_nothing_to_seal():
    before = (AuditEntry.objects.count(), AuditPending.objects.count())
    with pytest.raises(RuntimeError), transaction.atomic():
        append("decision", model="test.thing", object_id="rolled back")
        raise RuntimeError("the request failed")
    assert (AuditEntry.objects.count(), AuditPending.objects.count()) == before
    assert seal_pending() == before[1]


@pytest.mark.django_db
def test_sealing_goes_in_batches_and_leaves_no_gap():
    for i in range(7):
        append("decision", model="test.thing", object_id=str(i))
    waiting = AuditPending.objects.count()
    assert seal_pending(batch_size=2) == waiting
    assert positions() == list(range(1, AuditEntry.objects.count() + 1))
    assert seal_pending() == 0


@pytest.mark.django_db
def test_an_entry_without_a_genuine_hash_is_left_out_of_the_chain_and_named(caplog):
    """Rows inserted by someone holding the application's database credentials but not the
    key: never sealed (a sealed forgery would break the chain for good and hide what came
    after), logged, and named by verify."""
    genuine_before = append("decision", model="test.thing", object_id="before")
    forged = AuditEntry.objects.create(
        at=genuine_before.at,
        action="view",
        model="people.person",
        object_id="13",
        actor_username="framed_officer",
        key_id=UNKEYED,
        entry_hash="f" * 64,
    )
    AuditPending.objects.create(entry=forged)
    genuine_after = append("decision", model="test.thing", object_id="after")
    with caplog.at_level(logging.ERROR, logger="drachma.audit.services"):
        seal_pending()
    assert f"Audit entries #{forged.seq} do not match their keyed hash" in caplog.text
    assert AuditSeal.objects.filter(entry__in=[genuine_before, genuine_after]).count() == 2
    assert not AuditSeal.objects.filter(entry=forged).exists()
    assert not AuditPending.objects.exists()
    problem = verify().problem
    assert (problem.seq, problem.position) == (forged.seq, None)
    assert problem.reason == (
        "it is not sealed and not hashed with this installation's key (not genuine)"
    )


@pytest.mark.django_db
def test_a_copy_of_a_genuine_entry_cannot_be_slipped_in():
    """Replaying a real entry (say, a view of a record) under a new number: refused, since
    its hash, which covers a random nonce, must be unique."""
    original = append("view", model="people.person", object_id="5", object_repr="Someone")
    columns = [f.name for f in AuditEntry._meta.concrete_fields if f.name != "seq"]
    fields = {name: getattr(original, name) for name in columns}
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.create(**fields)


@pytest.mark.django_db
def test_a_forged_last_seal_stops_sealing_and_is_named():
    waiting = append("decision", model="test.thing", object_id="1")
    last = AuditSeal.objects.order_by("-position").first()
    AuditSeal.objects.create(
        position=last.position + 1,
        entry=waiting,
        prev_hash=last.chain_hash,
        chain_hash="e" * 64,
        key_id=keyring().current.id,
        sealed_at=last.sealed_at,
    )
    append("decision", model="test.thing", object_id="2")
    with pytest.raises(SealingRefused, match=rf"last seal, #{last.position + 1}, does not hold"):
        seal_pending()
    assert AuditPending.objects.count() == 2  # nothing chained onto the forgery
    problem = verify().problem
    assert (problem.position, problem.seq) == (last.position + 1, waiting.seq)
    assert problem.reason == "its seal does not match its entry and place (re-hashed or forged)"


def test_the_periodic_tasks_are_scheduled():
    schedule = {p.task: p.seconds for p in PERIODIC}
    assert schedule[tasks.seal_and_anchor] == 60
    assert schedule[tasks.requeue_unsealed] == 3600


@pytest.mark.django_db
def test_entries_taken_out_of_the_queue_are_reported_and_queued_again(caplog):
    """Someone with the application's credentials deletes queue rows, so that entries are
    never sealed (and could later go unnoticed): verify says so, the hourly task undoes it."""
    entry = append("view", model="people.person", object_id="3", object_repr="Watched")
    AuditPending.objects.filter(entry=entry).delete()
    seal_pending()
    assert not AuditSeal.objects.filter(entry=entry).exists()
    report = verify()
    assert report.intact and report.unqueued == [entry.seq] and entry.seq in report.unsealed
    out = StringIO()
    call_command("verify_audit", "--no-anchor", stdout=out)
    assert "1 were taken out of the sealer's queue by hand" in out.getvalue()
    with caplog.at_level(logging.WARNING, logger="drachma.audit.services"):
        assert tasks.requeue_unsealed.call() == 1
    assert f"#{entry.seq} were neither sealed nor queued" in caplog.text
    seal_pending()
    assert AuditSeal.objects.filter(entry=entry).exists()
    report = verify()
    assert report.intact and not report.unsealed and not report.unqueued
    assert tasks.requeue_unsealed.call() == 0


@pytest.mark.django_db
def test_the_periodic_task_seals_what_was_left_and_anchors_the_head(settings):
    left = [append("decision", model="test.thing", object_id=str(i)) for i in range(3)]
    waiting = AuditPending.objects.count()
    result = tasks.seal_and_anchor.call()
    head = AuditSeal.objects.order_by("-position").first()
    assert result == {"sealed": waiting, "head": head.position} and waiting >= 3
    assert AuditSeal.objects.filter(entry__in=left).count() == 3
    assert str(head.chain_hash) in settings.DRACHMA_AUDIT_ANCHOR_PATH.read_text()
    assert tasks.seal_and_anchor.call() == {"sealed": 0, "head": head.position}
    assert len(settings.DRACHMA_AUDIT_ANCHOR_PATH.read_text().splitlines()) == 1


# --- with real commits -------------------------------------------------------------------


def _create_group_through_the_page(client_as) -> Group:
    client = client_as("analyst")
    response = client.post(
        reverse("groups:group_create"),
        {"name": "Committed Group", "status": "active", "mopi_group": "3"},
    )
    assert response.status_code == 302
    return Group.objects.get(name="Committed Group")


@pytest.mark.django_db(transaction=True)
def test_a_request_seals_its_entries_as_it_commits(client_as):
    group = _create_group_through_the_page(client_as)
    entry = AuditEntry.objects.get(model="groups.group", object_id=str(group.pk))
    assert AuditSeal.objects.filter(entry=entry).exists()
    assert not AuditPending.objects.exists()
    assert verify().intact


@pytest.mark.django_db(transaction=True)
def test_a_sealer_that_fails_after_commit_loses_nothing(client_as, monkeypatch, caplog):
    """The database goes away between the request's commit and its sealing: the request still
    succeeds, its entries wait, and the periodic task seals them."""

    def unavailable():
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "_take_sealer_lock", unavailable)
    with caplog.at_level(logging.ERROR):
        group = _create_group_through_the_page(client_as)
    assert "server closed the connection unexpectedly" in caplog.text
    entry = AuditEntry.objects.get(model="groups.group", object_id=str(group.pk))
    assert AuditPending.objects.filter(entry=entry).exists()
    assert not AuditSeal.objects.filter(entry=entry).exists()
    assert verify().intact  # waiting is not broken

    monkeypatch.undo()
    tasks.seal_and_anchor.call()
    assert AuditSeal.objects.filter(entry=entry).exists()
    assert not AuditPending.objects.exists()
    report = verify()
    assert report.intact and not report.unsealed
