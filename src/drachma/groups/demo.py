"""The group register's part of the demo data: a dozen invented groups."""

from drachma.areas.models import Borough
from drachma.core.choices import Platform
from drachma.core.seeding import DemoContext
from drachma.groups import services
from drachma.groups.models import GroupStatus

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
