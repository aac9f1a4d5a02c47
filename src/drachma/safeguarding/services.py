"""Every write to safeguarding: assessments, the plan's actions, their states, officer time,
and the deadline sweep.

Each function validates everything before it writes and runs in a transaction, so refused
input leaves nothing behind. Decisions (grades, overrides, transitions) go to the audit log.
"""

import datetime
from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from drachma.audit.services import record_decision
from drachma.core.services import notify
from drachma.incidents.models import Incident
from drachma.incidents.services import as_aware
from drachma.safeguarding import deadlines, escalation, grading, welfare
from drachma.safeguarding.models import (
    ACTIVE,
    FACTORS,
    OWNER_ROLES,
    ActionKind,
    ActionStatus,
    Escalation,
    ExposureEvent,
    ExposureKind,
    Factor,
    Grade,
    OutcomeResult,
    SafeguardingAction,
    Score,
    ThriveAssessment,
    TimeEntry,
)
from drachma.safeguarding.workflow import ACTION


def may_own_actions(user) -> bool:
    """Only safeguarding officers and supervisors own safeguarding actions."""
    return bool(user and user.is_active and user.groups.filter(name__in=OWNER_ROLES).exists())


def check_owner(user, field: str = "owner") -> None:
    if user is None:
        raise ValidationError({field: "Choose who owns the action."})
    if not may_own_actions(user):
        raise ValidationError(
            {
                field: f"{user.get_username()} is not a safeguarding officer or supervisor; "
                "choose someone who holds one of those roles."
            }
        )


def action_url(action: SafeguardingAction) -> str:
    return reverse("safeguarding:action", kwargs={"action_id": action.pk})


def tell_owner(action: SafeguardingAction) -> None:
    """The owner of a new or handed-over action hears of it, with its due time."""
    notify(
        action.owner,
        f"Safeguarding action for you: {action}",
        f"Due {timezone.localtime(action.due_at):%d/%m/%Y %H:%M}.",
        link=action_url(action),
    )


def latest_assessment(incident: Incident) -> ThriveAssessment | None:
    return (
        ThriveAssessment.objects.filter(incident=incident).order_by("-assessed_at", "-pk").first()
    )


