"""The link chart at scale (issue #16): a two-hop neighbourhood fetched from a database holding
1,000,000 links on PostgreSQL, and a 5,000-entity chart drawn in Chromium.

Fetch. Loads, straight into the apps' tables by COPY, a synthetic network whose links number
about ``--links``: 2,000 groups with an account each, incidents naming one group (some two),
people involved in them (the subject, family, and group members drawn from a pool of regulars,
so that groups share members). Every incident-person row, incident-group row and account is a
link, and each group member's row also links the person to the incident's groups. Then times
``links.graph.build`` of a two-hop chart around random groups and people, as a supervisor (who
sees everything, so nothing is only counted), ``--runs`` times each: median and 95th
percentile, the chart's size, and the analysis (degree, betweenness, communities) and the JSON
the API answers with on top. Goal: the fetch under 1 s at the 95th percentile.

Render. A chart of ``--nodes`` entities (5,000) and half again as many links, generated, served
to the chart page's own script (``links/static/links/chart.js``, with the vendored
Cytoscape.js) through Playwright's routing, in Debian's Chromium: the time from navigation to
the chart's first render (``data-links-ready``), median and 95th percentile over ``--renders``
loads. Goal: interactive (first render within a few seconds).

    .venv/bin/python bench/linkchart.py [--links 1000000] [--runs 20] [--nodes 5000]
        [--renders 5] [--only fetch|render]

PostgreSQL: creates (and drops afterwards) the database ``linkchart_bench`` at
postgres://postgres@127.0.0.1:5432. Loading 1,000,000 links takes a few minutes.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "linkchart_bench"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
GROUPS = 2_000
REGULARS = 6_000  # group members who turn up at many incidents


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--links", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--nodes", type=int, default=5_000)
    parser.add_argument("--renders", type=int, default=5)
    parser.add_argument("--only", choices=["fetch", "render"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    if args.only != "render":
        fetch_bench(args)
    if args.only != "fetch":
        render_bench(args)


def _env(tmp: str) -> dict:
    return dict(
        os.environ,
        DRACHMA_VAR_DIR=tmp,
        DRACHMA_DEBUG="0",
        DRACHMA_AUDIT_KEY="bench-" + "k" * 58,
        DRACHMA_AXES_ENABLED="0",
        DRACHMA_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DRACHMA_TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
        DATABASE_URL=PG_URL,
    )


def fetch_bench(args) -> None:
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc"]
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {DB_NAME}"], check=True)
        subprocess.run([*psql, f"CREATE DATABASE {DB_NAME}"], check=True)
        try:
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    "--links",
                    str(args.links),
                    "--runs",
                    str(args.runs),
                ],
                env=_env(tmp),
                check=True,
                cwd=ROOT,
            )
        finally:
            subprocess.run([*psql, f"DROP DATABASE IF EXISTS {DB_NAME}"], check=False)


def child(args) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DRACHMA_ENV", "development")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drachma.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print(f"\n== fetch on {connection.vendor}: about {args.links:,} links")
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    counts = load(args.links)
    print(
        f"load (COPY): {time.perf_counter() - t:.1f} s; "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items())
    )
    measure(args.runs)


def _copy(cursor, model, rows: list[dict]) -> None:
    """COPY ``rows`` into ``model``'s table, every other column at its default."""
    import datetime

    from django.db import models

    now = datetime.datetime.now(datetime.UTC)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    given = set(rows[0]) if rows else set()

    def default(f):
        if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
            return now
        value = f.get_default()
        if value is None and not f.null:
            if isinstance(f, models.DateField):
                return datetime.date(2030, 1, 1)
            return ""
        return value

    defaults = {f.attname: default(f) for f in fields if f.attname not in given}
    columns = [f.column for f in fields]
    names = [f.attname for f in fields]
    with cursor.cursor.copy(
        f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    ) as copy:
        for row in rows:
            copy.write_row([row[n] if n in row else defaults[n] for n in names])


