"""Sample records whose keys fill safeguarding URLs in the role-matrix test."""

from drachma.accounts.models import Account
from drachma.safeguarding import services

SCORES = {
    "threat": 2,
    "harm": 2,
    "risk": 2,
    "investigation": 1,
    "vulnerability": 2,
    "engagement": 1,
}


def build(world) -> dict:
    officer = world.users["safeguarding_officer"]
    # One team, so that the queue (the team's actions by default) shows every role that may
    # read it the sample action: a list that shows someone records the view.
    for role in ("safeguarding_officer", "investigator", "supervisor"):
        Account.objects.update_or_create(user=world.users[role], defaults={"team": "PPU"})
    assessment = services.record_assessment(
        incident=world.incident,
        user=officer,
        scores=SCORES,
        rationales={f: "Sample rationale." for f in SCORES},
    )
    action = services.create_action(
        incident=world.incident, user=officer, kind="welfare_check", owner=officer
    )
    return {"assessment_id": assessment.pk, "action_id": action.pk, "action_transition": "start"}
