"""Intelligence's part of the demo data: graded entries about the groups at every workflow
stage, linked to the groups' incidents (made before this, in app order)."""

import datetime

from django.utils import timezone

from drachma.core.roles import Role
from drachma.core.seeding import DemoContext
from drachma.incidents.models import Incident
from drachma.intelligence import services
from drachma.intelligence.models import HandlingCode, IntelligenceStatus, SourceType


def seed(ctx: DemoContext) -> None:
    analyst = ctx.user(Role.ANALYST)
    supervisor = ctx.user(Role.SUPERVISOR)
    now = timezone.now()
    entries = []
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
        # transition_entry returns the entry as saved; keep that one (its status is read
        # below).
        if i % 4 and i % 5:
            entry = services.transition_entry(entry, "assess", user=supervisor)
        elif i % 4 == 0 and i % 8 == 0:
            entry = services.transition_entry(
                entry,
                "return_for_correction",
                user=supervisor,
                note="Remove the source's name from the text.",
            )
        entries.append(entry)
    for entry in entries:
        related = list(Incident.objects.filter(groups=entry.group).order_by("occurred_at")[:2])
        if related:
            entry.incidents.set(related)
            if entry.status == IntelligenceStatus.ASSESSED and entry.pk % 2:
                services.transition_entry(entry, "link", user=supervisor)