def load(links: int) -> dict:
    import datetime
    import random

    from django.db import connection

    from drachma.groups.models import Group, PlatformAccount
    from drachma.incidents.models import Incident, IncidentPerson
    from drachma.people.models import Person

    connection.ensure_connection()
    connection.connection.autocommit = True
    rng = random.Random(16)
    # Each incident brings about 6 links: its group(s), its subject, family and members (each
    # member's row is also a link to the group).
    incidents = max(1, (links - 2 * GROUPS) // 6)
    people = max(REGULARS + 1, incidents)
    start = datetime.datetime(2018, 1, 1, tzinfo=datetime.UTC)
    span = 8 * 365 * 86400
    counts = {}
    with connection.cursor() as cursor:
        _copy(
            cursor,
            Group,
            [
                {"name": f"Bench group {i}", "status": "active", "mopi_group": 3}
                for i in range(GROUPS)
            ],
        )
        group_ids = list(Group.objects.order_by("pk").values_list("pk", flat=True))
        _copy(
            cursor,
            PlatformAccount,
            [
                {"group_id": g, "platform": "facebook", "handle": f"@bench{g}", "url": ""}
                for g in group_ids
            ],
        )
        batch = 100_000
        for first in range(0, people, batch):
            _copy(
                cursor,
                Person,
                [
                    {"given_names": "Bench", "family_name": f"Person {i}", "mopi_group": 3}
                    for i in range(first, min(people, first + batch))
                ],
            )
        person_ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
        regulars = person_ids[:REGULARS]
        for first in range(0, incidents, batch):
            _copy(
                cursor,
                Incident,
                [
                    {
                        "reference": f"DR-L-{i:08d}",
                        "received_at": (
                            when := start + datetime.timedelta(seconds=rng.randrange(span))
                        ),
                        "occurred_at": when,
                        "source": "group",
                        "kind": "doorstep",
                        "status": "closed",
                        "summary": "synthetic",
                        "place": "Elsewhere",
                        "mopi_group": 3,
                    }
                    for i in range(first, min(incidents, first + batch))
                ],
            )
        cursor.execute("SELECT MIN(id), MAX(id) FROM incidents_incident")
        low, high = cursor.fetchone()
        named = []
        involved = []
        n_links = 2 * GROUPS
        # Each group draws its members from its own slice of the regulars, overlapping its
        # neighbours' slices: groups share members.
        per_group = REGULARS // GROUPS * 3
        for pk in range(low, high + 1):
            g = rng.randrange(GROUPS)
            groups_here = {g} | ({rng.randrange(GROUPS)} if rng.random() < 0.15 else set())
            for x in groups_here:
                named.append((pk, group_ids[x]))
            involved.append((pk, rng.choice(person_ids), "subject"))
            if rng.random() < 0.5:
                involved.append((pk, rng.choice(person_ids), "family"))
            base = g * (REGULARS // GROUPS)
            members = {regulars[(base + rng.randrange(per_group)) % REGULARS] for _ in range(2)}
            for m in members:
                involved.append((pk, m, "group_member"))
            n_links += len(groups_here) + 1 + len(members) * (1 + len(groups_here))
            n_links += involved[-1 - len(members)][2] == "family"
        with cursor.cursor.copy(
            "COPY incidents_incident_groups (incident_id, group_id) FROM STDIN"
        ) as copy:
            for row in named:
                copy.write_row(row)
        with cursor.cursor.copy(
            f"COPY {IncidentPerson._meta.db_table} (incident_id, person_id, role, notes) FROM STDIN"
        ) as copy:
            for row in involved:
                copy.write_row((*row, ""))
        for table in (
            "intelligence_group",
            "intelligence_platformaccount",
            "people_person",
            "incidents_incident",
            "incidents_incident_groups",
            IncidentPerson._meta.db_table,
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    counts["groups"] = GROUPS
    counts["people"] = people
    counts["incidents"] = incidents
    counts["incident-people rows"] = len(involved)
    counts["links"] = n_links
    return counts


def pct(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def measure(runs: int) -> None:
    import random

    from django.contrib.auth.models import Group as Role
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from drachma.groups.models import Group
    from drachma.incidents.models import IncidentPerson
    from drachma.links import analysis, graph
    from drachma.links.api import chart_json

    viewer = User.objects.create(username="bench_supervisor")
    viewer.groups.add(Role.objects.get(name="supervisor"))
    viewer = User.objects.get(pk=viewer.pk)  # a fresh permission cache
    rng = random.Random(7)
    group_ids = list(Group.objects.values_list("pk", flat=True))
    member_ids = list(
        IncidentPerson.objects.filter(role="group_member").values_list("person_id", flat=True)[
            :5000
        ]
    )
    for label, start_of in (
        ("group", lambda: ("group", rng.choice(group_ids))),
        ("person (a regular group member)", lambda: ("person", rng.choice(member_ids))),
    ):
        fetch, analyse, serialise, sizes, queries = [], [], [], [], []
        graph.build(viewer, start_of(), depth=2)  # warm the caches once
        for _ in range(runs):
            start = start_of()
            with CaptureQueriesContext(connection) as captured:
                t = time.perf_counter()
                chart = graph.build(viewer, start, depth=2)
                fetch.append((time.perf_counter() - t) * 1000)
            queries.append(len(captured))
            t = time.perf_counter()
            analysis.measures(chart)
            analyse.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            json.dumps(chart_json(chart), default=str)
            serialise.append((time.perf_counter() - t) * 1000)
            sizes.append((len(chart.nodes), len(chart.links)))
        med, p95 = pct(fetch)
        nodes = statistics.median(n for n, _ in sizes)
        edges = statistics.median(e for _, e in sizes)
        print(
            f"two hops from a {label}: fetch median {med:.0f} ms, p95 {p95:.0f} ms "
            f"({'meets' if p95 < 1000 else 'misses'} the 1 s goal); "
            f"chart median {nodes:.0f} entities, {edges:.0f} links; {max(queries)} queries; "
            f"analysis median {pct(analyse)[0]:.0f} ms, JSON (with analysis) median "
            f"{pct(serialise)[0]:.0f} ms; load average {os.getloadavg()[0]:.1f}"
        )


# --- render -------------------------------------------------------------------------------


def synthetic_chart(nodes: int) -> dict:
    import random

    rng = random.Random(5)
    types = ["group", "account", "person", "incident", "footage", "report", "phone", "handle"]
    ids = [f"{rng.choice(types)}:{i}" for i in range(nodes)]
    links = []
    for i in range(1, nodes):
        links.append((ids[rng.randrange(max(1, i // 3), i) if i > 3 else 0], ids[i]))
    for _ in range(nodes // 2):
        a, b = rng.sample(ids, 2)
        links.append((a, b))
    return {
        "start": ids[0],
        "depth": 2,
        "truncated": False,
        "not_shown": 0,
        "communities": 1,
        "path": [],
        "nodes": [
            {
                "id": n,
                "type": n.split(":")[0],
                "type_label": n.split(":")[0],
                "label": f"Entity {n}",
                "date": None,
                "url": "",
                "not_shown": 0,
                "level": 1,
                "degree": 1,
                "betweenness": 0,
                "community": 0,
            }
            for n in ids
        ],
        "links": [
            {
                "id": f"{a}|matched|{b}|{i}",
                "source": a,
                "target": b,
                "kind": "matched",
                "label": "Matched",
                "first": None,
                "last": None,
                "count": 1,
                "records": [],
            }
            for i, (a, b) in enumerate(links)
        ],
    }


PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>bench</title>
<style>#link-chart {{ width: 1200px; height: 800px; }}</style></head><body>
<select id="chart-layout"><option value="cose">cose</option></select>
<button id="chart-expand" disabled>Expand</button><button id="chart-png">PNG</button>
<div id="link-chart" data-chart-url="/api/links/charts/{start}?depth=2" data-path-url="/p/END"
 data-start="{start}" data-query=""></div>
<p id="chart-selected"></p><form id="chart-path"><input id="path-end"></form>
<p id="path-result"></p>
<script src="/cytoscape.min.js"></script><script src="/chart.js"></script></body></html>"""


def render_bench(args) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from playwright.sync_api import sync_playwright

    vendor = ROOT / "src" / "drachma" / "static" / "vendor"
    versions = json.loads((vendor / "frontend.json").read_text())
    cytoscape = (vendor / f"cytoscape-{versions['cytoscape']}" / "cytoscape.min.js").read_bytes()
    script = (ROOT / "src" / "drachma" / "links" / "static" / "links" / "chart.js").read_bytes()
    data = synthetic_chart(args.nodes)
    body = json.dumps(data).encode()
    page_html = PAGE.format(start=data["start"]).encode()

    def route(r):
        path = r.request.url.split("bench.local", 1)[1].split("?")[0]
        if path == "/cytoscape.min.js":
            r.fulfill(body=cytoscape, content_type="text/javascript")
        elif path == "/chart.js":
            r.fulfill(body=script, content_type="text/javascript")
        elif path.startswith("/api/links/charts/"):
            r.fulfill(body=body, content_type="application/json")
        else:
            r.fulfill(body=page_html, content_type="text/html")

    print(
        f"\n== render in Chromium: {len(data['nodes']):,} entities, {len(data['links']):,} links "
        f"(the page's own chart.js, Cytoscape.js {versions['cytoscape']})"
    )
    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for _ in range(args.renders):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.route("http://bench.local/**", route)
            t = time.perf_counter()
            page.goto("http://bench.local/")
            page.wait_for_selector("#link-chart[data-links-ready]", timeout=300_000)
            times.append((time.perf_counter() - t) * 1000)
            drawn = page.get_attribute("#link-chart", "data-links-ready")
            # One interaction once drawn: a zoom, timed to the next frame.
            t = time.perf_counter()
            page.mouse.move(640, 400)
            page.mouse.wheel(0, -300)
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
            zoom = (time.perf_counter() - t) * 1000
            context.close()
        browser.close()
    med, p95 = pct(times)
    print(
        f"first render: median {med / 1000:.2f} s, p95 {p95 / 1000:.2f} s over {len(times)} "
        f"loads ({drawn} entities drawn); a zoom then took {zoom:.0f} ms to the next frame; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
