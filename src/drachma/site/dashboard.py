"""Each role's work on the dashboard: counts of what is waiting, each linking to the list
behind it.

The dashboard page lives in core, which may import no app; the work it shows is read from
many apps (safeguarding, intelligence, evidence, intake, incidents), so it is put together
here, in ``site``, the layer above them all, and handed to core through the panels plug-in
(``site.panels.dashboard_work``). A user with several roles sees each role's section.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from drachma.core.roles import Role
from drachma.evidence.models import DisclosureEntry, DisclosureStatus
from drachma.incidents.models import Incident, IncidentStatus
from drachma.intake import selectors as intake
from drachma.intelligence.models import IntelligenceEntry, IntelligenceStatus
from drachma.safeguarding import selectors as safeguarding


@dataclass
class Figure:
    """One figure: how many, what they are, and the list that shows them."""

    number: int
    label: str
    url: str
    urgent: bool = False


@dataclass
class Section:
    role: str
    heading: str
    counts: list[Figure] = field(default_factory=list)
    # Lines linking to single records (the incidents whose schedules await review).
    links: list[tuple[str, str]] = field(default_factory=list)


def _url(name: str, **query: Any) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


def _open_incidents(status: str = "") -> Figure:
    if status:
        n = Incident.objects.filter(status=status).count()
        label = f"incidents {IncidentStatus(status).label.lower()}"
        return Figure(n, label, _url("incidents:list", status=status))
    n = Incident.objects.exclude(status=IncidentStatus.CLOSED).count()
    return Figure(n, "open incidents", _url("incidents:list", open="true"))


def _safeguarding_officer(user: Any) -> Section:
    mine = safeguarding.queue_counts([user.pk])
    counts = [
        Figure(
            mine["overdue"],
            "of my safeguarding actions overdue",
            _url("safeguarding:queue", scope="mine", overdue="on"),
            urgent=bool(mine["overdue"]),
        ),
        Figure(
            mine["due_today"],
            "of my safeguarding actions due in the next 24 hours",
            _url("safeguarding:queue", scope="mine"),
        ),
        Figure(
            mine["active"],
            "safeguarding actions open in my name",
            _url("safeguarding:queue", scope="mine"),
        ),
    ]
    if user.has_perm("intake.view_report"):
        urgent = intake.queue_counts()["urgent"]
        counts.append(
            Figure(
                urgent, "urgent public reports not yet triaged", _url("intake:queue"), bool(urgent)
            )
        )
    return Section(Role.SAFEGUARDING_OFFICER, "Safeguarding officer: your actions", counts)


def _analyst(user: Any) -> Section:
    waiting = IntelligenceEntry.objects.filter(
        status=IntelligenceStatus.REQUIRES_ASSESSMENT
    ).count()
    counts = [
        Figure(
            waiting,
            "intelligence entries awaiting assessment",
            _url("intelligence:entry_list", status=IntelligenceStatus.REQUIRES_ASSESSMENT),
            urgent=bool(waiting),
        ),
        Figure(
            IntelligenceEntry.objects.filter(status=IntelligenceStatus.ASSESSED).count(),
            "intelligence entries assessed, awaiting linking",
            _url("intelligence:entry_list", status=IntelligenceStatus.ASSESSED),
        ),
        _open_incidents(),
    ]
    return Section(Role.ANALYST, "Analyst: intelligence to assess", counts)


def _disclosure_officer(user: Any) -> Section:
    drafts = (
        DisclosureEntry.objects.filter(status=DisclosureStatus.DRAFT)
        .values("incident__reference")
        .annotate(n=Count("pk"))
        .order_by("incident__reference")
    )
    links = [
        (
            f"{row['incident__reference']}: {row['n']} draft "
            f"{'entry' if row['n'] == 1 else 'entries'}",
            reverse("evidence:disclosure", args=[row["incident__reference"]]),
        )
        for row in drafts[:20]
    ]
    total = sum(row["n"] for row in drafts)
    counts = [
        Figure(
            len(drafts),
            "disclosure schedules awaiting review",
            "#schedules-awaiting-review",
            urgent=bool(total),
        ),
    ]
    return Section(
        Role.DISCLOSURE_OFFICER, "Disclosure officer: schedules awaiting review", counts, links
    )


def _investigator(user: Any) -> Section:
    referrals = intake.referral_counts()
    counts = [
        _open_incidents(IncidentStatus.INVESTIGATING),
        _open_incidents(IncidentStatus.NEW),
        Figure(referrals["open"], "referrals not yet accepted", _url("intake:referral_list")),
        Figure(
            referrals["overdue"],
            "referrals past their due date",
            _url("intake:referral_list"),
            urgent=bool(referrals["overdue"]),
        ),
        Figure(
            IntelligenceEntry.objects.filter(status=IntelligenceStatus.RETURNED).count(),
            "intelligence entries returned for correction",
            _url("intelligence:entry_list", status=IntelligenceStatus.RETURNED),
        ),
    ]
    return Section(Role.INVESTIGATOR, "Investigator: cases and referrals", counts)


def _supervisor(user: Any) -> Section:
    everyone = safeguarding.queue_counts()
    counts = [
        Figure(
            everyone["overdue"],
            "safeguarding actions overdue, everyone's",
            _url("safeguarding:queue", scope="all", overdue="on"),
            urgent=bool(everyone["overdue"]),
        ),
        Figure(
            everyone["active"], "safeguarding actions open", _url("safeguarding:queue", scope="all")
        ),
        _open_incidents(),
        Figure(
            IntelligenceEntry.objects.filter(status=IntelligenceStatus.REQUIRES_ASSESSMENT).count(),
            "intelligence entries awaiting assessment",
            _url("intelligence:entry_list", status=IntelligenceStatus.REQUIRES_ASSESSMENT),
        ),
        Figure(
            intake.referral_counts()["overdue"],
            "referrals past their due date",
            _url("intake:referral_list"),
        ),
    ]
    return Section(Role.SUPERVISOR, "Supervisor: the team's work", counts)


SECTIONS: dict[str, Callable[[Any], Section]] = {
    Role.SAFEGUARDING_OFFICER: _safeguarding_officer,
    Role.ANALYST: _analyst,
    Role.INVESTIGATOR: _investigator,
    Role.DISCLOSURE_OFFICER: _disclosure_officer,
    Role.SUPERVISOR: _supervisor,
}


def work_for(user: Any) -> list[Section]:
    """The sections of the dashboard for ``user``'s roles, in the order above."""
    roles = set(user.groups.values_list("name", flat=True))
    return [build(user) for role, build in SECTIONS.items() if role in roles]
