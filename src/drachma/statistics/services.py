"""Every write of the statistics app: Freedom of Information requests recorded, answered and
reminded of. (The monthly counts are written by ``rollup``.)"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from drachma.core.models import ReferenceCounter
from drachma.core.services import notify
from drachma.core.smallnumbers import CellStatus
from drachma.core.workingdays import add_working_days
from drachma.statistics import foi
from drachma.statistics.models import FOI_WORKING_DAYS, FOIRequest, FOIStatus
from drachma.statistics.selectors import DIMENSIONS, AreaFilter, Period
from drachma.statistics.workflow import FOI, check_exemptions

REFERENCE_PREFIX = "FOI"


def foi_due_on(received_on: datetime.date) -> datetime.date:
    """The twentieth working day following the day of receipt (England and Wales calendar)."""
    return add_working_days(received_on, FOI_WORKING_DAYS)


def remind_days() -> int:
    """How many working days before the deadline the reminder is sent."""
    return int(getattr(settings, "DRACHMA_FOI_REMIND_DAYS", 5))


def _check_figures(
    period_start: Any, period_end: Any, breakdowns: Iterable[str], areas: Iterable[str]
) -> tuple[list[str], list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        Period.of(period_start, period_end)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(
                {"start": "period_start", "end": "period_end"}.get(field, field), []
            ).extend(messages)
    chosen = list(dict.fromkeys(b for b in breakdowns or () if b))
    if not chosen:
        errors["breakdowns"] = ["Choose at least one breakdown of the figures."]
    for name in chosen:
        if name not in DIMENSIONS:
            errors.setdefault("breakdowns", []).append(f"Unknown breakdown {name!r}.")
        elif name == "group" or DIMENSIONS[name].name_bearing:
            errors.setdefault("breakdowns", []).append(
                f"A breakdown by {DIMENSIONS[name].label.lower()} is not published in FOI "
                "answers; choose another."
            )
    codes = [a.strip() for a in areas or () if a and a.strip()]
    try:
        AreaFilter.parse(codes)
    except ValidationError as exc:
        errors.setdefault("areas", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return chosen, codes


def record_request(
    *,
    user,
    received_on: datetime.date,
    requester_reference: str,
    question: str,
    period_start: datetime.date,
    period_end: datetime.date,
    breakdowns: Iterable[str],
    areas: Iterable[str] = (),
    recorded_at: datetime.datetime | None = None,
) -> FOIRequest:
    """Record a request and its statutory deadline. Refused (nothing written) when it is dated
    in the future, or asks for figures Drachma cannot give. ``recorded_at`` (default now) is
    for loading past requests."""
    chosen, codes = _check_figures(period_start, period_end, breakdowns, areas)
    request = FOIRequest(
        received_on=received_on,
        requester_reference=(requester_reference or "").strip(),
        question=(question or "").strip(),
        period_start=period_start,
        period_end=period_end,
        breakdowns=chosen,
        areas=codes,
        recorded_by=user,
        recorded_at=recorded_at or timezone.now(),
        reference="pending",
    )
    # Checked before the reference is issued, so a refused request uses up no number.
    request.full_clean(exclude=["reference", "due_on"])
    request.due_on = foi_due_on(received_on)
    with transaction.atomic():
        request.reference = ReferenceCounter.next_reference(REFERENCE_PREFIX, year=received_on.year)
        request.save()
        FOI.start(request, user=user, transition="record", at=request.recorded_at)
    return request


def draft_answer(request: FOIRequest) -> foi.FOIAnswer:
    """The answer the statistics give today for what the request asked."""
    return foi.foi_answer(
        Period.of(request.period_start, request.period_end),
        by=list(request.breakdowns),
        areas=AreaFilter.parse(request.areas),
    )


def published_answer(answer: foi.FOIAnswer) -> tuple[dict, dict]:
    """The answer as published (every figure as printed) and the small-number judgement: the
    rule, and every figure withheld and why."""
    rows = [
        [cell.display if hasattr(cell, "display") else str(cell) for cell in row]
        for row in foi.answer_rows(answer)
    ]
    withheld = [
        {"table": DIMENSIONS[name].label, "category": category, "status": cell.status.value}
        for name, table in answer.tables.items()
        for category, cell in [*table.rows(), ("Total", table.total)]
        if cell.status is not CellStatus.SHOWN
    ]
    published = {
        "period": str(answer.period),
        "headline": answer.headline(),
        "rows": rows,
        "footnote": answer.footnote,
    }
    judgement = {
        "threshold": answer.rule.threshold,
        "suppress_zero": answer.rule.suppress_zero,
        "rule": answer.footnote,
        "withheld": withheld,
        "total_withheld": answer.total.suppressed,
    }
    return published, judgement


def answer_request(
    request: FOIRequest,
    *,
    user,
    judgement_note: str,
    exemptions: dict[str, str] | None = None,
    at: datetime.datetime | None = None,
) -> FOIRequest:
    """Answer the request from the statistics, once. The exemptions are checked first (each
    with its reason), then the answer is made, then the one workflow step writes the answer,
    its judgement and the exemptions together under the row's lock: a request already
    answered, or answered by someone else a moment ago, is refused and nothing is written.
    ``at`` (default now) is when it was answered, for loading past answers."""
    exemptions = check_exemptions(exemptions or {})
    if request.status != FOIStatus.OPEN:
        raise ValidationError(
            {"status": f"{request.reference} was already answered; it is answered once."}
        )
    published, judgement = published_answer(draft_answer(request))
    return FOI.apply(
        request,
        "answer",
        user=user,
        note=judgement_note,
        at=at,
        answer=published,
        judgement=judgement,
        exemptions=exemptions,
    )


def remind_deadlines(now: datetime.datetime | None = None) -> int:
    """Tell the recorder of each open request (and the recorder's supervisor) once when its
    deadline is ``remind_days()`` working days away or nearer, and once more when it has
    passed. Each stamp is a conditional, audited UPDATE, so however often (or concurrently)
    the task runs, a request is announced once of each."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    soon = add_working_days(today, remind_days())
    told = 0
    for stamp, filters, subject in (
        (
            "reminded_at",
            {"due_on__gte": today, "due_on__lte": soon, "reminded_at__isnull": True},
            "FOI request {ref} is due {due}",
        ),
        (
            "overdue_notified_at",
            {"due_on__lt": today, "overdue_notified_at__isnull": True},
            "FOI request {ref} is overdue: it was due {due}",
        ),
    ):
        candidates = list(
            FOIRequest.objects.filter(status=FOIStatus.OPEN, **filters).values_list("pk", flat=True)
        )
        if not candidates:
            continue
        with transaction.atomic():
            marked = (
                FOIRequest.objects.filter(pk__in=candidates, status=FOIStatus.OPEN, **filters)
                .audited_as(f"FOI deadline {stamp.split('_')[0]}")
                .update(**{stamp: now})
            )
            if not marked:
                continue
            told += marked
            stamped = FOIRequest.objects.filter(**{stamp: now}).select_related(
                "recorded_by__account__supervisor"
            )
            for request in stamped:
                link = reverse("statistics:foi_request", args=[request.reference])
                text = subject.format(ref=request.reference, due=f"{request.due_on:%d/%m/%Y}")
                body = (
                    f"{request.reference}, received {request.received_on:%d/%m/%Y} (requester's "
                    f"reference {request.requester_reference}), must be answered by "
                    f"{request.due_on:%d/%m/%Y}: the twentieth working day after receipt."
                )
                for person in _told_about(request):
                    notify(person, text, body, link=link)
    return told


def _told_about(request: FOIRequest) -> list:
    people = [request.recorded_by]
    account = getattr(request.recorded_by, "account", None)
    supervisor = account.supervisor if account is not None and account.supervisor_id else None
    if supervisor is not None and supervisor not in people:
        people.append(supervisor)
    return [p for p in people if p.is_active]
