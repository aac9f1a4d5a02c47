"""The demo data set: each app's ``demo.py`` adds its part, in app order, from one seed.

An app's module defines ``seed(ctx: DemoContext) -> None``. It reads what earlier apps made
from ``ctx`` (users by role, groups, incidents, people) and may add to ``ctx.extra``.
Everything is synthetic: no real person's name.

Each app draws from its own random generator (``ctx.rng``), seeded from the one seed and the
app's name, so that what one app draws never shifts another app's data: adding, moving or
changing one app's demo leaves the others' exactly as they were.
"""

import random
from dataclasses import dataclass, field

from drachma.core.registry import app_modules

DEMO_PASSWORD = "drachma-demo-2026"


@dataclass
class DemoContext:
    rng: random.Random
    users: dict = field(default_factory=dict)  # role name -> [users]
    groups: list = field(default_factory=list)
    people: list = field(default_factory=list)
    incidents: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def user(self, role: str, index: int = 0):
        return self.users[role][index % len(self.users[role])]


def seed_all(seed: int = 2017, stdout=None) -> DemoContext:
    ctx = DemoContext(rng=random.Random(seed))
    for module in app_modules("demo"):
        ctx.rng = random.Random(f"{seed}:{module.__name__}")
        if stdout:
            stdout.write(f"  {module.__name__} …")
        module.seed(ctx)
    return ctx
