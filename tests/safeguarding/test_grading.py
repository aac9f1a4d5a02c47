"""Every grading rule, one by one, through grading.propose (no database)."""

import pytest

from drachma.safeguarding.grading import (
    RULES,
    IncidentFacts,
    PersonFacts,
    more_urgent,
    propose,
    rules_described,
)
from drachma.safeguarding.models import ActionKind as K
from drachma.safeguarding.models import Grade as G
from tests.safeguarding.conftest import scores


def kinds(proposal) -> list[str]:
    return [k for k, _, _ in proposal.actions]


SUBJECT = PersonFacts(role="subject", person_id=1)


@pytest.mark.parametrize(
    ("total_scores", "grade"),
    [
        (scores(), G.RESOLUTION),  # 6
        (scores(threat=2), G.RESOLUTION),  # 7
        (scores(threat=2, harm=2), G.SCHEDULED),  # 8
        (scores(investigation=3, engagement=2, vulnerability=2), G.SCHEDULED),  # 10
        (scores(investigation=3, engagement=3, vulnerability=2), G.PRIORITY),  # 11
        (
            scores(threat=2, harm=2, risk=2, investigation=3, engagement=2, vulnerability=2),
            G.PRIORITY,
        ),  # 14
        (
            scores(threat=2, harm=2, risk=2, investigation=3, engagement=3, vulnerability=3),
            G.EMERGENCY,
        ),  # 15
    ],
)
def test_r1_base_grade_from_the_total(total_scores, grade):
    proposal = propose(total_scores, IncidentFacts())
    assert proposal.grade == grade
    assert proposal.reasons[0].startswith(
        f"R1: THRIVE scores total {sum(total_scores.values())} of 18"
    )


def test_r2_threat_and_harm_high_is_emergency():
    assert propose(scores(threat=3, harm=3), IncidentFacts()).grade == G.EMERGENCY  # total 10
    assert propose(scores(threat=3, harm=2), IncidentFacts()).grade == G.PRIORITY


@pytest.mark.parametrize("factor", ["threat", "harm", "risk"])
def test_r3_any_of_threat_harm_risk_high_is_at_least_priority(factor):
    proposal = propose(scores(**{factor: 3}), IncidentFacts())  # total 8: scheduled by R1
    assert proposal.grade == G.PRIORITY
    assert any(r.startswith("R3") for r in proposal.reasons)
    assert (
        propose(scores(investigation=3, engagement=3), IncidentFacts()).grade == G.SCHEDULED
    )  # not those three


@pytest.mark.parametrize("flag", ["learning_disability", "self_harm"])
def test_r4_live_streamed_confrontation_of_a_vulnerable_subject_is_at_least_priority(flag):
    subject = PersonFacts(role="subject", person_id=1, **{flag: True})
    assert (
        propose(scores(), IncidentFacts(live_streamed=True, people=(subject,))).grade == G.PRIORITY
    )
    # Not live-streamed: R6 only (scheduled).
    assert (
        propose(scores(), IncidentFacts(live_streamed=False, people=(subject,))).grade
        == G.SCHEDULED
    )
    # The flag on a family member, not the subject: no R4.
    family = PersonFacts(role="family", person_id=2, **{flag: True})
    assert (
        propose(scores(), IncidentFacts(live_streamed=True, people=(SUBJECT, family))).grade
        == G.RESOLUTION
    )


def test_r4_never_lowers_an_emergency():
    subject = PersonFacts(role="subject", learning_disability=True, person_id=1)
    proposal = propose(
        scores(threat=3, harm=3), IncidentFacts(live_streamed=True, people=(subject,))
    )
    assert proposal.grade == G.EMERGENCY


def test_r5_previous_self_harm_under_high_threat_or_risk_is_emergency_with_crisis_team():
    subject = PersonFacts(role="subject", self_harm=True, person_id=1)
    proposal = propose(scores(risk=3), IncidentFacts(people=(subject,)))
    assert proposal.grade == G.EMERGENCY
    assert {K.SUICIDE_PREVENTION, K.MENTAL_HEALTH_CRISIS, K.WELFARE_CHECK} <= set(kinds(proposal))
    calmer = propose(scores(risk=2), IncidentFacts(people=(subject,)))
    assert calmer.grade == G.SCHEDULED and K.MENTAL_HEALTH_CRISIS not in kinds(calmer)


