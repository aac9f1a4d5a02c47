"""The publication log as documents for the prosecutor (CSV and PDF), in the evidence bundle
(``takedown/bundle.py``) and on the log's page."""

import io

from django.utils import timezone

from drachma.core import spreadsheets
from drachma.evidence.documents import pdf, printed_time
from drachma.takedown import selectors


def publication_csv(incident) -> str:
    out = io.StringIO()
    writer = spreadsheets.writer(out)
    writer.writerow(
        [
            "URL",
            "Platform",
            "Found at",
            "Found by",
            "Still online",
            "Checked at",
            "Exhibit",
            "Takedown reference",
            "Takedown status",
            "Description",
        ]
    )
    for p in selectors.publications(incident):
        writer.writerow(
            [
                p.url,
                p.get_platform_display(),
                printed_time(p.found_at),
                p.found_by_name,
                p.get_still_online_display(),
                printed_time(p.checked_at),
                p.item.exhibit_ref if p.item else "",
                p.takedown_reference,
                p.takedown_status,
                p.description,
            ]
        )
    return out.getvalue()


def publication_context(incident) -> dict:
    records = list(selectors.publications(incident))
    return {"incident": incident, "records": records, "generated_at": printed_time(timezone.now())}


def publication_pdf(incident) -> bytes:
    return pdf("takedown/publication_log_pdf.html", publication_context(incident))
