"""Whether criminal proceedings against a defendant are active, and since when.

The rule is the strict liability rule's time limit in the Contempt of Court Act 1981,
section 2(3) and Schedule 1 ("Times when proceedings are active for purposes of section 2"),
as it applies in England and Wales (https://www.legislation.gov.uk/ukpga/1981/49/schedule/1):

- Paragraph 3: criminal proceedings are active from the relevant initial step (paragraph 4)
  until concluded (paragraph 5).
- Paragraph 4: the initial steps are (a) arrest without warrant, (b) the issue of a warrant
  for arrest, (c) the issue of a summons to appear (a written charge and requisition counts
  as a summons), (d) the service of an indictment or other document specifying the charge,
  (e) oral charge. The earliest of these starts the proceedings.
- Paragraph 5: proceedings are concluded (a) by acquittal or by sentence, (b) by any other
  verdict, finding, order or decision which puts an end to them, (c) by discontinuance or by
  operation of law. Paragraph 6: "sentence" includes any order consequent on conviction
  that disposes of the case. A conviction or guilty plea therefore does *not* end them: they
  stay active until sentence.
- Paragraph 7: proceedings are discontinued if the charge or summons is withdrawn, if they
  are discontinued under section 23 of the Prosecution of Offences Act 1985, or, for
  proceedings begun by arrest without warrant, if the person arrested is released otherwise
  than on bail without having been charged (here: released under investigation).
- Paragraph 11: proceedings cease to be active twelve months after a warrant for arrest was
  issued if nobody has been arrested under it, and become active again on a later arrest.

A defendant's proceedings are concluded when every charge is concluded: acquitted,
discontinued, withdrawn, dismissed or stayed on the day of that result, and a guilty plea or
conviction on the day of the sentence. Results and sentences are recorded as dates; the
proceedings are treated as active to the end of that day (Europe/London), so that nothing
published on the day of a sentence is missed. A charge is treated as made at the start of its
day. Appeals (paragraphs 15 and 16) are not modelled.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from drachma.cases.models import RELEASED_WITHOUT_BAIL

ACQUITTAL = "acquitted"
GUILTY = ("guilty_plea", "convicted")
OTHER_ENDS = {
    "discontinued": "discontinued (Schedule 1, paragraph 7)",
    "withdrawn": "the charge was withdrawn (Schedule 1, paragraph 7(a))",
    "dismissed": "dismissed: a decision putting an end to them (Schedule 1, paragraph 5(b))",
    "stayed": "stayed: an order putting an end to them (Schedule 1, paragraph 5(b))",
}


@dataclass(frozen=True)
class ChargeFacts:
    charged_on: datetime.date
    result: str = ""
    decided_on: datetime.date | None = None


@dataclass(frozen=True)
class Facts:
    """What the Schedule looks at, for one defendant."""

    arrested_at: datetime.datetime | None = None
    warrant_issued_at: datetime.datetime | None = None
    summons_issued_at: datetime.datetime | None = None
    released_without_bail_at: datetime.datetime | None = None
    charges: Sequence[ChargeFacts] = field(default_factory=tuple)
    sentenced_on: datetime.date | None = None


@dataclass(frozen=True)
class Status:
    active: bool
    since: datetime.datetime | None = None
    ended_at: datetime.datetime | None = None
    reason: str = ""

    def __bool__(self) -> bool:
        return self.active


def start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def end_of(day: datetime.date) -> datetime.datetime:
    return start_of(day + datetime.timedelta(days=1))


def _twelve_months_after(at: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(at)
    try:
        later = local.replace(year=local.year + 1)
    except ValueError:  # 29 February
        later = local.replace(year=local.year + 1, day=28)
    return later


def _concluded(facts: Facts) -> tuple[datetime.datetime, str] | None:
    """When and why every charge is concluded (paragraphs 5 to 7), or None."""
    if not facts.charges:
        return None
    ends: list[tuple[datetime.datetime, str]] = []
    for charge in facts.charges:
        if charge.result == ACQUITTAL and charge.decided_on:
            ends.append((end_of(charge.decided_on), "acquittal (Schedule 1, paragraph 5(a))"))
        elif charge.result in OTHER_ENDS and charge.decided_on:
            ends.append((end_of(charge.decided_on), OTHER_ENDS[charge.result]))
        elif charge.result in GUILTY and facts.sentenced_on:
            ends.append((end_of(facts.sentenced_on), "sentence (Schedule 1, paragraphs 5(a), 6)"))
        else:
            return None
    return max(ends, key=lambda end: end[0])


def status(facts: Facts, at: datetime.datetime | None = None) -> Status:
    """Whether proceedings are active at ``at`` (now by default), since when, and if not, why.

    Only what had happened by ``at`` counts, so the monitor can ask about the moment a
    publication was found."""
    at = at or timezone.now()
    starts: list[tuple[datetime.datetime, str]] = []
    if facts.arrested_at:
        starts.append((facts.arrested_at, "arrest (Schedule 1, paragraph 4(a))"))
    if facts.warrant_issued_at:
        starts.append((facts.warrant_issued_at, "warrant for arrest (paragraph 4(b))"))
    if facts.summons_issued_at:
        starts.append((facts.summons_issued_at, "summons (paragraph 4(c))"))
    for charge in facts.charges:
        starts.append((start_of(charge.charged_on), "charge (paragraph 4(d), (e))"))
    starts = sorted(s for s in starts if s[0] <= at)
    if not starts:
        return Status(False, reason="No arrest, warrant, summons or charge yet (paragraph 4).")
    since, why = starts[0]
    charged = [c for c in facts.charges if start_of(c.charged_on) <= at]

    # Paragraph 7(c): arrested, then released otherwise than on bail without charge.
    released = facts.released_without_bail_at
    if released and released <= at and facts.arrested_at and facts.arrested_at <= released:
        later = [s for s in starts if s[0] > released]
        if not later:
            return Status(
                False,
                since=since,
                ended_at=released,
                reason="Released without charge otherwise than on bail: discontinued "
                "(Schedule 1, paragraph 7).",
            )
        since, why = later[0]

    # Paragraph 11: a warrant nobody was arrested under lapses after twelve months.
    warrant = facts.warrant_issued_at
    if warrant and warrant <= at and not (facts.arrested_at and facts.arrested_at >= warrant):
        lapse = _twelve_months_after(warrant)
        others = [s for s in starts if s[0] >= warrant and "warrant" not in s[1]]
        if lapse <= at and not others:
            return Status(
                False,
                since=since,
                ended_at=lapse,
                reason="Twelve months since the warrant without an arrest (Schedule 1, "
                "paragraph 11).",
            )

    # Paragraphs 5 to 7: every charge concluded, as of ``at``.
    seen = Facts(
        charges=[
            ChargeFacts(
                c.charged_on,
                c.result if c.decided_on and start_of(c.decided_on) <= at else "",
                c.decided_on if c.decided_on and start_of(c.decided_on) <= at else None,
            )
            for c in charged
        ],
        sentenced_on=(
            facts.sentenced_on
            if facts.sentenced_on and start_of(facts.sentenced_on) <= at
            else None
        ),
    )
    concluded = _concluded(seen)
    if concluded is not None and concluded[0] <= at:
        return Status(
            False, since=since, ended_at=concluded[0], reason=f"Concluded by {concluded[1]}."
        )
    return Status(True, since=since, reason=f"Active since the {why}.")


def facts_for(defendant) -> Facts:
    """The Schedule's facts from a ``cases.Defendant`` and its charges and results."""
    charges = []
    for charge in defendant.charges.all():
        result = getattr(charge, "result", None)
        charges.append(
            ChargeFacts(
                charge.charged_on,
                result.result if result is not None else "",
                result.decided_on if result is not None else None,
            )
        )
    released = (
        defendant.custody_since if defendant.custody_status in RELEASED_WITHOUT_BAIL else None
    )
    return Facts(
        arrested_at=defendant.arrested_at,
        warrant_issued_at=defendant.warrant_issued_at,
        summons_issued_at=defendant.summons_issued_at,
        released_without_bail_at=released,
        charges=tuple(charges),
        sentenced_on=defendant.sentenced_on,
    )


def for_defendant(defendant, at: datetime.datetime | None = None) -> Status:
    return status(facts_for(defendant), at)


def for_case(case, at: datetime.datetime | None = None) -> dict[int, Status]:
    """Each defendant's status, by the defendant's key."""
    return {d.pk: for_defendant(d, at) for d in case.defendants.all()}
