"""Demo rights requests: one access request answered (one record withheld under s.45(4)(b)),
one being decided with its deadline extended for complexity, and a restriction request just
registered, so the register's pages have something to show on ``make run``."""

from __future__ import annotations

import datetime

from django.utils import timezone

from drachma.core.seeding import DemoContext
from drachma.rights import services
from drachma.rights.models import Decision


def _involved(ctx: DemoContext) -> list:
    """People with at least one incident, so that the search finds more than their record."""
    return [p for p in ctx.people if p.involvements.exists()]


def seed(ctx: DemoContext) -> None:
    handlers = ctx.users.get("supervisor") or []
    people = _involved(ctx)
    if not handlers or len(people) < 3:
        return
    handler = handlers[0]
    today = timezone.localdate()
    first, second, third = ctx.rng.sample(people, 3)

    answered = services.register_request(
        user=handler,
        right="access",
        received_on=today - datetime.timedelta(days=20),
        requester_name=first.full_name,
        requester_date_of_birth=first.date_of_birth,
        identity_check="photo_id",
        identity_note="Driving licence seen at the front counter, number ending 4QX.",
        details="Everything the police hold about me about the video that was posted.",
    )
    services.run_search(answered, user=handler)
    services.finish_search(answered, user=handler)
    for item in answered.items.all():
        if item.kind == "Intelligence":
            services.decide(
                item,
                user=handler,
                decision=Decision.WITHHOLD,
                ground="s45_4_b",
                reason="The group's activity is under investigation; disclosing it would "
                "prejudice the investigation.",
            )
        else:
            services.decide(item, user=handler, decision=Decision.DISCLOSE)
    services.answer(answered, user=handler, note="Pack sent by recorded delivery.")

    deciding = services.register_request(
        user=handler,
        right="access",
        received_on=today - datetime.timedelta(days=12),
        requester_name=second.full_name,
        requester_date_of_birth=second.date_of_birth,
        requester_address=second.address,
        identity_check="documents",
        identity_note="Council tax bill and bank statement, both at the address given.",
    )
    services.run_search(deciding, user=handler)
    services.finish_search(deciding, user=handler)
    services.extend(
        deciding,
        user=handler,
        ground="complexity",
        reason="The records span several incidents and exhibits that need review for third "
        "parties' data.",
    )

    services.register_request(
        user=handler,
        right="restriction",
        received_on=today - datetime.timedelta(days=2),
        requester_name=third.full_name,
        requester_date_of_birth=third.date_of_birth,
        identity_check="representative",
        identity_note="Letter of authority from the requester's solicitor.",
        details="The requester says the address on their record is wrong and asks that it "
        "is not used until it is checked (s.47(2)(a)).",
    )