def _score(raw: Any) -> int | None:
    """A THRIVE score (1, 2 or 3) from a form or the API, or None for anything else."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if value in Score.values else None


def _clean_scores(scores: dict, rationales: dict) -> tuple[dict[str, int], dict[str, str]]:
    errors = {}
    clean_scores: dict[str, int] = {}
    clean_rationales: dict[str, str] = {}
    for f in FACTORS:
        value = _score(scores.get(f))
        if value is None:
            errors[f"{f}_score"] = (
                f"Score {Factor(f).label.lower()} 1 (low), 2 (medium) or 3 (high)."
            )
        else:
            clean_scores[f] = value
        text = (rationales.get(f) or "").strip()
        if not text:
            errors[f"{f}_rationale"] = (
                f"Write the rationale for the {Factor(f).label.lower()} score."
            )
        clean_rationales[f] = text
    if errors:
        raise ValidationError(errors)
    return clean_scores, clean_rationales


def preview(
    incident: Incident, scores: dict[str, int], *, prevention: str = "", intervention: str = ""
) -> grading.Proposal:
    return grading.propose(
        scores, grading.facts_for(incident), prevention=prevention, intervention=intervention
    )


@transaction.atomic
def record_assessment(
    *,
    incident: Incident,
    user,
    scores: dict,
    rationales: dict,
    grade: str | None = None,
    override_reason: str = "",
    reason_for_reassessment: str = "",
    prevention: str = "",
    intervention: str = "",
    plan: bool = True,
    now: datetime.datetime | None = None,
) -> ThriveAssessment:
    """Record a THRIVE assessment (or a reassessment) and the grade; add the actions the
    grading rules require that the plan lacks, and bring forward the deadlines of open
    actions when the grade rises."""
    now = now or timezone.now()
    # One assessor at a time per incident, so "the previous assessment" is well defined.
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    scores, rationales = _clean_scores(scores, rationales)
    if grade and grade not in Grade.values:
        raise ValidationError({"grade": f"Unknown grade {grade!r}."})
    prevention, intervention = (prevention or "").strip(), (intervention or "").strip()
    proposal = preview(incident, scores, prevention=prevention, intervention=intervention)
    previous = latest_assessment(incident)
    assessment = ThriveAssessment(
        incident=incident,
        assessed_by=user,
        assessed_at=now,
        proposed_grade=proposal.grade,
        proposal_reasons=proposal.reasons,
        plan_considerations=proposal.considerations,
        prevention=prevention,
        intervention=intervention,
        grade=grade or proposal.grade,
        override_reason=(override_reason or "").strip()
        if (grade or proposal.grade) != proposal.grade
        else "",
        previous=previous,
        reason_for_reassessment=(reason_for_reassessment or "").strip(),
        **{f"{f}_score": scores[f] for f in FACTORS},
        **{f"{f}_rationale": rationales[f] for f in FACTORS},
    )
    assessment.full_clean()
    assessment.save()
    record_decision(
        assessment,
        "grade",
        proposed=assessment.proposed_grade,
        grade=assessment.grade,
        override_reason=assessment.override_reason,
        reassessment=bool(previous),
    )
    _retime_open_actions(incident, assessment, user=user, now=now)
    if plan and proposal.actions:
        _plan_required_actions(incident, assessment, proposal, user=user, now=now)
    return assessment


def _retime_open_actions(incident: Incident, assessment: ThriveAssessment, *, user, now) -> None:
    for action in SafeguardingAction.objects.filter(incident=incident, status__in=ACTIVE):
        new_due = deadlines.due_at(assessment.grade, action.kind, now)
        if new_due < action.due_at:
            ACTION.apply(
                action,
                "retime",
                user=user,
                at=now,
                grade=Grade(assessment.grade),
                due_at=new_due,
            )


def _plan_required_actions(incident, assessment, proposal: grading.Proposal, *, user, now) -> None:
    have = {
        (a.kind, a.person_id)
        for a in SafeguardingAction.objects.filter(incident=incident, status__in=ACTIVE)
    }
    owner = user if may_own_actions(user) else None
    if owner is None:
        return
    for kind, person_id, reason in proposal.actions:
        if (kind, person_id) in have:
            continue
        create_action(
            incident=incident,
            user=user,
            kind=kind,
            owner=owner,
            person_id=person_id,
            description=reason,
            assessment=assessment,
            now=now,
        )


@transaction.atomic
def create_action(
    *,
    incident: Incident,
    user,
    kind: str,
    owner,
    description: str = "",
    person=None,
    person_id: int | None = None,
    assessment: ThriveAssessment | None = None,
    due_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> SafeguardingAction:
    """Add an action to the incident's plan; its due time comes from the table unless given."""
    now = now or timezone.now()
    if kind not in ActionKind.values:
        raise ValidationError({"kind": f"Unknown action type {kind!r}."})
    check_owner(owner)
    assessment = assessment or latest_assessment(incident)
    if assessment is None:
        raise ValidationError(
            {
                "incident": "Assess the incident (THRIVE) before planning its actions: "
                "the due time depends on the grade."
            }
        )
    due_at = as_aware(due_at, "due_at")
    if person is not None:
        person_id = person.pk
    if person_id is not None and not incident.involvements.filter(person_id=person_id).exists():
        raise ValidationError({"person": "That person is not involved in this incident."})
    action = SafeguardingAction(
        incident=incident,
        assessment=assessment,
        kind=kind,
        description=(description or "").strip(),
        person_id=person_id,
        owner=owner,
        grade=assessment.grade,
        due_at=due_at or deadlines.due_at(assessment.grade, kind, now),
        created_at=now,
        created_by=user,
    )
    action.full_clean()
    action.save()
    ACTION.start(
        action,
        user=user,
        transition="plan",
        at=now,
        note=(
            f"Owner {owner.get_username()}; due {timezone.localtime(action.due_at):%d/%m/%Y %H:%M}."
        ),
    )
    if owner != user:
        tell_owner(action)
    return action


def transition_action(
    action: SafeguardingAction,
    name: str,
    *,
    user,
    note: str = "",
    now: datetime.datetime | None = None,
    seen: str = "",
    result: str = "",
    minutes: Any = None,
) -> SafeguardingAction:
    """Take one step of the action's workflow (see ``workflow.ACTION``); completing goes
    through ``complete_action`` (the outcome and the time spent)."""
    if name == "complete":
        return complete_action(
            action, user=user, done=note, seen=seen, result=result, minutes=minutes, now=now
        )
    return ACTION.apply(action, name, user=user, note=note, at=now)


