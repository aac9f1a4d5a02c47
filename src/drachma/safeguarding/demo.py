"""Demo safeguarding: THRIVE assessments and plans for the incidents of the last eighteen
months, most of the work done (with officer time recorded), some reassessed, and the latest
incidents' plans still open, several overdue, so the work queue is full on ``make run``."""

import datetime

from django.utils import timezone

from drachma.core.roles import Role
from drachma.core.seeding import DemoContext
from drachma.safeguarding import services
from drachma.safeguarding.models import FACTORS, ActionStatus, SafeguardingAction

RATIONALES = {
    "threat": [
        "Group members posted his street name; comments urge people to visit.",
        "No threats seen since the stream ended.",
        "A crowd gathered and followed him to his car.",
    ],
    "harm": [
        "Footage viewed widely; he has lost his job.",
        "No injury; distress reported by family.",
        "Windows at the family home were broken overnight.",
    ],
    "risk": [
        "Family say he has not eaten or slept since; previous overdose in 2021.",
        "Low: he is staying with his brother away from the address.",
        "Further visits announced on the group's page.",
    ],
    "investigation": [
        "Group's chat logs to be secured; suspect interview pending.",
        "Harassment of the family to be investigated.",
        "Referral to the online child abuse team made.",
    ],
    "vulnerability": [
        "Flagged learning disability; lives alone.",
        "Two children in the household.",
        "No known vulnerability.",
    ],
    "engagement": [
        "Engages with officers by phone.",
        "Declined contact; sister is the point of contact.",
        "Family willing to meet the liaison officer.",
    ],
}
REASSESSMENT = [
    "The footage has spread: shared more than 5,000 times overnight.",
    "His address was published in the comments under the stream.",
    "A threat was made against his partner by message this morning.",
]
OVERRIDE = (
    "Officer's judgement: the family report he has talked of ending his life since the stream."
)


def _scores(rng, incident) -> dict[str, int]:
    heavy = incident.live_streamed or incident.kind in ("family_harassment", "publication")
    weights = [2, 4, 3] if heavy else [4, 4, 1]
    return {f: rng.choices([1, 2, 3], weights=weights)[0] for f in FACTORS}


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    now = timezone.now()
    officers = ctx.users[Role.SAFEGUARDING_OFFICER] + [ctx.user(Role.SUPERVISOR)]
    recent = sorted(
        (i for i in ctx.incidents if i.received_at > now - datetime.timedelta(days=548)),
        key=lambda i: i.received_at,
    )
    if not recent:
        return
    live = recent[-6:]  # the latest incidents: their plans are still being worked
    for incident in recent:
        officer = rng.choice(officers)
        if incident in live:  # both demo officers have open and overdue work in their queues
            officer = ctx.user(Role.SAFEGUARDING_OFFICER, live.index(incident))
        assessed_at = min(
            incident.received_at
            + datetime.timedelta(minutes=rng.choice([10, 20, 35, 60, 90, 240])),
            now,
        )
        scores = _scores(rng, incident)
        override = rng.random() < 0.08
        services.record_assessment(
            incident=incident,
            user=officer,
            scores=scores,
            rationales={f: rng.choice(RATIONALES[f]) for f in FACTORS},
            grade="emergency" if override else None,
            override_reason=OVERRIDE if override else "",
            now=assessed_at,
        )
        if incident.kind == "publication" and rng.random() < 0.5:
            later = min(assessed_at + datetime.timedelta(hours=rng.choice([6, 20, 30])), now)
            scores = {**scores, "threat": 3}
            services.record_assessment(
                incident=incident,
                user=officer,
                scores=scores,
                rationales={f: rng.choice(RATIONALES[f]) for f in FACTORS},
                reason_for_reassessment=rng.choice(REASSESSMENT),
                now=later,
            )
        if not incident.safeguarding_actions.exists() and rng.random() < 0.6:
            services.create_action(
                incident=incident,
                user=officer,
                kind="welfare_check",
                owner=officer,
                description="Phone call to check on the subject.",
                now=assessed_at,
            )
        if incident in live:
            _leave_open(ctx, incident)
        else:
            _work_done(ctx, incident)
    # Something not yet due, beside the overdue work.
    latest = live[-1]
    services.create_action(
        incident=latest,
        user=ctx.user(Role.SUPERVISOR),
        kind="victim_support",
        owner=ctx.user(Role.SAFEGUARDING_OFFICER),
        description="Refer the family to Victim Support.",
    )
    _exposure_story(ctx, live)
    services.sweep_deadlines()
    # The ladder's first run: the late and untaken work of the live incidents climbs it.
    services.escalate_actions()


