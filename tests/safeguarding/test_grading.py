"""Every grading rule, one by one, through grading.propose (no database).

THRIVE as the College of Policing uses it: the grade comes from threat, harm and risk only
(G1 to G4); investigation, vulnerability, engagement and THRIVE+ shape the plan (P1 to P11).
"""

import itertools
from pathlib import Path

import pytest

from drachma.safeguarding.grading import (
    GRADE_RULES,
    PLAN_RULES,
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


def test_the_issue_example_low_thr_with_high_investigation_and_vulnerability_is_not_priority():
    """Issue 15: low threat, harm and risk with high investigation and vulnerability was
    proposed as priority (the six scores were added up). Now the grade stays resolution
    without deployment and the plan carries the investigation and the vulnerability."""
    proposal = propose(
        scores(investigation=3, vulnerability=3, engagement=3),
        IncidentFacts(people=(SUBJECT,)),
    )
    assert proposal.grade == G.RESOLUTION
    assert proposal.reasons == ["G4: threat, harm and risk all low: resolution without deployment."]
    assert [c[:3] for c in proposal.considerations] == ["P1:", "P2:", "P3:", "P10"]
    # Vulnerability still safeguards: a welfare check on the subject whatever the grade.
    assert (K.WELFARE_CHECK, 1) in [(k, p) for k, p, _ in proposal.actions]


@pytest.mark.parametrize(
    ("investigation", "vulnerability", "engagement"),
    list(itertools.product([1, 2, 3], repeat=3)),
)
def test_investigation_vulnerability_and_engagement_never_change_the_grade(
    investigation, vulnerability, engagement
):
    for thr in itertools.product([1, 2, 3], repeat=3):
        base = dict(zip(("threat", "harm", "risk"), thr, strict=True))
        low = propose(scores(**base), IncidentFacts()).grade
        other = propose(
            scores(
                **base,
                investigation=investigation,
                vulnerability=vulnerability,
                engagement=engagement,
            ),
            IncidentFacts(),
        ).grade
        assert other == low, (base, investigation, vulnerability, engagement)


@pytest.mark.parametrize(
    ("given", "grade", "reason"),
    [
        ({"harm": 3, "threat": 3}, G.EMERGENCY, "G1: harm and threat high: emergency."),
        ({"harm": 3, "risk": 3}, G.EMERGENCY, "G1: harm and risk high: emergency."),
        (
            {"harm": 3, "threat": 3, "risk": 3},
            G.EMERGENCY,
            "G1: harm and threat and risk high: emergency.",
        ),
        ({"threat": 3, "risk": 3}, G.PRIORITY, "G2: threat and risk high: priority."),
        ({"harm": 3}, G.PRIORITY, "G2: harm high: priority."),
        ({"threat": 3, "harm": 2}, G.PRIORITY, "G2: threat high: priority."),
        ({"risk": 2}, G.SCHEDULED, "G3: risk medium: scheduled."),
        ({"threat": 2, "harm": 2}, G.SCHEDULED, "G3: threat and harm medium: scheduled."),
        ({}, G.RESOLUTION, "G4: threat, harm and risk all low: resolution without deployment."),
    ],
)
def test_each_grade_rule(given, grade, reason):
    proposal = propose(scores(**given), IncidentFacts())
    assert proposal.grade == grade
    assert proposal.reasons == [reason]  # one grade rule decides; the first that applies


def test_p1_investigation_is_a_consideration():
    assert any(
        c.startswith("P1: investigation high")
        for c in propose(scores(investigation=3), IncidentFacts()).considerations
    )
    assert not any(c.startswith("P1:") for c in propose(scores(), IncidentFacts()).considerations)


def test_p2_vulnerability_plans_a_welfare_check_whatever_the_grade():
    proposal = propose(scores(vulnerability=2), IncidentFacts(people=(SUBJECT,)))
    assert proposal.grade == G.RESOLUTION
    assert kinds(proposal) == [K.WELFARE_CHECK]
    assert any(c.startswith("P2: vulnerability medium") for c in proposal.considerations)
    assert kinds(propose(scores(), IncidentFacts(people=(SUBJECT,)))) == []


def test_p3_engagement_is_a_consideration():
    proposal = propose(scores(engagement=3), IncidentFacts(people=(SUBJECT,)))
    assert any(c.startswith("P3: engagement high") for c in proposal.considerations)
    assert proposal.actions == []


@pytest.mark.parametrize("flag", ["learning_disability", "self_harm"])
def test_p4_live_streamed_vulnerable_subject_is_checked_not_regraded(flag):
    subject = PersonFacts(role="subject", person_id=1, **{flag: True})
    proposal = propose(scores(), IncidentFacts(live_streamed=True, people=(subject,)))
    assert proposal.grade == G.RESOLUTION
    assert K.WELFARE_CHECK in kinds(proposal)
    assert any(c.startswith("P4") for c in proposal.considerations)
    not_live = propose(scores(), IncidentFacts(live_streamed=False, people=(subject,)))
    assert not any(c.startswith("P4") for c in not_live.considerations)
    # The flag on a family member, not the subject: no P4.
    family = PersonFacts(role="family", person_id=2, **{flag: True})
    other = propose(scores(), IncidentFacts(live_streamed=True, people=(SUBJECT, family)))
    assert not any(c.startswith("P4") for c in other.considerations)


def test_p5_previous_self_harm_under_high_threat_or_risk_brings_the_crisis_team():
    subject = PersonFacts(role="subject", self_harm=True, person_id=1)
    proposal = propose(scores(risk=3), IncidentFacts(people=(subject,)))
    assert proposal.grade == G.PRIORITY  # from risk alone (G2), not from the flag
    assert {K.SUICIDE_PREVENTION, K.MENTAL_HEALTH_CRISIS, K.WELFARE_CHECK} <= set(kinds(proposal))
    calmer = propose(scores(risk=2), IncidentFacts(people=(subject,)))
    assert calmer.grade == G.SCHEDULED and K.MENTAL_HEALTH_CRISIS not in kinds(calmer)


@pytest.mark.parametrize("flag", ["learning_disability", "mental_ill_health", "self_harm"])
def test_p6_a_vulnerable_subject_is_checked_even_when_resolved_without_deployment(flag):
    subject = PersonFacts(role="subject", person_id=1, **{flag: True})
    proposal = propose(scores(), IncidentFacts(people=(subject,)))
    assert proposal.grade == G.RESOLUTION
    assert K.WELFARE_CHECK in kinds(proposal)
    assert K.WELFARE_CHECK not in kinds(propose(scores(), IncidentFacts(people=(SUBJECT,))))


def test_p7_a_child_at_risk_brings_a_childrens_services_referral():
    child = PersonFacts(role="child_at_risk", person_id=3)
    proposal = propose(scores(), IncidentFacts(people=(SUBJECT, child)))
    assert proposal.grade == G.RESOLUTION
    assert K.CHILDRENS_SERVICES in kinds(proposal)
    assert any(c.startswith("P7") for c in proposal.considerations)


@pytest.mark.parametrize("kind", ["family_harassment", "publication"])
def test_p8_family_or_address_targeted_brings_patrols_victim_support_and_liaison(kind):
    family = PersonFacts(role="family", person_id=2)
    proposal = propose(scores(threat=2), IncidentFacts(kind=kind, people=(SUBJECT, family)))
    assert proposal.grade == G.SCHEDULED
    assert {K.PROTECTIVE_PATROLS, K.VICTIM_SUPPORT, K.FAMILY_LIAISON} <= set(kinds(proposal))
    low = propose(scores(), IncidentFacts(kind=kind, people=(SUBJECT, family)))
    assert K.PROTECTIVE_PATROLS not in kinds(low)
    alone = propose(scores(threat=2), IncidentFacts(kind=kind, people=(SUBJECT,)))
    assert K.FAMILY_LIAISON not in kinds(alone)


def test_p9_children_in_the_household_add_a_childrens_services_referral_per_household():
    parent = PersonFacts(role="subject", children_in_household=True, person_id=1)
    relative = PersonFacts(role="family", children_in_household=True, person_id=2)
    member = PersonFacts(role="group_member", children_in_household=True, person_id=9)
    proposal = propose(scores(), IncidentFacts(people=(parent, relative, member)))
    referrals = [(k, p) for k, p, _ in proposal.actions if k == K.CHILDRENS_SERVICES]
    assert referrals == [(K.CHILDRENS_SERVICES, 1), (K.CHILDRENS_SERVICES, 2)]
    assert proposal.grade == G.RESOLUTION


def test_p10_thrive_plus_asks_for_prevention_and_intervention():
    bare = propose(scores(), IncidentFacts())
    assert bare.considerations == [
        "P10: THRIVE+: write the prevention and intervention the plan relies on."
    ]
    half = propose(scores(), IncidentFacts(), prevention="Takedown request to the platform.")
    assert half.considerations == ["P10: THRIVE+: write the intervention the plan relies on."]
    full = propose(scores(), IncidentFacts(), prevention="Takedown.", intervention="L&D referral.")
    assert full.considerations == []


def test_p11_the_plan_for_each_subject_by_flag():
    subject = PersonFacts(role="subject", learning_disability=True, person_id=1)
    proposal = propose(scores(threat=2, harm=2), IncidentFacts(people=(subject,)))
    assert kinds(proposal) == [K.WELFARE_CHECK, K.ADULT_SOCIAL_CARE]
    ill = PersonFacts(role="subject", mental_ill_health=True, person_id=1)
    assert K.MENTAL_HEALTH_CRISIS in kinds(propose(scores(risk=3), IncidentFacts(people=(ill,))))
    assert K.MENTAL_HEALTH_CRISIS not in kinds(
        propose(scores(risk=2), IncidentFacts(people=(ill,)))
    )
    assert kinds(propose(scores(threat=2), IncidentFacts(people=(SUBJECT,)))) == [K.WELFARE_CHECK]
    assert kinds(propose(scores(), IncidentFacts(people=(SUBJECT,)))) == []


def test_an_action_is_planned_once_per_person():
    a = PersonFacts(role="subject", self_harm=True, children_in_household=True, person_id=1)
    child = PersonFacts(role="child_at_risk", person_id=3)
    proposal = propose(scores(risk=3, vulnerability=3), IncidentFacts(people=(a, child)))
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


def test_grade_order_and_rules_are_quoted_in_the_docs_with_the_source():
    assert more_urgent(G.SCHEDULED, G.PRIORITY) == G.PRIORITY
    assert more_urgent(G.EMERGENCY, G.RESOLUTION) == G.EMERGENCY
    described = rules_described()
    assert len(described) == len(RULES) == len(GRADE_RULES) + len(PLAN_RULES)
    assert [d[:2] for d in described] == [f"G{i}" for i in range(1, 5)] + [
        f"P{i}" for i in range(1, 10)
    ] + ["P1", "P1"]
    doc = (Path(__file__).resolve().parents[2] / "docs" / "safeguarding.md").read_text()
    flat = " ".join(doc.split())
    for line in described:
        assert line in flat, f"docs/safeguarding.md does not quote rule {line[:3]} as grading.py"
    assert "College of Policing" in flat
    assert "R1. The six scores added up" not in flat
