"""The grading rules, written once: from a THRIVE assessment, the vulnerability flags of the
people involved and the incident's facts, the response grade the system proposes, the
considerations the plan must answer, and the actions the plan must contain.
docs/safeguarding.md quotes each rule word for word.

THRIVE as the College of Policing uses it: threat, harm and risk decide how urgently the
police respond (the grade); investigation, vulnerability and engagement shape what the
response does (the plan), and THRIVE+ adds prevention and intervention. So the grade is read
from the threat, harm and risk scores alone (G1 to G4); a high investigation or vulnerability
score never makes an incident more urgent, it adds to the plan (P1 to P11). A person's
vulnerability raises the urgency only through the officer's harm and risk scores, which the
plan's considerations ask the officer to check.

The officer may override the proposed grade with a reason (services.record_assessment); both
grades are kept on the assessment.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from drachma.safeguarding.models import FACTORS, ActionKind, Grade, Score

# Most urgent first.
GRADE_ORDER = [Grade.EMERGENCY, Grade.PRIORITY, Grade.SCHEDULED, Grade.RESOLUTION]


def more_urgent(a: str, b: str) -> str:
    return a if GRADE_ORDER.index(Grade(a)) <= GRADE_ORDER.index(Grade(b)) else b


@dataclass(frozen=True)
class PersonFacts:
    """What the rules need of one person in the incident (from drachma.people.models.Person)."""

    role: str  # incidents.models.PersonRole
    learning_disability: bool = False
    mental_ill_health: bool = False
    self_harm: bool = False
    children_in_household: bool = False
    person_id: int | None = None


@dataclass(frozen=True)
class IncidentFacts:
    kind: str = ""  # incidents.models.IncidentKind
    live_streamed: bool = False
    people: tuple[PersonFacts, ...] = ()

    @property
    def subjects(self) -> list[PersonFacts]:
        return [p for p in self.people if p.role == "subject"]


@dataclass
class Proposal:
    grade: str
    reasons: list[str] = field(default_factory=list)
    # (action kind, person id or None, why): what the plan must contain.
    actions: list[tuple[str, int | None, str]] = field(default_factory=list)
    # What the plan must answer (investigation, vulnerability, engagement, THRIVE+), in words.
    considerations: list[str] = field(default_factory=list)
    prevention: str = ""
    intervention: str = ""

    def set_grade(self, grade: str, reason: str) -> None:
        self.grade = grade
        self.reasons.append(reason)

    def consider(self, text: str) -> None:
        if text not in self.considerations:
            self.considerations.append(text)

    def need(self, kind: str, reason: str, person: PersonFacts | None = None) -> None:
        key = (kind, person.person_id if person else None)
        if key not in {(k, p) for k, p, _ in self.actions}:
            self.actions.append((kind, key[1], reason))


def facts_for(incident) -> IncidentFacts:
    """The incident's facts and its people's vulnerability flags (one query)."""
    people = tuple(
        PersonFacts(
            role=inv.role,
            learning_disability=inv.person.flag_learning_disability,
            mental_ill_health=inv.person.flag_mental_ill_health,
            self_harm=inv.person.flag_self_harm,
            children_in_household=inv.person.flag_children_in_household,
            person_id=inv.person_id,
        )
        for inv in incident.involvements.select_related("person")
    )
    return IncidentFacts(kind=incident.kind, live_streamed=incident.live_streamed, people=people)


# --- the rules ------------------------------------------------------------------------------
# The grade rules read threat, harm and risk only; they run first, most urgent first, and the
# first that applies sets the grade. The plan rules then add considerations and actions; they
# never change the grade. The subject's plan (P11) runs last so that it sees the grade.

HIGH, MEDIUM = Score.HIGH, Score.MEDIUM
THR = ("threat", "harm", "risk")


def _named(factors: Iterable[str]) -> str:
    names = list(factors)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def emergency_when_harm_is_high_and_threatened_or_likely(scores, facts, p) -> bool:
    """G1. Harm high with threat high or risk high: emergency."""
    if scores["harm"] == HIGH and HIGH in (scores["threat"], scores["risk"]):
        with_ = [f for f in ("threat", "risk") if scores[f] == HIGH]
        p.set_grade(Grade.EMERGENCY, f"G1: harm and {_named(with_)} high: emergency.")
        return True
    return False


def priority_when_any_of_threat_harm_risk_is_high(scores, facts, p) -> bool:
    """G2. Otherwise threat, harm or risk high: priority."""
    high = [f for f in THR if scores[f] == HIGH]
    if high:
        p.set_grade(Grade.PRIORITY, f"G2: {_named(high)} high: priority.")
        return True
    return False


def scheduled_when_any_of_threat_harm_risk_is_medium(scores, facts, p) -> bool:
    """G3. Otherwise threat, harm or risk medium: scheduled."""
    medium = [f for f in THR if scores[f] == MEDIUM]
    if medium:
        p.set_grade(Grade.SCHEDULED, f"G3: {_named(medium)} medium: scheduled.")
        return True
    return False


def resolution_when_threat_harm_risk_are_low(scores, facts, p) -> bool:
    """G4. Otherwise (threat, harm and risk all low): resolution without deployment."""
    p.set_grade(
        Grade.RESOLUTION,
        "G4: threat, harm and risk all low: resolution without deployment.",
    )
    return True


def investigation_shapes_the_plan(scores, facts, p) -> None:
    """P1. Investigation medium or high: the plan names the lines of enquiry, who pursues them
    and the evidence to secure first (the grade is unchanged)."""
    if scores["investigation"] >= MEDIUM:
        level = Score(scores["investigation"]).label.lower()
        p.consider(
            f"P1: investigation {level}: name the lines of enquiry, who pursues them and the "
            "evidence to secure first (the grade is unchanged)."
        )


def vulnerability_shapes_the_plan(scores, facts, p) -> None:
    """P2. Vulnerability medium or high: a welfare check on each subject whatever the grade,
    and the harm and risk scores checked against each person's vulnerability (the grade is
    unchanged)."""
    if scores["vulnerability"] >= MEDIUM:
        level = Score(scores["vulnerability"]).label.lower()
        p.consider(
            f"P2: vulnerability {level}: check the harm and risk scores against each person's "
            "vulnerability; safeguard whatever the grade (the grade is unchanged)."
        )
        for s in facts.subjects:
            p.need(ActionKind.WELFARE_CHECK, "P2: vulnerability medium or high.", s)


def engagement_shapes_the_plan(scores, facts, p) -> None:
    """P3. Engagement medium or high: the plan says who makes contact with the person and the
    family, and how (the grade is unchanged)."""
    if scores["engagement"] >= MEDIUM:
        level = Score(scores["engagement"]).label.lower()
        p.consider(
            f"P3: engagement {level}: say who makes contact with the person and the family, "
            "and how (the grade is unchanged)."
        )


def live_streamed_vulnerable_subject(scores, facts, p) -> None:
    """P4. A live-streamed confrontation of a subject flagged with a learning disability or
    previous self-harm: a welfare check on the subject whatever the grade, and the harm and
    risk scores checked against the exposure."""
    flagged = [s for s in facts.subjects if s.learning_disability or s.self_harm]
    if facts.live_streamed and flagged:
        p.consider(
            "P4: a live-streamed confrontation of a subject with a learning disability or "
            "previous self-harm: check the harm and risk scores against the exposure."
        )
        for s in flagged:
            p.need(ActionKind.WELFARE_CHECK, "P4: vulnerable subject live-streamed.", s)


def self_harm_under_threat(scores, facts, p) -> None:
    """P5. A subject flagged with previous self-harm while the threat or risk is high:
    suicide-prevention signposting and a mental-health crisis referral."""
    if HIGH not in (scores["threat"], scores["risk"]):
        return
    for s in facts.subjects:
        if s.self_harm:
            p.need(ActionKind.SUICIDE_PREVENTION, "P5: previous self-harm under threat.", s)
            p.need(ActionKind.MENTAL_HEALTH_CRISIS, "P5: previous self-harm under threat.", s)


def vulnerable_subject_is_checked(scores, facts, p) -> None:
    """P6. Any subject with a vulnerability flag (learning disability, mental ill health,
    previous self-harm): a welfare check on the subject whatever the grade."""
    for s in facts.subjects:
        if s.learning_disability or s.mental_ill_health or s.self_harm:
            p.need(ActionKind.WELFARE_CHECK, "P6: a vulnerable subject.", s)


def child_at_risk(scores, facts, p) -> None:
    """P7. A child at risk involved in the incident: a referral to children's services, and
    the harm score checked against the child's risk."""
    if any(x.role == "child_at_risk" for x in facts.people):
        p.consider("P7: a child at risk is involved: check the harm score against the child.")
        p.need(ActionKind.CHILDRENS_SERVICES, "P7: a child at risk is involved.")