@transaction.atomic
def complete_action(
    action: SafeguardingAction,
    *,
    user,
    done: str,
    seen: str,
    result: str,
    minutes: Any,
    now: datetime.datetime | None = None,
) -> SafeguardingAction:
    """Complete an action with its outcome (what was done, who was seen, the result) and the
    officer time it took, or nothing at all: every part is checked, and any refusal names
    each missing part and writes nothing."""
    # The step's time is taken under the row's lock unless the caller names one: a time taken
    # before waiting for the lock would put this step before one that really came first.
    at = now
    now = now or timezone.now()
    # A step the machine or the role forbids is refused as such before the outcome is read
    # (apply checks again under the row's lock).
    ACTION.check(str(action.status), "complete", user)
    errors: dict[str, str] = {}
    if not (done or "").strip():
        errors["note"] = "Give the outcome of the action: say what was done."
    if not (seen or "").strip():
        errors["seen"] = "Say who was seen (or that nobody was, and why)."
    if result not in OutcomeResult.values:
        errors["result"] = "Choose the result of the action."
    try:
        spent = int(minutes)
    except (TypeError, ValueError):
        spent = 0
    if not 1 <= spent <= 24 * 60:
        errors["minutes"] = "Give the time spent: between 1 minute and 24 hours (1440 minutes)."
    if errors:
        raise ValidationError(errors)
    action = ACTION.apply(
        action,
        "complete",
        user=user,
        note=done,
        at=at,
        seen=seen,
        result=result,
        minutes=spent,
    )
    record_time(
        action,
        user=user,
        minutes=spent,
        spent_on=timezone.localtime(now).date(),
        note="Time to complete the action.",
    )
    return action


def reassign_action(action: SafeguardingAction, *, user, owner) -> SafeguardingAction:
    """Hand an open or in-progress action to another officer; checked under the row's lock,
    so an action completed or reassigned a moment earlier is refused or named correctly."""
    return ACTION.apply(action, "reassign", user=user, owner=owner)


@transaction.atomic
def record_time(
    action: SafeguardingAction,
    *,
    user,
    minutes: int,
    spent_on: datetime.date,
    officer=None,
    note: str = "",
) -> TimeEntry:
    officer = officer or user
    if not may_own_actions(officer):
        raise ValidationError(
            {"officer": f"{officer.get_username()} is not a safeguarding officer or supervisor."}
        )
    entry = TimeEntry(
        action=action,
        officer=officer,
        minutes=minutes,
        spent_on=spent_on,
        note=(note or "").strip(),
        recorded_by=user,
    )
    entry.full_clean()
    entry.save()
    return entry


# --- the deadline sweep ------------------------------------------------------------------

MAX_LISTED = 15


@transaction.atomic
def sweep_deadlines(now: datetime.datetime | None = None) -> int:
    """Mark every active action past its due time overdue and tell its owner and the owner's
    supervisor, once: the conditional UPDATE takes only rows not yet notified, so however
    often (or concurrently) the sweep runs, an action is announced once.

    A bounded number of queries whatever the number of actions: one UPDATE stamping the rows
    with this sweep's time; one count of them by owner; one SELECT of the first few of each
    owner's (a window function, so never more than MAX_LISTED rows per owner); then one
    message per person told, and one audit entry for the sweep."""
    now = now or timezone.now()
    marked = (
        SafeguardingAction.objects.filter(
            status__in=ACTIVE,
            due_at__lt=now,
            overdue_notified_at__isnull=True,
        )
        .audited_as("deadline sweep")
        .update(overdue=True, overdue_notified_at=now)
    )
    if not marked:
        return 0
    stamped = SafeguardingAction.objects.filter(overdue_notified_at=now, overdue=True)
    total: dict[int, int] = defaultdict(int)
    own: dict[int, int] = defaultdict(int)
    supervisor_of: dict[int, int] = {}
    for row in (
        stamped.order_by()
        .values("owner_id", "owner__account__supervisor_id")
        .annotate(n=Count("pk"))
    ):
        owner_id, supervisor_id = row["owner_id"], row["owner__account__supervisor_id"]
        total[owner_id] += row["n"]
        own[owner_id] += row["n"]
        if supervisor_id and supervisor_id != owner_id:
            total[supervisor_id] += row["n"]
            supervisor_of[owner_id] = supervisor_id
    first = (
        stamped.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("owner_id")],
                order_by=[F("due_at").asc(), F("pk").asc()],
            )
        )
        .filter(rank__lte=MAX_LISTED)
        .values_list("due_at", "pk", "kind", "incident__reference", "owner_id")
    )
    listed: dict[int, list[tuple]] = defaultdict(list)
    for item in first:
        listed[item[4]].append(item)
        if item[4] in supervisor_of:
            listed[supervisor_of[item[4]]].append(item)
    users = get_user_model().objects.in_bulk(list(total))
    queue = reverse("safeguarding:queue")
    for user_id, count in total.items():
        user = users.get(user_id)
        if user is None or not user.is_active:
            continue
        items = sorted(listed[user_id])[:MAX_LISTED]
        subject = f"{count} safeguarding action{'s' if count != 1 else ''} now overdue" + (
            f" ({own[user_id]} yours)" if own[user_id] and own[user_id] != count else ""
        )
        # The e-mail leaves the force's systems: it names the incident and the type of action,
        # never a person.
        lines = [
            (
                f"- {ActionKind(kind).label} on {reference}, due "
                f"{timezone.localtime(due):%d/%m/%Y %H:%M}"
            )
            + ("" if owner_id == user_id else " (your team)")
            for due, _, kind, reference, owner_id in items
        ]
        if count > len(items):
            lines.append(f"… and {count - len(items)} more.")
        notify(user, subject, "\n".join(lines), link=f"{queue}?overdue=true")
    return marked


