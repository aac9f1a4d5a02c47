"""The deadline sweep at scale: 100,000 open safeguarding actions in PostgreSQL and SQLite.

Creates the actions with ``bulk_create`` (owned by 40 officers under 5 supervisors, on 2,000
incidents), all past their due time, so one sweep marks every one overdue and tells each
owner and supervisor once. Times that sweep (and again after resetting the marks, ``--runs``
times), then an idle sweep with nothing new to mark (what runs every minute), and counts the
queries each makes. Goal: a bounded number of queries (no query per action), and a sweep
well inside its one-minute period.

    .venv/bin/python bench/safeguarding_deadlines.py [--actions 100000] [--runs 3]
        [--only postgresql|sqlite]

PostgreSQL: creates (and drops afterwards) the database ``safeguarding_bench`` at
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
DB_NAME = "safeguarding_bench"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["postgresql", "sqlite"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    targets = [args.only] if args.only else ["postgresql", "sqlite"]
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc"]
    for target in targets:
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(
                os.environ,
                DRACHMA_VAR_DIR=tmp,
                DRACHMA_DEBUG="0",
                DRACHMA_AUDIT_KEY="bench-" + "k" * 58,  # production refuses to start without
                DRACHMA_AXES_ENABLED="0",
                DRACHMA_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                DRACHMA_TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
            )
            if target == "postgresql":
                subprocess.run([*psql, f"DROP DATABASE IF EXISTS {DB_NAME}"], check=True)
                subprocess.run([*psql, f"CREATE DATABASE {DB_NAME}"], check=True)
                env["DATABASE_URL"] = PG_URL
            else:
                env.pop("DATABASE_URL", None)
            try:
                subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        "--actions",
                        str(args.actions),
                        "--runs",
                        str(args.runs),
                    ],
                    env=env,
                    check=True,
                    cwd=ROOT,
                )
            finally:
                if target == "postgresql":
                    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {DB_NAME}"], check=False)


def child(args) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DRACHMA_ENV", "development")  # the demo's settings
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drachma.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print(f"\n== {connection.vendor}: {args.actions:,} open actions, all past due")
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    load(args.actions)
    print(f"bulk_create: {time.perf_counter() - t:.1f} s")
    measure(args.actions, args.runs)


def load(count: int) -> None:
    import datetime
    import random

    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.utils import timezone

    from drachma.accounts.models import Account
    from drachma.incidents.models import Incident
    from drachma.safeguarding.models import SafeguardingAction, ThriveAssessment

    rng = random.Random(3)

    def user(name: str, role: str, supervisor=None):
        # Not accounts.services.create_user: its Argon2 hashing would dominate the load time.
        made = User.objects.create(username=name, email=f"{name}@police.example")
        made.groups.add(Group.objects.get(name=role))
        Account.objects.create(user=made, supervisor=supervisor)
        return made

    supervisors = [user(f"sgt{i}", "supervisor") for i in range(5)]
    officers = [user(f"pc{i}", "safeguarding_officer", supervisors[i % 5]) for i in range(40)]
    now = timezone.now()
    start = now - datetime.timedelta(days=30)
    incidents = Incident.objects.bulk_create(
        [
            Incident(
                reference=f"DR-B-{i:06d}",
                received_at=start,
                occurred_at=start,
                source="group",
                kind="doorstep",
                summary="synthetic",
                place="Elsewhere",
                review_date=datetime.date(2030, 1, 1),
            )
            for i in range(2_000)
        ],
        batch_size=1_000,
    )
    incidents = list(Incident.objects.order_by("pk"))
    scores = {
        f"{f}_score": 2
        for f in ["threat", "harm", "risk", "investigation", "vulnerability", "engagement"]
    }
    notes = {
        f"{f}_rationale": "x"
        for f in ["threat", "harm", "risk", "investigation", "vulnerability", "engagement"]
    }
    assessments = ThriveAssessment.objects.bulk_create(
        [
            ThriveAssessment(
                incident=i,
                assessed_by=officers[0],
                assessed_at=start,
                proposed_grade="priority",
                grade="priority",
                **scores,
                **notes,
            )
            for i in incidents
        ],
        batch_size=1_000,
    )
    kinds = [
        "welfare_check",
        "family_liaison",
        "adult_social_care",
        "childrens_services",
        "victim_support",
    ]
    SafeguardingAction.objects.bulk_create(
        (
            SafeguardingAction(
                incident=incidents[n % len(incidents)],
                assessment=assessments[n % len(assessments)],
                kind=rng.choice(kinds),
                owner=officers[n % len(officers)],
                grade="priority",
                due_at=now - datetime.timedelta(minutes=rng.randrange(1, 60 * 24 * 20)),
                created_at=start,
            )
            for n in range(count)
        ),
        batch_size=5_000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(count: int, runs: int) -> None:
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from drachma.core.models import Notification
    from drachma.safeguarding.models import SafeguardingAction
    from drachma.safeguarding.services import sweep_deadlines

    reverse(
        "safeguarding:queue"
    )  # load the URLconf (and the apps it imports) as a running worker has
    times, queries = [], []
    for run in range(runs):
        if run:  # put the marks back, untimed, so the next sweep has the same work
            SafeguardingAction.objects.update(overdue=False, overdue_notified_at=None)
            vacuum()
        mail.outbox = []
        told_before = Notification.objects.count()
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            marked = sweep_deadlines()
            times.append(time.perf_counter() - t)
        queries.append(len(ctx.captured_queries))
        told = Notification.objects.count() - told_before
        assert marked == count, (marked, count)
        print(
            f"sweep {run + 1}: marked {marked:,} overdue in {times[-1] * 1000:,.0f} ms, "
            f"{queries[-1]} queries, {told} people told in the app, {len(mail.outbox)} e-mails"
        )
    with CaptureQueriesContext(connection) as ctx:
        t = time.perf_counter()
        again = sweep_deadlines()
        idle_dirty = time.perf_counter() - t
    print(
        f"idle sweep right after (nothing new): marked {again} in {idle_dirty * 1000:,.1f} ms, "
        f"{len(ctx.captured_queries)} queries"
    )
    vacuum()
    idle_times = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            sweep_deadlines()
            idle_times.append(time.perf_counter() - t)
    idle = statistics.median(idle_times)
    print(
        f"idle sweep once vacuumed (what runs every minute): median of 5 {idle * 1000:,.1f} ms, "
        f"{len(ctx.captured_queries)} queries"
    )
    print(
        f"RESULT {connection.vendor}: {count:,} actions, sweep median "
        f"{statistics.median(times) * 1000:,.0f} ms (best {min(times) * 1000:,.0f} ms), "
        f"{max(queries)} queries; idle {idle * 1000:,.1f} ms"
    )


def vacuum() -> None:
    """What autovacuum does in time: clear the row versions the (untimed) reset left."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE safeguarding_safeguardingaction"
            if connection.vendor == "postgresql"
            else "ANALYZE"
        )


if __name__ == "__main__":
    main()
