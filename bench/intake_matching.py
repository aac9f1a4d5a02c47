"""How long de-duplication takes for one new report, as the known records grow.

Input: a throw-away SQLite database with N earlier reports (each with 2 links, 2 handles, 1
phone number, 1 name), N/2 people, 100 groups with 3 platform accounts each, N/4 incidents
with stream URLs. The new report names 5 links, 5 handles, 3 phone numbers and 3 names, some
of them known.
Peer: the naive way, normalising every stored URL and handle at lookup time instead of
matching the normalised values stored on arrival (indexed).
Goal: well under a second per report at N = 20,000, so that matching can run while the
reporter waits for the receipt. "submit (cold)" is the whole submission (checks, storing,
routing, matching) on a cold cache; "find_matches" the median of five warm runs. The names
here are adversarial (every family name starts alike), so the name step dominates.

    .venv/bin/python bench/intake_matching.py [N ...]
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DRACHMA_ENV", "development")  # the demo's settings
os.environ["DJANGO_SETTINGS_MODULE"] = "drachma.settings"
os.environ["DRACHMA_VAR_DIR"] = tempfile.mkdtemp(prefix="drachma-bench-")
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

PLATFORMS = ["tiktok", "x", "instagram", "facebook", "snapchat"]


def populate(n: int) -> None:
    from drachma.audit.context import acting_as
    from drachma.groups.models import Group, PlatformAccount
    from drachma.incidents.models import Incident
    from drachma.intake.models import Report, ReportIdentifier, ReportLink
    from drachma.people.models import Person

    now = timezone.now()
    with acting_as(label="bench"):
        reports = Report.objects.bulk_create(
            Report(
                reference=f"RP-B{i:07d}",
                reporter_type="public",
                concern="footage_online",
                text=f"bench {i}",
                submitted_at=now,
                review_date=now.date(),
            )
            for i in range(n)
        )
        links, idents = [], []
        for i, r in enumerate(reports):
            for j in range(2):
                url = f"https://tiktok.com/@user{i}_{j}/video/{i * 10 + j}"
                links.append(ReportLink(report=r, raw=url, normalized=url, platform="tiktok"))
                idents.append(
                    ReportIdentifier(
                        report=r,
                        kind="handle",
                        raw=f"@h{i}_{j}",
                        normalized=f"h{i}_{j}",
                        platform=PLATFORMS[(i + j) % 5],
                    )
                )
            idents.append(
                ReportIdentifier(
                    report=r, kind="phone", raw="x", normalized=f"+44161496{i % 10000:04d}"
                )
            )
            idents.append(
                ReportIdentifier(
                    report=r, kind="name", raw="x", normalized=f"Given{i} Family{i % 997}"
                )
            )
        ReportLink.objects.bulk_create(links, batch_size=5000)
        ReportIdentifier.objects.bulk_create(idents, batch_size=5000)
        Person.objects.bulk_create(
            (
                Person(
                    given_names=f"Given{i}", family_name=f"Family{i % 997}", review_date=now.date()
                )
                for i in range(n // 2)
            ),
            batch_size=5000,
        )
        groups = Group.objects.bulk_create(
            Group(name=f"Bench Group {i}", review_date=now.date()) for i in range(100)
        )
        PlatformAccount.objects.bulk_create(
            PlatformAccount(
                group=g,
                platform=PLATFORMS[k],
                handle=f"@group{g.pk}_{k}",
                url=f"https://www.{PLATFORMS[k]}.com/group{g.pk}_{k}",
            )
            for g in groups
            for k in range(3)
        )
        Incident.objects.bulk_create(
            (
                Incident(
                    reference=f"DR-B{i:07d}",
                    received_at=now,
                    occurred_at=now,
                    source="group",
                    kind="live_streamed",
                    summary="bench",
                    place="Bench",
                    live_streamed=True,
                    stream_platform="youtube",
                    stream_url=f"https://www.youtube.com/watch?v=vid{i:08d}",
                    review_date=now.date(),
                )
                for i in range(n // 4)
            ),
            batch_size=5000,
        )


def new_report(n: int):
    from drachma.intake import services

    return services.submit_report(
        reporter_type="public",
        concern="footage_online",
        text="A new report for the bench.",
        links=[
            f"http://www.tiktok.com/@User{n // 2}_0/video/{(n // 2) * 10}?is_from_webapp=1",
            f"https://youtu.be/vid{n // 8:08d}",
            "https://example.com/a",
            "https://x.com/nobody/status/1",
            "https://www.instagram.com/p/AbCdEf/",
        ],
        handles=["tiktok: @h5_0", "@h7_1", "x: @nobody_here", "snapchat: @ghost", "@group1_0"],
        phones=["0161 496 0005", "0161 496 0999", "+44 161 496 0123"],
        names=[f"Given{n // 3} Family{(n // 3) % 997}", "Nobody Atall", "Bench Group 7"],
    )


def naive_url_matches(normalized: str) -> int:
    """The peer: normalise every stored URL now, instead of using the stored normalised value."""
    from drachma.core.identifiers import normalize_url
    from drachma.intake.models import ReportLink

    return sum(
        1
        for raw in ReportLink.objects.values_list("raw", flat=True).iterator(chunk_size=5000)
        if normalize_url(raw) == normalized
    )


def timed(func, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main(sizes: list[int]) -> None:
    from django.db import connection

    from drachma.intake.matching import find_matches
    from drachma.intake.models import Report

    call_command("migrate", verbosity=0)
    print(
        f"{'N earlier reports':>18} {'matches':>8} {'submit (cold)':>14} "
        f"{'find_matches':>13} {'naive (links only)':>19}"
    )
    done = 0
    for n in sizes:
        with connection.cursor():
            Report.objects.all().delete()
        from drachma.groups.models import Group
        from drachma.incidents.models import Incident
        from drachma.people.models import Person

        Incident.objects.all().delete()
        Group.objects.all().delete()
        Person.objects.all().delete()
        populate(n)
        done = n
        start = time.perf_counter()
        report = new_report(n)
        cold = time.perf_counter() - start
        found = find_matches(report)
        ours = timed(lambda r=report: find_matches(r), 5)
        links = list(report.links.values_list("normalized", flat=True))
        naive = timed(lambda urls=links: [naive_url_matches(u) for u in urls], 1)
        print(
            f"{done:>18,} {len(found):>8} {cold * 1000:>11.0f} ms {ours * 1000:>10.1f} ms "
            f"{naive * 1000:>16.0f} ms"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 5000, 20000])