# A subject followed through the days after a sting: (event, share of the time from the
# incident to now, detail, threats received).
STORY = [
    ("confrontation", 0.0, "Confronted outside a supermarket by a group; streamed.", False),
    ("arrest", 0.05, "Arrested at the scene; custody record CU/2026/0147.", False),
    ("interview", 0.15, "Interviewed with a solicitor; no comment.", False),
    ("released_rui", 0.25, "Released under investigation; lives alone.", False),
    ("publication", 0.5, "Group's Facebook page: the stream with his street named.", True),
    ("publication", 0.8, "Re-upload on a video site, 3,000 views by the time it was found.", False),
]


def _exposure_story(ctx: DemoContext, live) -> None:
    """One person through a sting, arrest, release and two publications, with the welfare
    actions each event started: the release's welfare check completed with its outcome, the
    rest left to the ladder (the information for the family after the arrest is escalated)."""
    now = timezone.now()
    for incident in reversed(live):
        subject = incident.involvements.filter(role="subject").select_related("person").first()
        if subject is not None:
            break
    else:
        return
    officer = ctx.user(Role.SAFEGUARDING_OFFICER)
    span = now - incident.occurred_at
    release = None
    for kind, share, detail, threats in STORY:
        at = incident.occurred_at + span * share
        event = services.record_exposure(
            incident=incident,
            person=subject.person,
            user=officer,
            kind=kind,
            occurred_at=at,
            detail=detail,
            threats_received=threats,
            now=at,
        )
        if kind == "released_rui":
            release = event
    if release is not None:
        check = release.actions.get(kind="welfare_check")
        done_at = min(release.occurred_at + span * 0.1, now)
        services.transition_action(
            check,
            "complete",
            user=officer,
            note="Visited at home; talked through the crisis line and his GP; sister staying.",
            seen="The subject and his sister, at his home",
            result="referred",
            minutes=50,
            now=done_at,
        )


def _work_done(ctx: DemoContext, incident) -> None:
    rng = ctx.rng
    now = timezone.now()
    for action in incident.safeguarding_actions.filter(status=ActionStatus.OPEN):
        start = action.created_at + datetime.timedelta(
            minutes=rng.choice([5, 15, 30, 45, 90, 180, 600])
        )
        if start >= now:
            continue
        if rng.random() < 0.07:
            services.transition_action(
                action,
                "cancel",
                user=action.owner,
                note="Subject moved out of the force area; handed to the receiving force.",
                now=start,
            )
            continue
        services.transition_action(action, "start", user=action.owner, now=start)
        finished = min(start + datetime.timedelta(hours=rng.choice([1, 2, 5, 26])), now)
        services.transition_action(
            action,
            "complete",
            user=action.owner,
            note="Visited and talked through the support available.",
            seen=rng.choice(["The subject, at home", "The subject and a parent", "The family"]),
            result=rng.choice(["safe", "safe", "referred", "further_action"]),
            minutes=rng.choice([20, 30, 45, 60, 90]),
            now=finished,
        )
        _time(rng, action, timezone.localtime(start).date())


def _leave_open(ctx: DemoContext, incident) -> None:
    rng = ctx.rng
    now = timezone.now()
    for action in incident.safeguarding_actions.filter(status=ActionStatus.OPEN):
        if rng.random() < 0.4:
            started = min(action.created_at + datetime.timedelta(minutes=rng.choice([10, 40])), now)
            services.transition_action(action, "start", user=action.owner, now=started)
            _time(rng, action, timezone.localtime(started).date())


def _time(rng, action: SafeguardingAction, day: datetime.date) -> None:
    services.record_time(
        action,
        user=action.owner,
        minutes=rng.choice([20, 30, 45, 60, 90, 120, 180]),
        spent_on=min(day, timezone.localdate()),
        note="",
    )
