"""Writers at once on PostgreSQL (what production runs): no writer waits on another's
transaction, all commit, and one sealer at a time gives every entry one place, in commit order,
with no gap. (SQLite lets one writer in at a time by itself, so there is nothing to race.)"""

import threading

import pytest
from django.db import connection, transaction

from drachma.audit import services
from drachma.audit.models import AuditEntry, AuditPending, AuditSeal
from drachma.audit.services import append, seal_pending, verify
from drachma.groups.services import save_group

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
    ),
]
WAIT = 60  # seconds before a thread is taken to be stuck (never reached when all is well)


def run_threads(target, count: int) -> None:
    errors: list[BaseException] = []

    def guarded(i):
        try:
            target(i)
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    assert not errors, errors


def chain_positions_of(entries) -> list[int]:
    return [AuditSeal.objects.get(entry_id=e).position for e in entries]


def test_concurrent_writers_all_commit_and_are_sealed_in_commit_order_without_gaps():
    writers, transactions_each = 8, 4
    start = threading.Barrier(writers)
    written: dict[int, list[int]] = {}

    def writer(i):
        start.wait(WAIT)
        written[i] = []
        for j in range(transactions_each):
            with transaction.atomic():
                group = save_group(name=f"Writer {i} group {j}", status="active")
                entry = append("decision", model="test.thing", object_id=f"{i}-{j}")
            written[i].append(
                AuditEntry.objects.get(model="groups.group", object_id=str(group.pk)).seq
            )
            written[i].append(entry.seq)

    run_threads(writer, writers)
    assert not AuditPending.objects.exists()
    total = AuditEntry.objects.count()
    assert list(AuditSeal.objects.order_by("position").values_list("position", flat=True)) == list(
        range(1, total + 1)
    )
    assert AuditSeal.objects.values("entry").distinct().count() == total
    # Each writer's transactions committed one after another: so were they sealed.
    for entries in written.values():
        assert chain_positions_of(entries) == sorted(chain_positions_of(entries))
    report = verify()
    assert report.intact and report.sealed == total and not report.unsealed


def test_a_writer_does_not_wait_for_another_writers_open_transaction():
    """The first design held the chain-head row from the first audited write to the commit,
    so every other audited write waited for the slowest request."""
    slow_written, release_slow, fast_done = threading.Event(), threading.Event(), threading.Event()
    seqs = {}

    def slow():
        with transaction.atomic():
            seqs["slow"] = append("decision", model="test.thing", object_id="slow").seq
            slow_written.set()
            release_slow.wait(WAIT)

    def fast():
        slow_written.wait(WAIT)
        with transaction.atomic():
            seqs["fast"] = append("decision", model="test.thing", object_id="fast").seq
        fast_done.set()

    threads = [threading.Thread(target=run_closing, args=(f,)) for f in (slow, fast)]
    for thread in threads:
        thread.start()
    try:
        observed = {
            "fast committed while slow was open": fast_done.wait(WAIT),
            "fast sealed while slow was open": AuditSeal.objects.filter(
                entry__object_id="fast"
            ).exists(),
            "slow still uncommitted": not AuditEntry.objects.filter(object_id="slow").exists(),
        }
    finally:
        release_slow.set()
        for thread in threads:
            thread.join(WAIT)
    assert observed == {
        "fast committed while slow was open": True,
        "fast sealed while slow was open": True,
        "slow still uncommitted": True,
    }
    # Numbered as written, sealed as committed.
    slow_seal, fast_seal = (AuditSeal.objects.get(entry_id=seqs[k]) for k in ("slow", "fast"))
    assert seqs["slow"] < seqs["fast"] and fast_seal.position < slow_seal.position
    assert verify().intact


def run_closing(work) -> None:
    try:
        work()
    finally:
        connection.close()


def test_sealers_racing_give_each_entry_one_place(monkeypatch):
    """Entries committed while sealing was held back, then several sealers at once."""
    monkeypatch.setattr(services, "seal_after_commit", lambda: None)
    for i in range(120):
        append("decision", model="test.thing", object_id=str(i))
    monkeypatch.undo()
    waiting = AuditPending.objects.count()
    assert waiting >= 120
    start = threading.Barrier(4)
    sealed = []

    def sealer(_):
        start.wait(WAIT)
        sealed.append(seal_pending(batch_size=7))

    run_threads(sealer, 4)
    assert sum(sealed) == waiting
    total = AuditEntry.objects.count()
    assert list(AuditSeal.objects.order_by("position").values_list("position", flat=True)) == list(
        range(1, total + 1)
    )
    assert verify().intact