# --- the escalation ladder ----------------------------------------------------------------


def _supervisor_of(user):
    account = getattr(user, "account", None) if user is not None else None
    return account.supervisor if account is not None and account.supervisor_id else None


def escalation_recipients(action: SafeguardingAction, to: str) -> list:
    """Who a rung reaches for this action: the owner's supervisor (sergeant) or that
    supervisor's own supervisor (duty inspector); every active supervisor when the chain has
    no one active there."""
    sergeant = _supervisor_of(action.owner)
    person = sergeant if to == "sergeant" else _supervisor_of(sergeant)
    if person is not None and person.is_active:
        return [person]
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name="supervisor")
        .distinct()
        .order_by("pk")
    )


def _escalation_reason(action, grade: str, rung: escalation.Rung, clock_from, now) -> str:
    grade_words = Grade(grade).label.lower()
    if rung.trigger == escalation.NOT_TAKEN_UP:
        why = (
            f"not taken up since it was planned at {timezone.localtime(clock_from):%d/%m/%Y %H:%M}"
        )
    else:
        why = f"late: due {timezone.localtime(clock_from):%d/%m/%Y %H:%M}"
    waited = int((now - clock_from).total_seconds() // 60)
    return (
        f"{ActionKind(action.kind).label} on {action.incident.reference} ({grade_words}) {why}, "
        f"{waited} minutes ago: escalated to {escalation.RUNGS[rung.to]}."
    )


@transaction.atomic
def escalate_actions(now: datetime.datetime | None = None) -> int:
    """Take every rung of the escalation ladder that has come due: an action not taken up
    (open and never started, or owned by someone who can no longer act) or late, for long
    enough at its grade. Each rung is taken once per action and clock: recorded
    (``Escalation``, an ``escalate`` event in the action's history and its audit entry) and
    told to the people it reaches. Returns the number of escalations made."""
    now = now or timezone.now()
    able = (
        get_user_model().objects.filter(is_active=True, groups__name__in=OWNER_ROLES).values("pk")
    )
    made = 0
    for grade, number, rung in escalation.rungs():
        threshold = now - datetime.timedelta(minutes=rung.after_minutes)
        actions = SafeguardingAction.objects.filter(status__in=ACTIVE, grade=grade)
        if rung.trigger == escalation.NOT_TAKEN_UP:
            clock_field = "created_at"
            actions = actions.filter(
                Q(status=ActionStatus.OPEN, started_at__isnull=True) | ~Q(owner__in=able),
                created_at__lte=threshold,
            )
        else:
            clock_field = "due_at"
            actions = actions.filter(due_at__lt=now, due_at__lte=threshold)
        taken = Escalation.objects.filter(
            action=OuterRef("pk"),
            grade=grade,
            trigger=rung.trigger,
            rung=number,
            clock_from=OuterRef(clock_field),
        )
        for action in actions.exclude(Exists(taken)).select_related(
            "incident", "owner__account__supervisor__account__supervisor"
        ):
            clock_from = getattr(action, clock_field)
            try:
                with transaction.atomic():
                    record = Escalation.objects.create(
                        action=action,
                        grade=grade,
                        trigger=rung.trigger,
                        rung=number,
                        to=rung.to,
                        clock_from=clock_from,
                        escalated_at=now,
                        reason=_escalation_reason(action, grade, rung, clock_from, now)[:300],
                    )
            except IntegrityError:
                continue  # an overlapping sweep took this rung a moment ago
            recipients = escalation_recipients(action, rung.to)
            record.recipients.set(recipients)
            names = ", ".join(u.get_username() for u in recipients) or "nobody"
            ACTION.apply(
                action,
                "escalate",
                user=None,
                at=now,
                by_description="the escalation ladder",
                note=f"{record.reason} Told: {names}.",
                escalation=record,
            )
            for person in recipients:
                # Names the incident and the type of action, never a person: it may be
                # e-mailed.
                notify(
                    person,
                    f"Escalated to you: {ActionKind(action.kind).label} on "
                    f"{action.incident.reference}",
                    record.reason,
                    link=action_url(action),
                )
            made += 1
    return made


# --- exposure and the welfare clock -------------------------------------------------------


def risk_indicators(person) -> list[str]:
    """The person's risk indicators in words: vulnerability flags and what the timeline
    records (threats received, loss of job or home)."""
    found = [
        words
        for field, words in welfare.RISK_INDICATORS.items()
        if field.startswith("flag_") and getattr(person, field, False)
    ]
    recorded = ExposureEvent.objects.filter(person=person)
    if recorded.filter(threats_received=True).exists():
        found.append(welfare.RISK_INDICATORS["threats_received"])
    if recorded.filter(loss_of_job_or_home=True).exists():
        found.append(welfare.RISK_INDICATORS["loss_of_job_or_home"])
    return found


@transaction.atomic
def record_exposure(
    *,
    incident: Incident,
    person,
    user,
    kind: str,
    occurred_at: datetime.datetime,
    detail: str = "",
    threats_received: bool = False,
    loss_of_job_or_home: bool = False,
    now: datetime.datetime | None = None,
) -> ExposureEvent:
    """Record one exposure event of a person involved in the incident and start the welfare
    actions the table (``welfare.table()``) sets for it, due in Europe/London from the
    event's time; a risk indicator shortens the deadline and raises the grade to at least
    priority. Everything is checked first: a refused event leaves nothing behind."""
    now = now or timezone.now()
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    errors: dict[str, str] = {}
    if occurred_at is None:
        errors["occurred_at"] = "Give when it happened."
    if kind not in ExposureKind.values:
        errors["kind"] = (
            "Choose what happened: "
            + ", ".join(str(label).lower() for label in ExposureKind.labels)
            + "."
        )
    if person is None or not incident.involvements.filter(person=person).exists():
        errors["person"] = "Choose a person involved in this incident."
    assessment = latest_assessment(incident)
    if assessment is None:
        errors["incident"] = (
            "Assess the incident (THRIVE) before recording exposure: the welfare actions "
            "take their grade from it."
        )
    owner = user if may_own_actions(user) else None
    if owner is None and assessment is not None and may_own_actions(assessment.assessed_by):
        owner = assessment.assessed_by
    if owner is None:
        errors["incident"] = errors.get("incident") or (
            "Nobody can own the welfare actions: record the event as a safeguarding officer "
            "or supervisor."
        )
    if errors:
        raise ValidationError(errors)
    when = as_aware(occurred_at, "occurred_at")
    assert when is not None  # refused above when missing
    occurred_at = when
    event = ExposureEvent(
        person=person,
        incident=incident,
        kind=kind,
        occurred_at=occurred_at,
        detail=(detail or "").strip(),
        threats_received=bool(threats_received),
        loss_of_job_or_home=bool(loss_of_job_or_home),
        recorded_by=user,
        recorded_at=now,
    )
    event.full_clean()
    event.save()
    assert assessment is not None and owner is not None  # checked above
    at_risk = risk_indicators(person)
    grade = assessment.grade
    if at_risk:
        grade = grading.more_urgent(grade, Grade.PRIORITY)
    rules = welfare.table().get(kind, ())
    for index, rule in enumerate(rules):
        due = rule.due(occurred_at, at_risk=bool(at_risk))
        why = rule.what + (f" (risk: {', '.join(at_risk)})" if at_risk else "")
        action = SafeguardingAction(
            incident=incident,
            assessment=assessment,
            kind=rule.kind,
            description=f"{why}. After: {event.get_kind_display().lower()}, "
            f"{timezone.localtime(occurred_at):%d/%m/%Y %H:%M}.",
            person=person,
            owner=owner,
            grade=grade,
            due_at=due,
            created_at=now,
            created_by=user,
            exposure=event,
            welfare_rule=welfare.rule_key(kind, index),
        )
        action.full_clean()
        action.save()
        ACTION.start(
            action,
            user=user,
            transition="plan",
            at=now,
            note=f"Started by {event.get_kind_display().lower()}: {why}. Owner "
            f"{owner.get_username()}; due {timezone.localtime(due):%d/%m/%Y %H:%M}.",
        )
        if owner != user:
            tell_owner(action)
    record_decision(
        event,
        "exposure",
        kind=kind,
        person=person.pk,
        actions=len(rules),
        risk_indicators=at_risk,
    )
    return event
