"""The prosecutor's bundle per case (``evidence.bundle``'s ``BUNDLE_TARGETS``).

``export_bundle 06AB1234526 out.zip`` (and the buttons) bundle a case: the exhibits of the case
and of its incidents, every version of each schedule with its certification (revised versions
kept), the Disclosure Management Document, the exposure timeline and the case's publication
log; each incident's own sections (takedown's publication log) under ``incidents/<ref>/``. An
incident reference names its case's bundle when exactly one case holds the incident; an
incident in several cases is refused, naming their URNs; an incident in none is bundled alone.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from drachma.audit import reads
from drachma.cases import disclosure, documents, timeline
from drachma.cases import urn as urns
from drachma.cases.models import Case, Schedule
from drachma.core import spreadsheets
from drachma.core.printing import render_pdf
from drachma.evidence.bundle import BundleError, BundleTarget
from drachma.incidents.models import Incident


class _Collect:
    def write(self, value: str) -> str:
        return value


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    out = spreadsheets.writer(_Collect())
    return "".join([out.writerow(header), *(out.writerow(r) for r in rows)])


def publication_log_rows(case: Case) -> list[list[str]]:
    return [
        [
            documents.printed(e.found_at),
            e.defendant.person.full_name,
            e.get_kind_display(),
            e.get_link_display(),
            e.url,
            "yes" if e.during_active_proceedings else "no",
            e.takedown_reference,
        ]
        for e in case.exposures.select_related("defendant__person")
    ]


PUBLICATION_COLUMNS = [
    "Found",
    "Defendant",
    "What",
    "How it concerns the defendant",
    "Address",
    "During active proceedings",
    "Takedown",
]
TIMELINE_COLUMNS = ["When", "What", "Details"]


def timeline_rows(case: Case) -> list[list[str]]:
    return [
        [documents.printed(e["at"]), e["label"], e.get("text", "")] for e in timeline.events(case)
    ]


def case_files(case: Case, user: Any) -> list[tuple[str, bytes | str]]:
    files: list[tuple[str, bytes | str]] = []
    for schedule in Schedule.objects.filter(case=case).select_related(
        "case", "defendant__person", "previous"
    ):
        stem = "disclosure/" + documents.filename(schedule, "")[:-1]
        files.append((f"{stem}.pdf", documents.schedule_pdf(schedule, user=user)))
        files.append((f"{stem}.csv", documents.schedule_csv(schedule)))
    files.append(("disclosure/DMD.pdf", documents.dmd_pdf(case, user=user)))
    timeline_ = timeline_rows(case)
    publications = publication_log_rows(case)
    files.append(("exposure-timeline.csv", _csv(TIMELINE_COLUMNS, timeline_)))
    files.append(("case-publication-log.csv", _csv(PUBLICATION_COLUMNS, publications)))
    html_context = {
        "case": case,
        "timeline": timeline_,
        "timeline_columns": TIMELINE_COLUMNS,
        "publications": publications,
        "publication_columns": PUBLICATION_COLUMNS,
    }
    files.append(
        ("exposure-timeline.pdf", render_pdf("cases/exposure_pdf.html", html_context, user=user))
    )
    return files


def target(case: Case) -> BundleTarget:
    def shown(user: Any) -> None:
        reads.viewed(user, case, via="the prosecutor's bundle")

    return BundleTarget(
        reference=case.urn,
        description=f"case {case.urn} ({case.title})",
        items=list(disclosure.case_exhibits(case)),
        incidents=list(case.incidents.order_by("reference")),
        files=lambda user: case_files(case, user),
        readme=[
            "disclosure/: every version of the MG6C, MG6D and MG6E (PDF and CSV), DRAFT until "
            "certified, revised versions kept; DMD.pdf, the Disclosure Management Document.",
            "exposure-timeline.*: from the sting to the result, and the case's publication "
            "log (what was published about each defendant, and whether proceedings were active).",
            "case-publication-log.csv: the case's publication log as data.",
        ],
        shown=shown,
    )


def find(reference: str) -> BundleTarget | None:
    """The case a reference names: its URN, or an incident exactly one case holds."""
    try:
        text = str(urns.parse(reference))
    except ValidationError:
        text = ""
    case = Case.objects.filter(urn=text).first() if text else None
    if case is not None:
        return target(case)
    incident = Incident.objects.filter(reference=reference).first()
    if incident is None:
        return None
    cases = list(Case.objects.filter(incidents=incident).order_by("urn"))
    if len(cases) == 1:
        return target(cases[0])
    if len(cases) > 1:
        raise BundleError(
            f"Incident {incident.reference} is in {len(cases)} cases "
            f"({', '.join(c.urn for c in cases)}): give the URN of the case to bundle."
        )
    return None


BUNDLE_TARGETS = [find]