def family_threatened(scores, facts, p) -> None:
    """P8. Harassment of a family, or a publication naming the subject, with medium or high
    threat: protective patrols at the address and victim support for the family (and family
    liaison when a family member is recorded)."""
    if facts.kind in ("family_harassment", "publication") and scores["threat"] >= MEDIUM:
        p.need(ActionKind.PROTECTIVE_PATROLS, "P8: the address is targeted.")
        p.need(ActionKind.VICTIM_SUPPORT, "P8: victim support for the family.")
        if any(x.role == "family" for x in facts.people):
            p.need(ActionKind.FAMILY_LIAISON, "P8: a family member is recorded.")


def children_in_household(scores, facts, p) -> None:
    """P9. Anyone involved (other than group members) flagged with children in the household:
    a referral to children's services."""
    for person in facts.people:
        if person.children_in_household and person.role != "group_member":
            p.need(ActionKind.CHILDRENS_SERVICES, "P9: children in the household.", person)


def prevention_and_intervention(scores, facts, p) -> None:
    """P10. THRIVE+: prevention (what would stop the harm recurring or spreading) and
    intervention (who acts, police or partners) are written on the assessment; the plan asks
    for whichever is missing."""
    missing = [
        name
        for name, text in (("prevention", p.prevention), ("intervention", p.intervention))
        if not text.strip()
    ]
    if missing:
        p.consider(f"P10: THRIVE+: write the {_named(missing)} the plan relies on.")


