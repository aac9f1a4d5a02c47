"""The welfare clock, one table: for each exposure event, the welfare actions force policy
sets for it and how soon each is due. docs/safeguarding.md prints it.

Each row is data: the rule's key (unique), the action type, what it is for, and two
deadlines written as ``deadlines.parse_rule`` reads them (``4h`` elapsed, ``+24h``
wall-clock, ``1wd@17`` the next working day at 17:00), computed in Europe/London from the
event's time by the deadlines module: ``within`` normally, ``within_at_risk`` when the person
carries a risk indicator (``RISK_INDICATORS``), which also raises the action's grade to at
least priority.

A force changes the table through the setting ``DRACHMA_SAFEGUARDING_WELFARE``:
``{"released_nfa": [["welfare_check", "Welfare check after release", "+12h", "2h"]]}``
replaces one event's rows (an empty list: nothing starts on that event); a row or event it
cannot read stops with ``ImproperlyConfigured`` naming it.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from drachma.safeguarding import deadlines
from drachma.safeguarding.models import ActionKind as K
from drachma.safeguarding.models import ExposureKind as E


@dataclass(frozen=True)
class WelfareRule:
    kind: str
    what: str
    within: str
    within_at_risk: str

    def due(self, start: datetime.datetime, *, at_risk: bool) -> datetime.datetime:
        rule = deadlines.parse_rule(self.within_at_risk if at_risk else self.within)
        return rule.due(start)

    def describe(self) -> str:
        normal = deadlines.parse_rule(self.within)
        risk = deadlines.parse_rule(self.within_at_risk)
        return f"{self.what}: {normal} ({risk} with a risk indicator)"


def _rule(kind: str, what: str, within: str, within_at_risk: str) -> WelfareRule:
    return WelfareRule(kind, what, within, within_at_risk)


RELEASE = (
    _rule(K.WELFARE_CHECK, "Welfare check within 24 hours of release", "+24h", "4h"),
    _rule(
        K.LIAISON_DIVERSION,
        "Referral to liaison and diversion or mental-health services",
        "1wd@17",
        "+24h",
    ),
    _rule(K.FAMILY_INFORMATION, "Information for the family", "+24h", "4h"),
)

WELFARE: dict[str, tuple[WelfareRule, ...]] = {
    E.CONFRONTATION: (
        _rule(K.WELFARE_CHECK, "Welfare check after the confrontation", "4h", "1h"),
        _rule(K.FAMILY_INFORMATION, "Information for the family", "+24h", "4h"),
    ),
    E.STREAM: (_rule(K.WELFARE_CHECK, "Welfare check after the stream", "4h", "1h"),),
    E.ARREST: (
        _rule(K.FAMILY_INFORMATION, "Information for the family on the arrest", "4h", "1h"),
    ),
    E.INTERVIEW: (
        _rule(
            K.LIAISON_DIVERSION,
            "Liaison and diversion assessment offered after interview",
            "1wd@17",
            "4h",
        ),
    ),
    E.RELEASED_ON_BAIL: RELEASE,
    E.RELEASED_UNDER_INVESTIGATION: RELEASE,
    E.RELEASED_NFA: RELEASE,
    E.CHARGE: (
        _rule(K.WELFARE_CHECK, "Welfare check after charge", "+24h", "4h"),
        _rule(
            K.LIAISON_DIVERSION,
            "Referral to liaison and diversion or mental-health services",
            "1wd@17",
            "+24h",
        ),
    ),
    E.PUBLICATION: (
        _rule(K.WELFARE_CHECK, "Welfare check after the new publication", "+24h", "4h"),
    ),
}

# What raises the priority of a person's welfare actions: the person's vulnerability flags
# (people.Person) and what the timeline records (any of the person's exposure events).
RISK_INDICATORS = {
    "flag_self_harm": "previous self-harm",
    "flag_learning_disability": "learning disability",
    "flag_mental_ill_health": "mental ill health",
    "flag_children_in_household": "children in the household",
    "threats_received": "threats received",
    "loss_of_job_or_home": "loss of job or home",
}


def table() -> dict[str, tuple[WelfareRule, ...]]:
    """The table in force: WELFARE with any events a force replaces through the setting."""
    overrides = getattr(settings, "DRACHMA_SAFEGUARDING_WELFARE", None) or {}
    merged = dict(WELFARE)
    for event, rows in overrides.items():
        if event not in E.values:
            raise ImproperlyConfigured(
                f"DRACHMA_SAFEGUARDING_WELFARE: unknown exposure event {event!r}."
            )
        rules = []
        for row in rows:
            try:
                kind, what, within, within_at_risk = row
            except (TypeError, ValueError):
                raise ImproperlyConfigured(
                    f"DRACHMA_SAFEGUARDING_WELFARE: {event}: write each row as "
                    "[action type, what, within, within with a risk indicator]."
                ) from None
            if kind not in K.values:
                raise ImproperlyConfigured(
                    f"DRACHMA_SAFEGUARDING_WELFARE: {event}: unknown action type {kind!r}."
                )
            for text in (within, within_at_risk):
                deadlines.parse_rule(str(text))
            rules.append(WelfareRule(kind, str(what), str(within), str(within_at_risk)))
        merged[event] = tuple(rules)
    return merged


def rule_key(event_kind: str, index: int) -> str:
    return f"{event_kind}:{index}"


def table_rows() -> list[dict]:
    """The table in words, for the pages and the docs."""
    return [
        {"event": E(event).label, "actions": [r.describe() for r in rules]}
        for event, rules in table().items()
    ]
