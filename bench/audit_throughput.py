"""Audited writes at once on PostgreSQL: the first design (a chain-head row locked by every
audited write until its transaction commits) against the keyed, sealed design (entries written
without a shared lock, sealed after commit by one sealer at a time).

Each of ``--writers`` processes (web workers, say) runs transactions for ``--seconds``: an
audited write (``--entries`` audit entries, as a request saving a record writes), then
``--think-ms`` of other work inside the same transaction (the rest of the request), then
commit. The first design is reproduced faithfully on a table of its own (the same columns,
SHA-256 hash of the same content, the head row locked FOR UPDATE, as ``audit.services.append``
did); the new design is Drachma's ``append`` with its after-commit sealing. Contenders
alternate run by run; printed are the medians of transactions per second, the median and 95th
percentile of a transaction's time (commit and sealing included), the mean number of writers
found waiting on a lock (sampled from pg_stat_activity every 20 ms), and the machine's load
beside each run. After the runs, the sealed chain is verified.

    .venv/bin/python bench/audit_throughput.py [--writers 8] [--seconds 8] [--runs 3]
        [--think-ms 20] [--entries 2]

Creates (and drops afterwards) the database ``audit_bench`` at postgres://postgres@127.0.0.1.
SQLite is not measured: it lets one writer in at a time whatever the design.
"""

import argparse
import hashlib
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "audit_bench"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
DESIGNS = ("head lock (first design)", "sealed after commit")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--think-ms", type=float, default=20.0)
    parser.add_argument("--entries", type=int, default=2)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc"]
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            DATABASE_URL=PG_URL,
            DRACHMA_VAR_DIR=tmp,
            DRACHMA_DEBUG="0",
            DRACHMA_AUDIT_KEY="bench-" + "k" * 58,
            DRACHMA_AUDIT_ANCHOR_PATH=str(Path(tmp) / "anchors.log"),
            DRACHMA_AXES_ENABLED="0",
            DRACHMA_TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
        )
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {DB_NAME}"], check=True)
        subprocess.run([*psql, f"CREATE DATABASE {DB_NAME}"], check=True)
        try:
            subprocess.run(
                [sys.executable, __file__, "--child", *sys.argv[1:]],
                env=env,
                check=True,
                cwd=ROOT,
            )
        finally:
            subprocess.run([*psql, f"DROP DATABASE IF EXISTS {DB_NAME}"], check=False)


# --- the first design, as audit.services.append wrote it --------------------------------

OLD_SCHEMA = """
CREATE TABLE bench_old_entry (
    id bigserial PRIMARY KEY, seq bigint UNIQUE NOT NULL, at timestamptz NOT NULL,
    actor_id bigint, actor_username varchar(150) NOT NULL, action varchar(20) NOT NULL,
    model varchar(100) NOT NULL, object_id varchar(64) NOT NULL, object_repr varchar(200) NOT NULL,
    changes jsonb NOT NULL, request_id varchar(36) NOT NULL, ip_address inet,
    method varchar(10) NOT NULL, path varchar(500) NOT NULL, prev_hash varchar(64) NOT NULL,
    entry_hash varchar(64) UNIQUE NOT NULL);
CREATE INDEX ON bench_old_entry (at); CREATE INDEX ON bench_old_entry (actor_id);
CREATE INDEX ON bench_old_entry (action); CREATE INDEX ON bench_old_entry (model);
CREATE INDEX ON bench_old_entry (object_id); CREATE INDEX ON bench_old_entry (model, object_id);
CREATE TABLE bench_old_head (id int PRIMARY KEY, seq bigint NOT NULL, last_hash varchar(64));
INSERT INTO bench_old_head VALUES (1, 0, repeat('0', 64));
"""


