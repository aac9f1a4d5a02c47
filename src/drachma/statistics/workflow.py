"""The life of a Freedom of Information request, declared once:

    open (awaiting an answer) ──answer──▶ answered

A request is answered once: the answer (the figures as published, the small-number judgement
and the exemptions with their reasons) is written by the one step, under the row's lock, so a
second answer, even one sent at the same moment, is refused and leaves the first as it was.
Services take the step with ``FOI.apply(request, "answer", user=..., note=..., ...)``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from drachma.core.workflow import StateMachine, Step, Transition
from drachma.statistics.models import FOIEvent, FOIExemption, FOIRequest
from drachma.statistics.models import FOIStatus as S

ANSWER = "statistics.answer_foirequest"


def check_exemptions(exemptions: dict[str, str]) -> dict[str, str]:
    """Each exemption a known section with its reason; a ValidationError naming each one
    without (``exemptions``), before anything is written."""
    from drachma.statistics.models import Exemption

    problems: list[str] = []
    cleaned: dict[str, str] = {}
    for section, reason in (exemptions or {}).items():
        if section not in Exemption.values:
            problems.append(
                f"{section!r} is not an exemption (choose from {', '.join(Exemption.values)})"
            )
            continue
        text = (reason or "").strip()
        if not text:
            problems.append(f"{Exemption(section).label} is applied without a reason: give it")
        elif len(text) > 2000:
            problems.append(f"{Exemption(section).label}: the reason is over 2,000 characters")
        cleaned[section] = text
    if problems:
        raise ValidationError({"exemptions": [p + "." for p in problems]})
    return cleaned


def _check_answer(step: Step[FOIRequest]) -> None:
    if "answer" not in step.params or "judgement" not in step.params:
        raise ValidationError({"answer": "An answer needs its figures and their judgement."})
    check_exemptions(step.params.get("exemptions") or {})


def _keep_answer(step: Step[FOIRequest]) -> None:
    request = step.record
    exemptions = check_exemptions(step.params.get("exemptions") or {})
    request.answer = step.params["answer"]
    request.judgement = {**step.params["judgement"], "note": step.note}
    request.answered_at = step.at
    request.answered_by = step.user
    request.answered_on_time = timezone.localdate(step.at) <= request.due_on
    for section, reason in exemptions.items():
        exemption = FOIExemption(request=request, section=section, reason=reason)
        exemption.full_clean()
        exemption.save()


FOI = StateMachine(
    name="foi request",
    states=S,
    model=FOIRequest,
    field="status",
    event_model=FOIEvent,
    initial=[S.OPEN],
    starts={"record": "Recorded"},
    transitions=[
        Transition(
            "answer",
            {S.OPEN},
            S.ANSWERED,
            permission=ANSWER,
            label="Answer",
            done="answered",
            # The judgement is what lets the answer be defended: why no figure reveals a person.
            note="Record the small-number judgement: why no published figure can identify anyone.",
            refused={"status": "The request has already been answered; it is answered once."},
            guards=[_check_answer],
            effects=[_keep_answer],
        ),
    ],
)
