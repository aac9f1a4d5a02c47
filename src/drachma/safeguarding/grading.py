"""The grading rules, written once: from a THRIVE assessment's six scores, the vulnerability
flags of the people involved and the incident's facts, the response grade the system
proposes and the actions the plan must contain. docs/safeguarding.md describes each rule.

The proposal is the most urgent grade any rule asks for ("at least priority" raises, never
lowers). The officer may override it with a reason (services.record_assessment); both grades
are kept on the assessment.
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

    def raise_to(self, grade: str, reason: str) -> None:
        if more_urgent(grade, self.grade) != self.grade:
            self.grade = grade
        self.reasons.append(reason)

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
# Each rule reads the scores and facts and raises the proposal or adds to the plan. They run
# in this order; the base grade comes first so that the others can only raise it.

HIGH, MEDIUM = Score.HIGH, Score.MEDIUM


def base_from_scores(scores: dict[str, int], facts: IncidentFacts, p: Proposal) -> None:
    """R1. The six scores added up (6 to 18): 15+ emergency, 11+ priority, 8+ scheduled,
    otherwise resolution without deployment."""
    total = sum(scores.values())
    grade = (
        Grade.EMERGENCY
        if total >= 15
        else Grade.PRIORITY
        if total >= 11
        else Grade.SCHEDULED
        if total >= 8
        else Grade.RESOLUTION
    )
    p.grade = grade
    p.reasons.append(f"R1: THRIVE scores total {total} of 18: {Grade(grade).label.lower()}.")


def threat_and_harm_high(scores, facts, p) -> None:
    """R2. Threat and harm both high: emergency."""
    if scores["threat"] == HIGH and scores["harm"] == HIGH:
        p.raise_to(Grade.EMERGENCY, "R2: threat and harm are both high: emergency.")


def any_high_threat_harm_risk(scores, facts, p) -> None:
    """R3. Threat, harm or risk high: at least priority."""
    high = [f for f in ("threat", "harm", "risk") if scores[f] == HIGH]
    if high:
        p.raise_to(Grade.PRIORITY, f"R3: {', '.join(high)} high: at least priority.")


def live_streamed_vulnerable_subject(scores, facts, p) -> None:
    """R4. A live-streamed confrontation of a subject flagged with a learning disability or
    previous self-harm: at least priority."""
    if facts.live_streamed and any(s.learning_disability or s.self_harm for s in facts.subjects):
        p.raise_to(
            Grade.PRIORITY,
            "R4: live-streamed confrontation of a subject with a learning disability "
            "or previous self-harm: at least priority.",
        )


def self_harm_under_threat(scores, facts, p) -> None:
    """R5. A subject flagged with previous self-harm while the threat or risk is high:
    emergency, with suicide-prevention signposting and a mental-health crisis referral."""
    if any(s.self_harm for s in facts.subjects) and HIGH in (scores["threat"], scores["risk"]):
        p.raise_to(
            Grade.EMERGENCY,
            "R5: subject with previous self-harm and high threat or risk: emergency.",
        )


def vulnerable_subject_minimum(scores, facts, p) -> None:
    """R6. Any subject with a vulnerability flag (learning disability, mental ill health,
    previous self-harm): at least scheduled, never resolved without deployment."""
    if any(s.learning_disability or s.mental_ill_health or s.self_harm for s in facts.subjects):
        p.raise_to(Grade.SCHEDULED, "R6: a vulnerable subject: at least scheduled.")


def child_at_risk(scores, facts, p) -> None:
    """R7. A child at risk involved in the incident: at least priority, and a referral to
    children's services."""
    if any(x.role == "child_at_risk" for x in facts.people):
        p.raise_to(Grade.PRIORITY, "R7: a child at risk is involved: at least priority.")
        p.need(ActionKind.CHILDRENS_SERVICES, "R7: a child at risk is involved.")


def children_in_household(scores, facts, p) -> None:
    """R9. Anyone involved (other than group members) flagged with children in the household:
    a referral to children's services."""
    for person in facts.people:
        if person.children_in_household and person.role != "group_member":
            p.need(ActionKind.CHILDRENS_SERVICES, "R9: children in the household.", person)


def plan_for_subjects(scores, facts, p) -> None:
    """R10. The plan for each subject, by flag: a welfare check (unless resolved without
    deployment); learning disability: adult social care; previous self-harm:
    suicide-prevention signposting, and with high threat or risk a mental-health crisis team;
    mental ill health: a mental-health crisis team when risk is high."""
    for s in facts.subjects:
        if p.grade != Grade.RESOLUTION:
            p.need(ActionKind.WELFARE_CHECK, "R10: welfare check on the subject.", s)
        if s.learning_disability:
            p.need(ActionKind.ADULT_SOCIAL_CARE, "R10: subject with a learning disability.", s)
        if s.self_harm:
            p.need(ActionKind.SUICIDE_PREVENTION, "R10: subject with previous self-harm.", s)
        if (s.self_harm and HIGH in (scores["threat"], scores["risk"])) or (
            s.mental_ill_health and scores["risk"] == HIGH
        ):
            p.need(
                ActionKind.MENTAL_HEALTH_CRISIS,
                "R10: self-harm or mental ill health with high risk.",
                s,
            )


def family_threatened(scores, facts, p) -> None:
    """R8. Harassment of a family, or a publication naming the subject, with medium or high
    threat: at least priority, protective patrols at the address and victim support for the
    family (and family liaison when a family member is recorded)."""
    if facts.kind in ("family_harassment", "publication") and scores["threat"] >= MEDIUM:
        p.raise_to(
            Grade.PRIORITY,
            "R8: the family or the subject's address is targeted: at least priority.",
        )
        p.need(ActionKind.PROTECTIVE_PATROLS, "R8: the address is targeted.")
        p.need(ActionKind.VICTIM_SUPPORT, "R8: victim support for the family.")
        if any(x.role == "family" for x in facts.people):
            p.need(ActionKind.FAMILY_LIAISON, "R8: a family member is recorded.")


RULES: list[Callable[[dict, IncidentFacts, Proposal], None]] = [
    base_from_scores,
    threat_and_harm_high,
    any_high_threat_harm_risk,
    live_streamed_vulnerable_subject,
    self_harm_under_threat,
    vulnerable_subject_minimum,
    child_at_risk,
    family_threatened,
    children_in_household,
    plan_for_subjects,
]


def propose(scores: dict[str, int], facts: IncidentFacts) -> Proposal:
    """The proposed grade, the reasons in words, and the actions the plan needs."""
    missing = [f for f in FACTORS if f not in scores or scores[f] not in Score.values]
    if missing:
        raise ValueError(f"scores missing or out of range: {', '.join(missing)}")
    proposal = Proposal(grade=Grade.RESOLUTION)
    for rule in RULES:
        rule(scores, facts, proposal)
    return proposal


def rules_described() -> Iterable[str]:
    """Each rule's docstring: what docs/safeguarding.md lists."""
    return [" ".join((rule.__doc__ or "").split()) for rule in RULES]
