"""Publishing figures for a report: where the small-number rule applies, and groupings that keep
every figure publishable instead of withholding it.

The ICO's guidance on anonymisation and the Information Tribunal's decisions on small numbers
(e.g. counts "fewer than 5") ask for a judgement: the rule is there to stop a reader picking
out a person, so it applies to the figures that could point to one, not to every number. A
force-wide total of incidents is not about anybody; a borough's 2 incidents in a month may
be the one confrontation that the local paper named. So a report carries a ``Judgement``:
which of its figures the rule applies to, the rule itself (the force's default unless the
person making the report records otherwise) and why; it is printed with the report and
recorded in the audit log.

Where the rule applies, small counts are not withheld one by one (which, with the total
shown, needs second withheld cells and leaves readers with gaps): categories whose counts
are 1 to threshold-1 are combined into one "other" row, growing it with the next smallest
category until it is publishable too; a time series is drawn by quarters or years when its
months are small. Every figure printed is then a true count, and no withheld figure can be
worked out because none is withheld.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from drachma.core.smallnumbers import SuppressionRule

# The figures a board report publishes, by name, and why each could (or could not) identify
# someone. The keys are what a Judgement's ``rule_applies_to`` lists.
FIGURES: dict[str, str] = {
    "total": "the number of incidents in the period, for the whole force",
    "borough": "incidents by borough (and outside Greater Manchester)",
    "kind": "incidents by kind",
    "source": "incidents by how they were reported",
    "time": "incidents by month, quarter or year",
}

DEFAULT_APPLIES_TO = ("borough", "kind", "source", "time")
DEFAULT_REASONS: dict[str, str] = {
    "total": (
        "The force-wide totals (all incidents, those within Greater Manchester and so those "
        "outside it) are not about a person: they single nobody out, so they are always "
        "published."
    ),
    "borough": (
        "A small count in one borough may be a single confrontation that was reported "
        "locally, and so point to the person confronted."
    ),
    "kind": "A rare kind of incident may be one known event.",
    "source": "A rare source (an officer, a platform) may point to the person who reported.",
    "time": "A month with one or two incidents may be dated to a known event.",
}


@dataclass(frozen=True)
class Judgement:
    """Which figures of a report the small-number rule applies to, the rule, and why."""

    rule: SuppressionRule
    rule_applies_to: tuple[str, ...] = DEFAULT_APPLIES_TO
    reasons: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_REASONS))
    by: str = "the force's default judgement"

    def __post_init__(self) -> None:
        unknown = sorted(set(self.rule_applies_to) - set(FIGURES))
        if unknown:
            raise ValueError(
                f"unknown figures in the judgement: {', '.join(unknown)}; "
                f"expected some of {', '.join(FIGURES)}"
            )
        if "total" in self.rule_applies_to:
            # The headline total is what every table adds up to; withholding it hides the
            # report's subject. The rule: never hide a total that is not about a person.
            raise ValueError("the force-wide total is not about a person and is always published")

    def applies(self, figure: str) -> bool:
        return figure in self.rule_applies_to

    @property
    def threshold(self) -> int:
        return self.rule.threshold

    def lines(self) -> list[str]:
        """The judgement in words, for the report."""
        zero = " (nor 0)" if self.rule.suppress_zero else ""
        out = [
            f"Judgement: {self.by}. Where a figure could identify a person, the small-number "
            f"rule applies: no count from 1 to {self.rule.threshold - 1}{zero} is published "
            "on its own; such categories are combined, and such months shown as quarters "
            "or years."
        ]
        for name, what in FIGURES.items():
            verdict = "rule applies" if self.applies(name) else "published as counted"
            reason = self.reasons.get(name, "")
            out.append(f"{what.capitalize()}: {verdict}. {reason}".strip())
        return out

    def as_dict(self) -> dict:
        return {
            "by": self.by,
            "threshold": self.rule.threshold,
            "suppress_zero": self.rule.suppress_zero,
            "rule_applies_to": list(self.rule_applies_to),
        }


def is_small(value: int, rule: SuppressionRule) -> bool:
    """A count the rule would not print: 1 to threshold-1 (and 0 if zeros are withheld)."""
    return 0 < value < rule.threshold or (rule.suppress_zero and value == 0)


@dataclass(frozen=True)
class Grouped:
    """Rows of one or more columns of counts (e.g. this period and the year before) in which
    every figure is publishable; ``combined`` lists the categories in the "other" row."""

    rows: tuple[tuple[str, tuple[int, ...]], ...]
    combined: tuple[str, ...]
    other_label: str

    def column(self, i: int = 0) -> dict[str, int]:
        return {label: values[i] for label, values in self.rows}


def group_small(
    columns: Sequence[Mapping[str, int]],
    *,
    rule: SuppressionRule | None,
    other_label: str,
    always_shown: Sequence[str] = (),
) -> Grouped:
    """Combine categories with a small count (in any column) into one ``other_label`` row.

    The row grows by the smallest remaining category until none of its figures is small. If
    every category ends up in it, it is the total less the ``always_shown`` rows, which are
    published, so it reveals nothing new and is published as it is. ``rule=None`` (figures the
    judgement leaves out of the rule) combines nothing. Order is kept; the
    ``other`` row goes after the categories it was made from and before ``always_shown``.
    """
    if not columns:
        raise ValueError("group_small needs at least one column of counts")
    labels = list(dict.fromkeys(label for col in columns for label in col))
    if other_label in labels:
        raise ValueError(f"{other_label!r} is already a category")

    def values(label: str) -> tuple[int, ...]:
        out = []
        for col in columns:
            v = col.get(label, 0)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValueError(f"{label!r}: counts must be whole numbers of at least 0")
            out.append(v)
        return tuple(out)

    candidates = [label for label in labels if label not in always_shown]
    combined = [
        label
        for label in candidates
        if rule is not None and any(is_small(v, rule) for v in values(label))
    ]

    def other_sums() -> tuple[int, ...]:
        return tuple(sum(values(label)[i] for label in combined) for i in range(len(columns)))

    while combined and rule and any(is_small(v, rule) for v in other_sums()):
        kept = [label for label in candidates if label not in combined]
        if not kept:
            break
        combined.append(min(kept, key=lambda label: (sum(values(label)), label)))
    rows = [(label, values(label)) for label in candidates if label not in combined]
    if combined:
        rows.append((other_label, other_sums()))
    rows += [(label, values(label)) for label in always_shown if label in labels]
    order = {label: i for i, label in enumerate(labels)}
    return Grouped(tuple(rows), tuple(sorted(combined, key=order.__getitem__)), other_label)


def choose_granularity(
    series_for: Mapping[str, Sequence[Sequence[int]]], rule: SuppressionRule
) -> str | None:
    """The finest of the given granularities (in order, finest first) at which no count of
    any of its series is small, or None when there is none."""
    for granularity, series in series_for.items():
        if not any(is_small(v, rule) for counts in series for v in counts):
            return granularity
    return None