def old_append(cursor, n: int) -> None:
    from django.utils import timezone

    cursor.execute("SELECT seq, last_hash FROM bench_old_head WHERE id = 1 FOR UPDATE")
    seq, last_hash = cursor.fetchone()
    at = timezone.now()
    content = {
        "seq": seq + 1,
        "at": at.isoformat(timespec="microseconds"),
        "actor_id": None,
        "actor_username": "bench",
        "action": "decision",
        "model": "bench.thing",
        "object_id": str(n),
        "object_repr": f"thing {n}",
        "changes": {"decision": "keep", "n": n},
        "request_id": "",
        "ip_address": None,
        "method": "",
        "path": "",
        "prev_hash": last_hash,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    entry_hash = hashlib.sha256(canonical.encode()).hexdigest()
    cursor.execute(
        "INSERT INTO bench_old_entry (seq, at, actor_id, actor_username, action, model, "
        "object_id, object_repr, changes, request_id, ip_address, method, path, prev_hash, "
        "entry_hash) VALUES (%s, %s, NULL, 'bench', 'decision', 'bench.thing', %s, %s, %s, "
        "'', NULL, '', '', %s, %s)",
        [seq + 1, at, str(n), f"thing {n}", json.dumps(content["changes"]), last_hash, entry_hash],
    )
    cursor.execute(
        "UPDATE bench_old_head SET seq = %s, last_hash = %s WHERE id = 1", [seq + 1, entry_hash]
    )


# --- one writer process ------------------------------------------------------------------


def writer(design: int, args, deadline: float, results) -> None:
    from django.db import connection, transaction

    from drachma.audit.services import append

    think = args.think_ms / 1000
    done, times, n = 0, [], 0
    while time.monotonic() < deadline:
        started = time.perf_counter()
        with transaction.atomic():
            for _ in range(args.entries):
                n += 1
                if design == 0:
                    with connection.cursor() as cursor:
                        old_append(cursor, n)
                else:
                    append(
                        "decision",
                        model="bench.thing",
                        object_id=str(n),
                        object_repr=f"thing {n}",
                        changes={"decision": "keep", "n": n},
                    )
            time.sleep(think)  # the rest of the request, inside its transaction
        # For the new design the sealing after commit is inside this time: the worker does it.
        times.append(time.perf_counter() - started)
        done += 1
    connection.close()
    results.put((done, times))


def sample_waiting(stop: threading.Event, samples: list) -> None:
    from django.db import connections

    connection = connections.create_connection("default")
    with connection.cursor() as cursor:
        while not stop.is_set():
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            samples.append(cursor.fetchone()[0])
            time.sleep(0.02)
    connection.close()


def run(design: int, args) -> dict:
    from django.db import connections

    connections.close_all()  # each writer opens its own connection after the fork
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    deadline = time.monotonic() + args.seconds
    load_before = os.getloadavg()[0]
    processes = [
        context.Process(target=writer, args=(design, args, deadline, results))
        for _ in range(args.writers)
    ]
    stop, samples = threading.Event(), []
    sampler = threading.Thread(target=sample_waiting, args=(stop, samples))
    started = time.perf_counter()
    for process in processes:
        process.start()
    sampler.start()
    collected = [results.get() for _ in processes]
    elapsed = time.perf_counter() - started
    stop.set()
    sampler.join()
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise SystemExit(f"a writer failed (exit code {process.exitcode})")
    times = sorted(t for _, ts in collected for t in ts)
    return {
        "tps": sum(done for done, _ in collected) / elapsed,
        "p50": statistics.median(times) * 1000,
        "p95": times[int(len(times) * 0.95) - 1] * 1000,
        "waiting": statistics.mean(samples) if samples else 0.0,
        "load": (load_before + os.getloadavg()[0]) / 2,
    }


def child(args) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DRACHMA_ENV", "development")  # the demo's settings
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drachma.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(OLD_SCHEMA)
    print(
        f"== PostgreSQL, {args.writers} writers, {args.seconds:g} s a run, {args.entries} "
        f"audit entries and {args.think_ms:g} ms of other work per transaction, "
        f"{os.cpu_count()} CPUs"
    )
    figures = {d: [] for d in range(len(DESIGNS))}
    for r in range(args.runs):
        order = range(len(DESIGNS)) if r % 2 == 0 else reversed(range(len(DESIGNS)))
        for design in order:
            result = run(design, args)
            figures[design].append(result)
            print(
                f"run {r + 1} {DESIGNS[design]:>26}: {result['tps']:7.1f} tx/s, "
                f"p50 {result['p50']:6.1f} ms, p95 {result['p95']:7.1f} ms, "
                f"{result['waiting']:4.1f} writers waiting on a lock, load {result['load']:.2f}"
            )
    print("medians:")
    for design, results in figures.items():

        def median(key, results=results):
            return statistics.median(r[key] for r in results)

        print(
            f"  {DESIGNS[design]:>26}: {median('tps'):7.1f} tx/s, p50 {median('p50'):6.1f} ms, "
            f"p95 {median('p95'):7.1f} ms, {median('waiting'):4.1f} writers waiting, "
            f"load {median('load'):.2f}"
        )
    from drachma.audit.models import AuditPending
    from drachma.audit.services import seal_pending, verify

    leftover = AuditPending.objects.count()
    seal_pending()
    report = verify()
    print(
        f"new design's chain: {report.sealed:,} entries sealed, intact: {report.intact}, "
        f"left for the periodic sealer after the runs: {leftover}"
    )


if __name__ == "__main__":
    main()
