"""Statistics at scale: 1,000,000 synthetic incidents in PostgreSQL and SQLite.

Times each query of the statistics page (``drachma.statistics.selectors.overview``) and the
FOI answer, printing the median and 95th percentile over repeated runs, and the number of
queries per page. Goal: every statistics query under 300 ms at the 95th percentile on
PostgreSQL at this size.

    .venv/bin/python bench/stats.py [--rows 1000000] [--runs 15] [--only postgresql|sqlite]

PostgreSQL: creates (and drops afterwards) the database ``bench_stats`` at
postgres://postgres@127.0.0.1:5432. SQLite: a file in a temporary directory.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_URL = "postgres://postgres@127.0.0.1:5432/bench_stats"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--only", choices=["postgresql", "sqlite"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    targets = [args.only] if args.only else ["postgresql", "sqlite"]
    for target in targets:
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(
                os.environ,
                DRACHMA_VAR_DIR=tmp,
                DRACHMA_DEBUG="0",
                DRACHMA_AXES_ENABLED="0",
                DRACHMA_AUDIT_KEY="bench-" + "k" * 58,  # production refuses to start without
            )
            if target == "postgresql":
                subprocess.run(
                    [
                        "psql",
                        "-h",
                        "127.0.0.1",
                        "-U",
                        "postgres",
                        "-qc",
                        "DROP DATABASE IF EXISTS bench_stats",
                    ],
                    check=True,
                )
                subprocess.run(
                    [
                        "psql",
                        "-h",
                        "127.0.0.1",
                        "-U",
                        "postgres",
                        "-qc",
                        "CREATE DATABASE bench_stats",
                    ],
                    check=True,
                )
                env["DATABASE_URL"] = PG_URL
            else:
                env.pop("DATABASE_URL", None)
            try:
                subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        "--rows",
                        str(args.rows),
                        "--runs",
                        str(args.runs),
                    ],
                    env=env,
                    check=True,
                    cwd=ROOT,
                )
            finally:
                if target == "postgresql":
                    subprocess.run(
                        [
                            "psql",
                            "-h",
                            "127.0.0.1",
                            "-U",
                            "postgres",
                            "-qc",
                            "DROP DATABASE IF EXISTS bench_stats",
                        ],
                        check=False,
                    )


def child(args) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drachma.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    vendor = connection.vendor
    print(f"\n== {vendor}: {args.rows:,} incidents")
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    load(args.rows)
    print(f"load: {time.perf_counter() - t:.1f} s")
    from drachma.statistics.rollup import rebuild

    t = time.perf_counter()
    rows = rebuild()  # the bulk load bypassed the services that keep monthly counts in step
    print(f"rebuild monthly counts: {rows:,} rows in {time.perf_counter() - t:.1f} s")
    measure(args.runs)


def load(rows: int) -> None:
    """Insert synthetic incidents (and their group links) straight into the tables."""
    import datetime
    import random

    from django.db import connection

    from drachma.areas.models import Ward
    from drachma.groups.models import Group

    connection.ensure_connection()
    if connection.vendor == "postgresql":
        connection.connection.autocommit = True  # VACUUM cannot run inside a transaction
    rng = random.Random(1)
    wards = list(Ward.objects.values_list("pk", "borough_id"))
    groups = [
        Group.objects.create(name=f"Bench group {i}", review_date=datetime.date(2030, 1, 1)).pk
        for i in range(12)
    ]
    sources = ["group", "public", "platform", "officer", "partner"]
    kinds = [
        "online_sting",
        "live_streamed",
        "doorstep",
        "publication",
        "family_harassment",
        "other",
    ]
    outcomes = ["", "arrest", "voluntary_interview", "nfa", "referred"]
    statuses = ["new", "assessing", "investigating", "closed"]
    start = datetime.datetime(2017, 1, 1, tzinfo=datetime.UTC)
    span = int((datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC) - start).total_seconds())
    now = datetime.datetime.now(datetime.UTC)
    cols = (
        "reference, received_at, occurred_at, source, kind, status, summary, borough_id, "
        "ward_id, place, live_streamed, stream_platform, stream_url, police_attended, outcome, "
        "mopi_group, review_date, created_at, updated_at"
    )

    def incident(i):
        occurred = start + datetime.timedelta(seconds=rng.randrange(span))
        ward, borough = rng.choice(wards) if rng.random() > 0.1 else (None, None)
        return (
            f"DR-B-{i:07d}",
            occurred,
            occurred,
            rng.choice(sources),
            rng.choice(kinds),
            rng.choice(statuses),
            "synthetic",
            borough,
            ward,
            "" if ward else "Elsewhere",
            False,
            "",
            "",
            False,
            rng.choice(outcomes),
            3,
            datetime.date(2030, 1, 1),
            now,
            now,
        )

    batch = 50_000
    with connection.cursor() as cursor:
        for first in range(0, rows, batch):
            data = [incident(i) for i in range(first, min(rows, first + batch))]
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY incidents_incident ({cols}) FROM STDIN") as copy:
                    for row in data:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(cols.split(", ")))
                cursor.executemany(
                    f"INSERT INTO incidents_incident ({cols}) VALUES ({marks})", data
                )
        cursor.execute("SELECT MIN(id), MAX(id) FROM incidents_incident")
        low, high = cursor.fetchone()
        links = [(pk, rng.choice(groups)) for pk in range(low, high + 1) if rng.random() < 0.9]
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                "COPY incidents_incident_groups (incident_id, group_id) FROM STDIN"
            ) as copy:
                for row in links:
                    copy.write_row(row)
            # What autovacuum would do in time: the visibility map makes index-only scans possible.
            cursor.execute("VACUUM ANALYZE incidents_incident")
            cursor.execute("VACUUM ANALYZE incidents_incident_groups")
        else:
            cursor.executemany(
                "INSERT INTO incidents_incident_groups (incident_id, group_id) VALUES (%s, %s)",
                links,
            )
            cursor.execute("ANALYZE")


def timed(fn, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(round(0.95 * len(times))) - 1)]


def measure(runs: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from drachma.statistics import selectors as s

    periods = {
        "one year (2018)": s.Period.of("2018-01-01", "2018-12-31"),
        "two years (2017-2018)": s.Period.of("2017-01-01", "2018-12-31"),
        "all (2017-2026)": s.Period.of("2017-01-01", "2026-12-31"),
    }
    queries = {
        "summary": lambda p: s.summary(p),
        "by month/quarter": lambda p: s.counts_by(
            p, "month" if (p.end - p.start).days < 1100 else "quarter"
        ),
        "by area": lambda p: s.counts_by(p, "area"),
        "by borough": lambda p: s.counts_by(p, "borough"),
        "by ward": lambda p: s.counts_by(p, "ward"),
        "by source": lambda p: s.counts_by(p, "source"),
        "by kind": lambda p: s.counts_by(p, "kind"),
        "by outcome": lambda p: s.counts_by(p, "outcome"),
        "by group": lambda p: s.counts_by(p, "group"),
        "rates per 100k": lambda p: s.rates_per_100k(p),
        "trend by area": lambda p: s.trend(p, "area"),
    }
    foi = _foi_function()
    print(f"{'query':<22} {'period':<24} {'median ms':>10} {'p95 ms':>10}")
    worst = 0.0
    for pname, period in periods.items():
        for qname, fn in queries.items():
            median, p95 = timed(lambda fn=fn, period=period: fn(period), runs)
            worst = max(worst, p95)
            print(f"{qname:<22} {pname:<24} {median:>10.1f} {p95:>10.1f}")
        if foi is not None:
            median, p95 = timed(lambda period=period: foi(period), runs)
            worst = max(worst, p95)
            print(f"{'FOI answer':<22} {pname:<24} {median:>10.1f} {p95:>10.1f}")
    for pname, period in periods.items():
        with CaptureQueriesContext(connection) as ctx:
            s.overview(period)
        print(f"statistics page ({pname}): {len(ctx.captured_queries)} queries")
    print(
        f"worst p95: {worst:.1f} ms ({'meets' if worst < 300 else 'misses'} the 300 ms goal "
        f"on {connection.vendor})"
    )


def _foi_function():
    try:
        from drachma.statistics.foi import foi_answer
    except ImportError:
        return None
    return lambda period: foi_answer(period, by="area")


if __name__ == "__main__":
    main()
