"""The case's disclosure documents: each schedule (MG6C, MG6D, MG6E) and the Disclosure
Management Document as PDF (WeasyPrint, on ``core/print_base.html``: the marking from
settings, who printed it and when, "Page n of N"), and each schedule as CSV through the one
CSV writer (``core.spreadsheets``: no cell runs as a formula)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from drachma.cases import disclosure, schedules
from drachma.cases.models import Case, Schedule, ScheduleKind, ScheduleState
from drachma.core import spreadsheets
from drachma.core.downloads import csv_lines
from drachma.core.printing import print_context, render_pdf
from drachma.evidence.workflow import person_name

DESCRIPTIONS = {
    ScheduleKind.MG6C: (
        "Relevant unused material that is not sensitive. Item numbers run consecutively "
        "across the MG6C and MG6D and all continuation sheets."
    ),
    ScheduleKind.MG6D: (
        "Relevant unused material whose disclosure would give rise to a real risk of serious "
        "prejudice to an important public interest, with the reason for its sensitivity."
    ),
    ScheduleKind.MG6E: (
        "The disclosure officer's report to the prosecutor of material that might reasonably "
        "be considered capable of undermining the case for the prosecution or of assisting "
        "the case for the accused, with the reasons."
    ),
}


def printed(value) -> str:
    """A time as the documents print it, in UK time."""
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M %Z") if value else ""


def filename(schedule: Schedule, extension: str) -> str:
    scope = f"-D{schedule.defendant_id}" if schedule.defendant_id else ""
    return f"{schedule.case.urn}-{schedule.kind}{scope}-v{schedule.version}.{extension}"


def schedule_context(schedule: Schedule) -> dict[str, Any]:
    rows = [
        {**r, "change_label": schedules.CHANGE_LABELS.get(r["change"], "")}
        for r in schedules.rows_of(schedule)
    ]
    return {
        "schedule": schedule,
        "kind": schedule.kind,
        "title": ScheduleKind(schedule.kind).label,
        "description": DESCRIPTIONS[ScheduleKind(schedule.kind)],
        "header": schedules.header(schedule),
        "columns": schedules.COLUMNS[schedule.kind],
        "rows": rows,
        "draft": schedule.state == ScheduleState.DRAFT,
        "revised": schedule.state == ScheduleState.REVISED,
        "undecided": schedules.undecided(schedule) if schedule.is_draft else [],
        "changes": any(r["change"] for r in rows),
    }


def schedule_pdf(schedule: Schedule, *, user: Any = None) -> bytes:
    return render_pdf("cases/schedule_pdf.html", schedule_context(schedule), user=user)


def schedule_page(schedule: Schedule, *, user: Any) -> str:
    """The schedule for the browser's print (the PDF's template and marks)."""
    return render_to_string(
        "cases/schedule_pdf.html", {**print_context(user), **schedule_context(schedule)}
    )


CSV_EXTRA = ["Change from the previous version", "Decided"]


def schedule_table(schedule: Schedule) -> tuple[list[str], list[list[str]]]:
    rows = [
        [
            *r["cells"],
            schedules.CHANGE_LABELS.get(r["change"], ""),
            "no" if r.get("undecided") else "yes",
        ]
        for r in schedules.rows_of(schedule)
    ]
    return [*schedules.COLUMNS[schedule.kind], *CSV_EXTRA], rows


def schedule_csv_lines(schedule: Schedule) -> Iterator[str]:
    header, rows = schedule_table(schedule)
    return csv_lines(header, rows)


def schedule_csv(schedule: Schedule) -> str:
    """The schedule as one CSV text (for the bundle)."""
    header, rows = schedule_table(schedule)
    out = spreadsheets.writer(_Collect())
    return "".join([out.writerow(header), *(out.writerow(r) for r in rows)])


class _Collect:
    def write(self, value: str) -> str:
        return value


def dmd_context(case: Case) -> dict[str, Any]:
    dmd = disclosure.dmd_of(case)
    return {
        "case": case,
        "dmd": dmd,
        "sections": [
            (heading, getattr(dmd, name), name) for name, heading in disclosure.DMD_HEADINGS
        ],
        "requests": list(
            case.third_party_requests.select_related("group", "asked_by").prefetch_related(
                "received"
            )
        ),
        "schedules": schedules.latest(case),
        "officer_in_case": person_name(case.officer_in_case),
        "disclosure_officer": person_name(case.disclosure_officer),
        "updated_by": person_name(dmd.updated_by) if dmd.updated_by_id else "",
        "generated_at": timezone.now(),
    }


def dmd_pdf(case: Case, *, user: Any = None) -> bytes:
    return render_pdf("cases/dmd_pdf.html", dmd_context(case), user=user)
