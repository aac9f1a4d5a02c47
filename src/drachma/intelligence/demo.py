import datetime

from django.utils import timezone

from drachma.areas.models import Borough
from drachma.core.choices import Platform
from drachma.core.roles import Role
from drachma.core.seeding import DemoContext
from drachma.intelligence import services
from drachma.intelligence.models import GroupStatus, HandlingCode, SourceType

# Invented groups: any likeness to a real group's name is unintended.
DEMO_GROUPS = [
    ("Northern Decoy Watch", ["NDW", "Decoy Watch North"], "Rochdale", GroupStatus.ACTIVE),
    ("Red Rose Shield", ["RRS"], "Salford", GroupStatus.ACTIVE),
    ("Irwell Guardians", [], "Salford", GroupStatus.DORMANT),
    ("Pennine Predator Patrol", ["PPP", "Pennine Patrol"], "Oldham", GroupStatus.ACTIVE),
    ("Mancunian Justice Collective", ["MJC"], "Manchester", GroupStatus.ACTIVE),
    ("Bolton Child Shield", [], "Bolton", GroupStatus.DISBANDED),
    ("Wigan Watchers", ["WW Hunters"], "Wigan", GroupStatus.ACTIVE),
    ("Stockport Safe Kids Team", ["SSKT"], "Stockport", GroupStatus.DORMANT),
    ("Tameside Truth Seekers", [], "Tameside", GroupStatus.ACTIVE),
    ("Roch Valley Hunters", ["RVH"], "Rochdale", GroupStatus.ACTIVE),
    ("Lancashire Line Decoys", ["LLD"], None, GroupStatus.ACTIVE),
    ("North West Exposure Unit", ["NWEU", "Exposure Unit"], "Manchester", GroupStatus.ACTIVE),
]
PLATFORMS = [
    Platform.FACEBOOK,
    Platform.YOUTUBE,
    Platform.TIKTOK,
    Platform.X,
    Platform.INSTAGRAM,
    Platform.TELEGRAM,
]


def _handle(name: str) -> str:
    return "".join(w[0] for w in name.split()).lower() + "_" + name.split()[0].lower()


def seed(ctx: DemoContext) -> None:
    boroughs = {b.name: b for b in Borough.objects.all()}
    for name, aliases, home, status in DEMO_GROUPS:
        platforms = ctx.rng.sample(PLATFORMS, k=ctx.rng.randint(1, 3))
        accounts = [
            {
                "platform": p,
                "handle": f"@{_handle(name)}{i or ''}",
                "url": f"https://{p}.example.com/{_handle(name)}{i or ''}",
            }
            for i, p in enumerate(platforms)
        ]
        group = services.save_group(
            name=name,
            status=status,
            home_borough=boroughs.get(home),
            home_area_text="" if home else "Lancashire",
            aliases=aliases,
            accounts=accounts,
            description=(
                f"Demo record. {name} poses as children on social media and films confrontations."
            ),
            mopi_group=3,
        )
        ctx.groups.append(group)
    analyst = ctx.user(Role.ANALYST)
    supervisor = ctx.user(Role.SUPERVISOR)
    now = timezone.now()
    for i in range(36):
        group = ctx.rng.choice(ctx.groups)
        learned = now - datetime.timedelta(
            days=ctx.rng.randint(5, 3000), hours=ctx.rng.randint(0, 23)
        )
        handling = ctx.rng.choice(
            [HandlingCode.PERMITTED, HandlingCode.PERMITTED, HandlingCode.CONDITIONS]
        )
        entry = services.create_entry(
            user=analyst,
            group=group,
            learned_at=learned,
            source_type=ctx.rng.choice(list(SourceType)),
            source_description="Public live stream and comments" if i % 3 == 0 else "",
            source_evaluation=ctx.rng.choice("1222"),
            intelligence_assessment=ctx.rng.choice("ABBCCD"),
            handling_code=handling,
            handling_conditions="Not to be shared outside the force without the FIB's consent."
            if handling == "C"
            else "",
            text=(
                f"{group.name} announced a planned 'sting' in a post; members discussed meeting "
                f"a target. Demo entry {i + 1}."
            ),
            sanitised_text=f"A group announced a planned confrontation. Demo entry {i + 1}."
            if i % 4
            else "",
            mopi_group=3,
        )
        # transition_entry returns the entry as saved; keep that one (incidents' demo links
        # the assessed entries later and reads their status).
        if i % 4 and i % 5:
            entry = services.transition_entry(entry, "assess", user=supervisor)
        elif i % 4 == 0 and i % 8 == 0:
            entry = services.transition_entry(
                entry,
                "return_for_correction",
                user=supervisor,
                note="Remove the source's name from the text.",
            )
        ctx.extra.setdefault("intelligence", []).append(entry)