def plan_for_subjects(scores, facts, p) -> None:
    """P11. The plan for each subject, by flag: a welfare check (unless resolved without
    deployment); learning disability: adult social care; previous self-harm:
    suicide-prevention signposting; mental ill health: a mental-health crisis team when risk
    is high."""
    for s in facts.subjects:
        if p.grade != Grade.RESOLUTION:
            p.need(ActionKind.WELFARE_CHECK, "P11: welfare check on the subject.", s)
        if s.learning_disability:
            p.need(ActionKind.ADULT_SOCIAL_CARE, "P11: subject with a learning disability.", s)
        if s.self_harm:
            p.need(ActionKind.SUICIDE_PREVENTION, "P11: subject with previous self-harm.", s)
        if s.mental_ill_health and scores["risk"] == HIGH:
            p.need(
                ActionKind.MENTAL_HEALTH_CRISIS,
                "P11: mental ill health with high risk.",
                s,
            )


GradeRule = Callable[[dict, IncidentFacts, "Proposal"], bool]
PlanRule = Callable[[dict, IncidentFacts, "Proposal"], None]

GRADE_RULES: list[GradeRule] = [
    emergency_when_harm_is_high_and_threatened_or_likely,
    priority_when_any_of_threat_harm_risk_is_high,
    scheduled_when_any_of_threat_harm_risk_is_medium,
    resolution_when_threat_harm_risk_are_low,
]

PLAN_RULES: list[PlanRule] = [
    investigation_shapes_the_plan,
    vulnerability_shapes_the_plan,
    engagement_shapes_the_plan,
    live_streamed_vulnerable_subject,
    self_harm_under_threat,
    vulnerable_subject_is_checked,
    child_at_risk,
    family_threatened,
    children_in_household,
    prevention_and_intervention,
    plan_for_subjects,
]

RULES: list[Callable] = [*GRADE_RULES, *PLAN_RULES]


def propose(
    scores: dict[str, int],
    facts: IncidentFacts,
    *,
    prevention: str = "",
    intervention: str = "",
) -> Proposal:
    """The proposed grade (threat, harm and risk only), the reasons in words, the plan's
    considerations and the actions the plan needs."""
    missing = [f for f in FACTORS if f not in scores or scores[f] not in Score.values]
    if missing:
        raise ValueError(f"scores missing or out of range: {', '.join(missing)}")
    proposal = Proposal(
        grade=Grade.RESOLUTION, prevention=prevention or "", intervention=intervention or ""
    )
    for grade_rule in GRADE_RULES:
        if grade_rule(scores, facts, proposal):
            break
    for plan_rule in PLAN_RULES:
        plan_rule(scores, facts, proposal)
    return proposal


def rules_described() -> Iterable[str]:
    """Each rule's docstring: what docs/safeguarding.md lists."""
    return [" ".join((rule.__doc__ or "").split()) for rule in RULES]
