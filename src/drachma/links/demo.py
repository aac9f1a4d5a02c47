"""The links app's part of the demo data: structure for the link chart. Groups share members
(a person filmed as a member at incidents of two groups) and accounts (the same handle on
another platform), and a few men are confronted by more than one group, as happens when
groups pass targets to one another."""

import contextlib

from django.core.exceptions import ValidationError

from drachma.core.choices import Platform
from drachma.core.seeding import DemoContext
from drachma.groups import services as groups
from drachma.incidents import services as incidents
from drachma.incidents.models import Incident, PersonRole

# Pairs of groups (by their place in the demo's list) that share a member and a handle.
SHARING = [(0, 3), (0, 9), (1, 4), (3, 11), (6, 10), (4, 11)]


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    if len(ctx.groups) < 12 or not ctx.people:
        return
    people = list(ctx.people)
    rng.shuffle(people)
    for n, (i, j) in enumerate(SHARING):
        a, b = ctx.groups[i], ctx.groups[j]
        a_incidents = list(Incident.objects.filter(groups=a).order_by("occurred_at")[:3])
        b_incidents = list(Incident.objects.filter(groups=b).order_by("occurred_at")[:3])
        if not a_incidents or not b_incidents:
            continue
        member = people[n]
        for incident in a_incidents[:2] + b_incidents[:1]:
            _involve(incident, member, PersonRole.GROUP_MEMBER, "Filmed the confrontation.")
        # A man confronted by both groups: the subject of one of A's incidents, confronted
        # again by B.
        subject = next(
            (inv.person for inv in a_incidents[-1].involvements.filter(role=PersonRole.SUBJECT)),
            people[-1 - n],
        )
        _involve(b_incidents[-1], subject, PersonRole.SUBJECT, "Confronted again.")
        if n % 2 == 0:
            _share_handle(a, b)


def _involve(incident, person, role, notes: str) -> None:
    # Already in that role: the structure is there.
    with contextlib.suppress(ValidationError):
        incidents.add_person(incident, person=person, role=role, notes=notes)


def _share_handle(a, b) -> None:
    """B posts under A's handle on a platform A does not use."""
    account = a.accounts.order_by("pk").first()
    if account is None:
        return
    used = set(b.accounts.values_list("platform", flat=True)) | {account.platform}
    platform = next((p for p in Platform.values if p not in used), None)
    if platform is None:
        return
    with contextlib.suppress(ValidationError):
        groups.add_account(b, platform=platform, handle=account.handle)
