"""Demo incidents. 2017–2018 reproduce the structure of a published FOI answer: 146 reports,
129 in Greater Manchester, hotspots Manchester city centre and north Manchester 18, Rochdale
17, Salford 15. Later years follow a rising trend with the same busiest areas."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from drachma.areas.models import Borough, District, Ward
from drachma.core.choices import Platform
from drachma.core.roles import Role
from drachma.core.seeding import DemoContext
from drachma.incidents import services
from drachma.incidents.models import (
    IncidentKind,
    IncidentSource,
    IncidentStatus,
    Outcome,
    PersonRole,
)

LONDON = ZoneInfo("Europe/London")
HOTSPOT = "Manchester city centre and north Manchester"
# 2017–2018 counts by area ("Manchester" here means Manchester outside the hotspot district).
FOI_PERIOD = {
    HOTSPOT: 18,
    "Rochdale": 17,
    "Salford": 15,
    "Bolton": 14,
    "Wigan": 13,
    "Oldham": 12,
    "Tameside": 10,
    "Manchester": 9,
    "Stockport": 9,
    "Bury": 7,
    "Trafford": 5,
}
FOI_OUTSIDE_GM = 17
LATER_WEIGHTS = {
    HOTSPOT: 12,
    "Manchester": 8,
    "Rochdale": 14,
    "Salford": 13,
    "Bolton": 10,
    "Wigan": 9,
    "Oldham": 9,
    "Tameside": 7,
    "Stockport": 7,
    "Bury": 5,
    "Trafford": 4,
    None: 4,
}
LATER_PER_YEAR = {2019: 34, 2020: 30, 2021: 38, 2022: 42, 2023: 44, 2024: 46, 2025: 48, 2026: 44}
OUTSIDE = [
    "Preston",
    "Blackburn",
    "Warrington",
    "Liverpool",
    "Chester",
    "Leeds",
    "Huddersfield",
    "Blackpool",
]
KINDS = [
    (IncidentKind.ONLINE_STING, 30),
    (IncidentKind.LIVE_STREAMED, 30),
    (IncidentKind.DOORSTEP, 15),
    (IncidentKind.PUBLICATION, 15),
    (IncidentKind.FAMILY_HARASSMENT, 6),
    (IncidentKind.OTHER, 4),
]
SOURCES = [
    (IncidentSource.GROUP, 45),
    (IncidentSource.PUBLIC, 25),
    (IncidentSource.PLATFORM, 10),
    (IncidentSource.OFFICER, 12),
    (IncidentSource.PARTNER, 8),
]
STREAM_PLATFORMS = [
    Platform.FACEBOOK,
    Platform.FACEBOOK,
    Platform.YOUTUBE,
    Platform.TIKTOK,
    Platform.INSTAGRAM,
]


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _when(rng, start: datetime.date, end: datetime.date) -> datetime.datetime:
    day = start + datetime.timedelta(days=rng.randrange((end - start).days + 1))
    # Confrontations cluster in the evening.
    hour = rng.choice([10, 13, 16, 17, 18, 19, 19, 20, 20, 21, 21, 22])
    return datetime.datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=LONDON)


def _apportion(total: int, weights: dict) -> list:
    """``total`` areas shared out in proportion to ``weights`` (largest remainder), so that the
    busiest areas are the busiest for any seed, not by the luck of the draw."""
    whole = sum(weights.values())
    shares = {area: total * weight / whole for area, weight in weights.items()}
    counts = {area: int(share) for area, share in shares.items()}
    left = total - sum(counts.values())
    for area in sorted(shares, key=lambda a: shares[a] - counts[a], reverse=True)[:left]:
        counts[area] += 1
    return [area for area, n in counts.items() for _ in range(n)]


def _plan(rng) -> list[tuple[str | None, datetime.date, datetime.date]]:
    plan = []
    for area, count in FOI_PERIOD.items():
        plan += [(area, datetime.date(2017, 1, 1), datetime.date(2018, 12, 31))] * count
    plan += [(None, datetime.date(2017, 1, 1), datetime.date(2018, 12, 31))] * FOI_OUTSIDE_GM
    today = timezone.localdate()
    for year, count in LATER_PER_YEAR.items():
        end = min(datetime.date(year, 12, 31), today - datetime.timedelta(days=1))
        areas = _apportion(count, LATER_WEIGHTS)
        rng.shuffle(areas)
        plan += [(a, datetime.date(year, 1, 1), end) for a in areas]
    return plan


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    boroughs = {b.name: b for b in Borough.objects.all()}
    hotspot_wards = list(District.objects.get(name=HOTSPOT).wards.all())
    wards_by_borough = {}
    for ward in Ward.objects.select_related("borough"):
        if ward not in hotspot_wards:
            wards_by_borough.setdefault(ward.borough.name, []).append(ward)
    recorders = (
        ctx.users[Role.ANALYST]
        + ctx.users[Role.SAFEGUARDING_OFFICER]
        + ctx.users[Role.INVESTIGATOR]
    )
    people = list(ctx.people)
    rng.shuffle(people)
    today = timezone.localdate()

    for area, start, end in _plan(rng):
        occurred = _when(rng, start, end)
        received = min(
            occurred + datetime.timedelta(hours=rng.choice([1, 2, 5, 20, 48, 100])), timezone.now()
        )
        kind = _weighted(rng, KINDS)
        live = kind == IncidentKind.LIVE_STREAMED or (
            kind == IncidentKind.DOORSTEP and rng.random() < 0.5
        )
        location = {}
        if area is None:
            location["place"] = rng.choice(OUTSIDE)
        else:
            ward = rng.choice(hotspot_wards if area == HOTSPOT else wards_by_borough[area])
            location["ward"] = ward
            if rng.random() < 0.4:
                location["latitude"] = Decimal(f"{ward.centroid_lat:.5f}")
                location["longitude"] = Decimal(f"{ward.centroid_lon:.5f}")
                location.pop("ward")
                location["borough"] = boroughs[ward.borough.name]
        age = (today - occurred.date()).days
        status = IncidentStatus.CLOSED if age > 120 else rng.choice(list(IncidentStatus))
        outcome = ""
        if status == IncidentStatus.CLOSED:
            outcome = _weighted(
                rng,
                [
                    (Outcome.ARREST, 35),
                    (Outcome.VOLUNTARY_INTERVIEW, 30),
                    (Outcome.NFA, 25),
                    (Outcome.REFERRED, 10),
                ],
            )
        group_pool = [
            g
            for g in ctx.groups
            if g.home_borough and g.home_borough.name == (area or "").replace(HOTSPOT, "Manchester")
        ] or ctx.groups
        groups = rng.sample(group_pool, k=1) + (
            rng.sample(ctx.groups, k=1) if rng.random() < 0.15 else []
        )
        platform = rng.choice(STREAM_PLATFORMS) if live else ""
        recorder = rng.choice(recorders)
        incident = services.create_incident(
            user=recorder,
            groups=set(groups),
            occurred_at=occurred,
            received_at=received,
            source=_weighted(rng, SOURCES),
            kind=kind,
            outcome=outcome,
            summary=_summary(kind, groups[0].name),
            live_streamed=live,
            stream_platform=platform,
            stream_url=f"https://{platform}.example.com/live/{rng.randrange(10**8)}"
            if live
            else "",
            police_attended=rng.random() < 0.6,
            mopi_group=rng.choice([2, 3]),
            **location,
        )
        _move_to(rng, incident, status, outcome, recorder, received)
        ctx.incidents.append(incident)
        _involve(ctx, incident, kind, people)


def _move_to(rng, incident, status: str, outcome: str, user, received: datetime.datetime) -> None:
    """Walk a new incident through its workflow to ``status``, as officers would have, each
    step some days after the last (never later than now)."""
    if status == IncidentStatus.NEW:
        return
    steps = ["assess"]
    if status == IncidentStatus.INVESTIGATING or (
        status == IncidentStatus.CLOSED and outcome in {Outcome.ARREST, Outcome.VOLUNTARY_INTERVIEW}
    ):
        steps.append("investigate")
    if status == IncidentStatus.CLOSED:
        steps.append("close")
    at = received
    for step in steps:
        at = min(at + datetime.timedelta(days=rng.choice([0.1, 1, 3, 10])), timezone.now())
        note = ""
        if step == "close":
            note = f"Outcome: {Outcome(outcome).label.lower()}." if outcome else "No police action."
        services.change_status(incident, step, user=user, note=note, at=at)


def _summary(kind: str, group: str) -> str:
    return {
        IncidentKind.ONLINE_STING: (
            f"{group} reports chatting online, posing as a 13-year-old, with an adult who "
            "arranged to meet."
        ),
        IncidentKind.LIVE_STREAMED: (
            f"{group} confronted a man outside a supermarket and streamed it live; a crowd "
            "gathered."
        ),
        IncidentKind.DOORSTEP: (
            f"{group} members went to a man's home address and confronted him at the door."
        ),
        IncidentKind.PUBLICATION: (
            f"{group} published footage of an earlier confrontation naming the man and his street."
        ),
        IncidentKind.FAMILY_HARASSMENT: (
            f"Relatives of a man exposed by {group} report threats and graffiti at their home."
        ),
        IncidentKind.OTHER: f"Report concerning {group}'s activity; see attached notes.",
    }[kind]


def _involve(ctx: DemoContext, incident, kind: str, people: list) -> None:
    rng = ctx.rng
    if kind == IncidentKind.OTHER or not people:
        return
    subject = people[len(ctx.incidents) % len(people)]
    subject_inv = services.add_person(incident, person=subject, role=PersonRole.SUBJECT)
    if rng.random() < 0.3:
        services.add_person(incident, person=rng.choice(people), role=PersonRole.FAMILY)
    if rng.random() < 0.15:
        services.add_person(incident, person=rng.choice(people), role=PersonRole.CHILD_AT_RISK)
    if kind in {IncidentKind.LIVE_STREAMED, IncidentKind.DOORSTEP} and rng.random() < 0.25:
        member = rng.choice([p for p in people if p is not subject])
        member_inv = services.add_person(
            incident,
            person=member,
            role=PersonRole.GROUP_MEMBER,
            notes="Filmed and narrated the confrontation.",
        )
        if rng.random() < 0.5:
            services.link_cases(
                incident,
                suspect=subject_inv,
                group_member=member_inv,
                note="Group member under investigation for assault during the confrontation.",
            )
