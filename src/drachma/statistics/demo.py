"""Demo FOI requests: a register with answers given on time and late, one still open past its
deadline (already announced), and others still to come, so the FOI pages and the on-time
figure have something to show on ``make run``."""

import datetime

from django.utils import timezone

from drachma.core.seeding import DemoContext
from drachma.core.workingdays import add_working_days
from drachma.statistics import services

QUESTIONS = [
    "Please tell me how many reports your force received about so-called paedophile hunter "
    "groups in {year}, broken down by borough.",
    "How many incidents involving online child abuse activist groups were recorded in {year}, "
    "and of what kind (doorstep confrontation, online sting, publication)?",
    "For {year}, how many reports concerning vigilante groups came from the public, from the "
    "groups themselves and from officers?",
    "What were the outcomes of incidents involving paedophile hunter groups in {year}?",
    "How many reports relating to these groups were there in {year} in Bolton and Wigan?",
    "Please provide the number of incidents in {year} involving live-streamed confrontations, "
    "by area.",
]
JUDGEMENTS = [
    "Counts from 1 to 4 published as 'fewer than 5'; the Greater Manchester total withheld "
    "where it would let a small area figure be worked out.",
    "The force rule applied; no further figures withheld, the smallest published cell is 12.",
    "Small wards merged to boroughs before publishing; the rule applied to the borough table.",
]
# (days ago received, working days taken to answer or None for open, breakdowns, areas,
#  exemptions)
PLAN: list[tuple[int, int | None, list[str], list[str], dict[str, str]]] = [
    (150, 12, ["area"], [], {}),
    (120, 19, ["kind"], [], {}),
    (
        95,
        26,
        ["area", "source"],
        [],
        {"s40": "A figure for a single ward could identify the man filmed in the stream."},
    ),
    (70, 20, ["outcome"], [], {"s30": "Outcomes of investigations still open are withheld."}),
    (45, 9, ["area"], ["E08000001", "E08000010"], {}),
    (34, None, ["kind", "area"], [], {}),  # open and past its deadline
    (16, None, ["area"], [], {}),  # due within the reminder window
    (3, None, ["source"], [], {}),
]


def seed(ctx: DemoContext) -> None:
    analysts = ctx.users.get("analyst") or ctx.users.get("supervisor") or []
    if not analysts:
        return
    today = timezone.localdate()
    last_year = today.year - 1
    for n, (ago, took, breakdowns, areas, exemptions) in enumerate(PLAN):
        received = today - datetime.timedelta(days=ago)
        user = analysts[n % len(analysts)]
        noon = datetime.datetime.combine(received, datetime.time(11, 0))
        request = services.record_request(
            user=user,
            received_on=received,
            requester_reference=f"FOI/{received:%y}/{ctx.rng.randint(1000, 9999)}",
            question=QUESTIONS[n % len(QUESTIONS)].format(year=last_year),
            period_start=datetime.date(last_year, 1, 1),
            period_end=datetime.date(last_year, 12, 31),
            breakdowns=breakdowns,
            areas=areas,
            recorded_at=timezone.make_aware(noon),
        )
        if took is None:
            continue
        answered_on = add_working_days(received, took)
        at = timezone.make_aware(datetime.datetime.combine(answered_on, datetime.time(15, 30)))
        services.answer_request(
            request,
            user=user,
            judgement_note=JUDGEMENTS[n % len(JUDGEMENTS)],
            exemptions=exemptions,
            at=at,
        )
    # The hourly task's first run, as on a live system: the overdue request is announced once.
    services.remind_deadlines()
