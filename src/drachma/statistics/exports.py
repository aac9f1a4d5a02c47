"""Statistics tables and the analyst's incident extract as CSV and XLSX."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from drachma.statistics.selectors import OUTSIDE_GM, AreaFilter, Period, _area_names, incidents_in

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def to_csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_safe(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def to_xlsx(header: list[str], rows: list[list], *, title: str = "Statistics") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _safe(value):
    """Neutralise spreadsheet formulas in text (CSV injection): '=', '+', '-', '@' lead."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


INCIDENT_COLUMNS = [
    "reference", "occurred_date", "received_date", "borough", "ward_code", "ward", "area", "source",
    "kind", "status", "outcome", "live_streamed", "stream_platform", "police_attended", "groups",
]


def incident_rows(period: Period, areas: AreaFilter | None = None):
    """Incidents without personal data: no summary, place, coordinates, people or URLs (any of
    which could identify someone), dates without times."""
    from django.db.models import Prefetch
    from django.utils import timezone

    from drachma.intelligence.models import Group

    ward_area, _ = _area_names()
    qs = (
        incidents_in(period, areas)
        .select_related("borough", "ward")
        .prefetch_related(Prefetch("groups", queryset=Group.objects.only("name")))
        .order_by("occurred_at")
    )
    for i in qs.iterator(chunk_size=2000):
        yield [
            i.reference, timezone.localtime(i.occurred_at).date().isoformat(),
            timezone.localtime(i.received_at).date().isoformat(),
            i.borough.name if i.borough else OUTSIDE_GM, i.ward.code if i.ward else "",
            i.ward.name if i.ward else "", ward_area.get(i.ward_id, i.borough.name if i.borough else OUTSIDE_GM),
            i.get_source_display(), i.get_kind_display(), i.get_status_display(), i.get_outcome_display(),
            "yes" if i.live_streamed else "no", i.get_stream_platform_display() if i.stream_platform else "",
            "yes" if i.police_attended else "no", "; ".join(g.name for g in i.groups.all()),
        ]