@pytest.mark.parametrize("flag", ["learning_disability", "mental_ill_health", "self_harm"])
def test_r6_a_vulnerable_subject_is_never_resolved_without_deployment(flag):
    subject = PersonFacts(role="subject", person_id=1, **{flag: True})
    assert propose(scores(), IncidentFacts(people=(subject,))).grade == G.SCHEDULED
    assert propose(scores(), IncidentFacts(people=(SUBJECT,))).grade == G.RESOLUTION


def test_r7_a_child_at_risk_is_at_least_priority_with_a_childrens_services_referral():
    child = PersonFacts(role="child_at_risk", person_id=3)
    proposal = propose(scores(), IncidentFacts(people=(SUBJECT, child)))
    assert proposal.grade == G.PRIORITY
    assert K.CHILDRENS_SERVICES in kinds(proposal)


@pytest.mark.parametrize("kind", ["family_harassment", "publication"])
def test_r8_family_or_address_targeted_brings_patrols_victim_support_and_liaison(kind):
    family = PersonFacts(role="family", person_id=2)
    proposal = propose(scores(threat=2), IncidentFacts(kind=kind, people=(SUBJECT, family)))
    assert proposal.grade == G.PRIORITY
    assert {K.PROTECTIVE_PATROLS, K.VICTIM_SUPPORT, K.FAMILY_LIAISON} <= set(kinds(proposal))
    # Low threat: no R8.
    low = propose(scores(), IncidentFacts(kind=kind, people=(SUBJECT, family)))
    assert low.grade == G.RESOLUTION and K.PROTECTIVE_PATROLS not in kinds(low)
    # No family member recorded: no family liaison.
    alone = propose(scores(threat=2), IncidentFacts(kind=kind, people=(SUBJECT,)))
    assert K.FAMILY_LIAISON not in kinds(alone)


def test_r9_children_in_the_household_add_a_childrens_services_referral_per_household():
    parent = PersonFacts(role="subject", children_in_household=True, person_id=1)
    relative = PersonFacts(role="family", children_in_household=True, person_id=2)
    member = PersonFacts(role="group_member", children_in_household=True, person_id=9)
    proposal = propose(scores(), IncidentFacts(people=(parent, relative, member)))
    referrals = [(k, p) for k, p, _ in proposal.actions if k == K.CHILDRENS_SERVICES]
    assert referrals == [
        (K.CHILDRENS_SERVICES, 1),
        (K.CHILDRENS_SERVICES, 2),
    ]  # not for the group member
    assert proposal.grade == G.RESOLUTION  # the flag alone does not raise the grade


def test_r10_the_plan_for_each_subject_by_flag():
    subject = PersonFacts(role="subject", learning_disability=True, person_id=1)
    proposal = propose(scores(threat=2, harm=2), IncidentFacts(people=(subject,)))
    assert kinds(proposal) == [K.WELFARE_CHECK, K.ADULT_SOCIAL_CARE]
    ill = PersonFacts(role="subject", mental_ill_health=True, person_id=1)
    assert K.MENTAL_HEALTH_CRISIS in kinds(propose(scores(risk=3), IncidentFacts(people=(ill,))))
    assert K.MENTAL_HEALTH_CRISIS not in kinds(
        propose(scores(risk=2), IncidentFacts(people=(ill,)))
    )
    # Resolution without deployment: no welfare visit.
    assert kinds(propose(scores(), IncidentFacts(people=(SUBJECT,)))) == []


def test_an_action_is_planned_once_per_person():
    a = PersonFacts(role="subject", self_harm=True, children_in_household=True, person_id=1)
    child = PersonFacts(role="child_at_risk", person_id=3)
    proposal = propose(scores(risk=3), IncidentFacts(people=(a, child)))
    pairs = [(k, p) for k, p, _ in proposal.actions]
    assert len(pairs) == len(set(pairs))


def test_scores_out_of_range_are_refused():
    with pytest.raises(ValueError, match="threat"):
        propose({**scores(), "threat": 4}, IncidentFacts())
    with pytest.raises(ValueError, match="engagement"):
        propose(
            {k: 1 for k in ["threat", "harm", "risk", "investigation", "vulnerability"]},
            IncidentFacts(),
        )


def test_grade_order_and_rules_are_documented():
    assert more_urgent(G.SCHEDULED, G.PRIORITY) == G.PRIORITY
    assert more_urgent(G.EMERGENCY, G.RESOLUTION) == G.EMERGENCY
    described = rules_described()
    assert len(described) == len(RULES) and all(d.startswith("R") for d in described)
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "safeguarding.md").read_text()
    flat = " ".join(doc.split())
    for line in described:
        assert line in flat, (
            f"docs/safeguarding.md does not state rule {line[:4]} as grading.py does"
        )
