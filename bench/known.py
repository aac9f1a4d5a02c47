""" "Already known?" for one report with 20 identifiers, as the stored identifiers grow.

Input: a PostgreSQL database of its own (``known_bench`` on ``$BENCH_DATABASE_URL``'s server,
by default postgres://postgres@127.0.0.1:5432/known_bench; migrated, then filled and kept)
holding N people's identifiers: a third each phone numbers, e-mail addresses and handles (on
five platforms), one person for every three, inserted by ``generate_series``. The report names
20 identifiers: 6 phone numbers, 5 e-mail addresses, 7 handles and 2 profile URLs, half of
them stored (exact matches), a quarter one character off a stored one (fuzzy matches), the
rest unknown. Names are left out: they go through people's duplicate check, measured by
``bench/intake_matching.py``.
Peer: the same check with the trigram index dropped (what the fuzzy step costs without it),
at the sizes where that finishes.
Goal: p95 under 100 ms at N = 1,000,000. Printed for each N (10,000 to 1,000,000 unless
sizes are given): median and p95 over 30 warm checks, queries per check, and the plans of
the exact and the fuzzy lookup (both must use an index), with the load average beside them.
Each check is audited, as in use (one entry per check, one view per person described).

    .venv/bin/python bench/known.py [N ...]
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DRACHMA_ENV", "development")
os.environ["DJANGO_SETTINGS_MODULE"] = "drachma.settings"
# Kept with the database: the audit key that seals its chain lives here.
os.environ["DRACHMA_VAR_DIR"] = os.path.join(tempfile.gettempdir(), "drachma-bench-known")
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/known_bench")
os.environ["DATABASE_URL"] = SERVER

import psycopg  # noqa: E402

server, _, name = SERVER.rpartition("/")
with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
    if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        admin.execute(f'CREATE DATABASE "{name}"')

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SIZES = [int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000]
RUNS = 30
PLATFORMS = "ARRAY['tiktok','x','instagram','facebook','snapchat']"


def stored() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM people_personidentifier")
        return cur.fetchone()[0]


def grow_to(n: int) -> None:
    """Add identifiers (and their people) until there are ``n``; identifier i is phone,
    e-mail or handle by i mod 3, and its person is i // 3."""
    have = stored()
    if have >= n:
        return
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO people_person (given_names, family_name, known_as, address, postcode,
                flag_learning_disability, flag_mental_ill_health, flag_self_harm,
                flag_children_in_household, flag_other, flag_other_text, notes, mopi_group,
                review_date, created_at, updated_at)
            SELECT 'Bench', 'P' || p, '', '', '', p %% 50 = 0, false, false, false, false, '',
                '', 3, now()::date + 3650, now(), now()
            FROM generate_series((SELECT count(*) FROM people_person), %s) AS p
            """,
            [(n - 1) // 3],
        )
        cur.execute(
            f"""
            WITH people AS (
                SELECT id, row_number() OVER (ORDER BY id) - 1 AS p FROM people_person
            ), wanted AS (SELECT i FROM generate_series(%s, %s) AS i)
            INSERT INTO people_personidentifier (person_id, kind, platform, value, normalized,
                source, created_at, updated_at)
            SELECT people.id,
                (ARRAY['phone','email','handle'])[i %% 3 + 1],
                CASE WHEN i %% 3 = 2 THEN ({PLATFORMS})[i %% 5 + 1] ELSE '' END,
                v, v, 'bench', now(), now()
            FROM wanted
            JOIN people ON people.p = wanted.i / 3
            CROSS JOIN LATERAL (SELECT CASE i %% 3
                WHEN 0 THEN '+447911' || lpad((i / 3 %% 1000000)::text, 6, '0')
                WHEN 1 THEN substr(md5(i::text), 1, 9) || '@example.com'
                ELSE 'h' || substr(md5(i::text), 1, 11)
            END AS v) AS spelled
            """,
            [have, n - 1],
        )
        cur.execute("ANALYZE people_person; ANALYZE people_personidentifier")


def report(n: int) -> list:
    """20 identifiers: half stored, a quarter one character off a stored one, the rest new."""
    from drachma.intake.known import Query

    step = max(1, n // 40)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT value FROM people_personidentifier WHERE id IN "
            "(SELECT id FROM people_personidentifier ORDER BY id LIMIT 40 * %s) "
            "AND (id %% %s) = 0 ORDER BY id",
            [step, step],
        )
        samples = [row[0] for row in cur.fetchall()]
    by_kind = {
        "phone": [v for v in samples if v.startswith("+44")],
        "email": [v for v in samples if "@" in v],
        "handle": [v for v in samples if v.startswith("h")],
    }
    unknown = {"phone": "+44791199{:04d}", "email": "new{}@example.org", "handle": "nobody_{}"}
    queries = []
    for kind, exact, close, new in (("phone", 3, 0, 3), ("email", 2, 2, 1), ("handle", 4, 2, 1)):
        values = by_kind[kind]
        queries += [Query(kind, v) for v in values[:exact]]
        for v in values[exact:][:close]:  # one character off
            queries.append(Query(kind, v[:-1] + ("x" if v[-1] != "x" else "y")))
        queries += [Query(kind, unknown[kind].format(i)) for i in range(new)]
    queries += [
        Query("url", f"https://www.tiktok.com/@{by_kind['handle'][0]}"),
        Query("url", "https://www.instagram.com/nobody_at_all/"),
    ]
    return queries[:20]


def plans(sample_handle: str) -> tuple[str, str]:
    with connection.cursor() as cur:
        cur.execute(
            "EXPLAIN SELECT * FROM people_personidentifier "
            "WHERE kind = 'handle' AND normalized = %s",
            [sample_handle],
        )
        exact = " / ".join(r[0].strip() for r in cur.fetchall() if "Scan" in r[0])
        cur.execute(
            "EXPLAIN SELECT * FROM people_personidentifier WHERE kind = 'handle' "
            "AND normalized %% %s LIMIT 200",
            [sample_handle],
        )
        fuzzy = " / ".join(r[0].strip() for r in cur.fetchall() if "Scan" in r[0])
    return exact, fuzzy


def timed(viewer, queries) -> tuple[float, float, int]:
    from drachma.audit.context import acting_as
    from drachma.intake import known

    times = []
    counted = 0
    with acting_as(label="bench"):
        known.check(viewer, queries, via="bench")  # warm
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                known.check(viewer, queries, via="bench")
                times.append((time.perf_counter() - start) * 1000)
            counted = len(captured)
            reset_queries()
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], counted


def main() -> None:
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from drachma.accounts.services import create_user

    viewer = get_user_model().objects.filter(username="bench_supervisor").first() or create_user(
        username="bench_supervisor", password="bench bench bench bench", roles=["supervisor"]
    )
    print(f"{'N':>10} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'load':>6}  plans")
    for n in SIZES:
        grow_to(n)
        queries = report(n)
        median, p95, count = timed(viewer, queries)
        exact, fuzzy = plans(queries[10].value)
        load = os.getloadavg()[0]
        print(f"{n:>10,} {median:>10.1f} {p95:>8.1f} {count:>8} {load:>6.2f}  exact: {exact}")
        print(f"{'':>47}  fuzzy: {fuzzy}")
        if n <= 100_000:
            with connection.cursor() as cur:
                cur.execute("DROP INDEX IF EXISTS people_personidentifier_normalized_trgm")
            median_peer, p95_peer, _ = timed(viewer, queries)
            print(f"{'':>10} {median_peer:>10.1f} {p95_peer:>8.1f}  (peer: no trigram index)")
            with connection.cursor() as cur:
                cur.execute(
                    "CREATE INDEX people_personidentifier_normalized_trgm ON "
                    "people_personidentifier USING gin (normalized gin_trgm_ops)"
                )


if __name__ == "__main__":
    main()
