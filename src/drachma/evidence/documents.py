"""Documents made from evidence records: continuity statements, readable conversations and
the MG6C/MG6D schedules, as text or CSV and as PDF (WeasyPrint)."""

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from drachma.core import spreadsheets
from drachma.core.printing import print_context, render_pdf
from drachma.evidence import selectors
from drachma.evidence.chats.model import human_size
from drachma.evidence.models import (
    CustodyState,
    DisclosureSchedule,
    EvidenceItem,
    ProsecutorDecision,
)
from drachma.evidence.workflow import person_name


def printed_time(value) -> str:
    """A time as the documents print it, in UK time: 05/03/2026 14:20 GMT."""
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M %Z") if value else ""


def continuity_context(item: EvidenceItem) -> dict:
    events = selectors.custody_events(item)
    rows = []
    for number, event in enumerate(events, 1):
        parties = ""
        if event.from_party and event.to_party:
            parties = f"from {event.from_party} to {event.to_party}"
        elif event.from_party:
            parties = f"from {event.from_party}"
        elif event.to_party:
            parties = f"to {event.to_party}"
        rows.append(
            {
                "number": number,
                "event": event,
                "when": printed_time(event.at),
                "kind": event.get_transition_display(),
                "who": person_name(event.by) or event.by_description or "not recorded",
                "parties": parties,
                "hash": event.sha256_verified,
                "hash_ok": not event.sha256_verified or event.sha256_verified == item.sha256,
            }
        )
    received_from = item.get_received_from_type_display()
    if item.received_from and item.received_from.casefold() != received_from.casefold():
        received_from = f"{item.received_from} ({received_from.lower()})"
    return {
        "item": item,
        "events": rows,
        "state": CustodyState(item.custody_state).label,
        "received_from": received_from,
        "holder": item.custody_holder,
        "size": human_size(item.stored_file.size),
        "generated_at": printed_time(timezone.now()),
    }


def continuity_text(item: EvidenceItem) -> str:
    """The continuity statement as plain text: what an officer reads into a statement."""
    ctx = continuity_context(item)
    lines = [
        f"CONTINUITY OF EXHIBIT {item.exhibit_ref}",
        "",
        (
            f"Exhibit: {item.exhibit_ref}, {item.get_kind_display().lower()} "
            f"'{item.original_filename}'"
        ),
        f"Incident: {item.incident.reference if item.incident else 'not yet on an incident'}",
        f"Received from: {ctx['received_from']}, through {item.received_via}",
        f"Size: {item.stored_file.size} bytes ({ctx['size']})",
        f"SHA-256 at receipt: {item.sha256}",
        "",
        "Chain of custody:",
    ]
    for row in ctx["events"]:
        event = row["event"]
        line = f"{row['number']}. {row['when']}  {row['kind']}"
        if row["parties"]:
            line += f" {row['parties']}"
        line += f"; by {row['who']}"
        if event.location:
            line += f"; at {event.location}"
        lines.append(line)
        if row["hash"]:
            verdict = (
                "matches the hash at receipt"
                if row["hash_ok"]
                else "DOES NOT MATCH the hash at receipt"
            )
            lines.append(f"   SHA-256 checked: {row['hash']} ({verdict})")
        if event.note:
            lines.append(f"   Note: {event.note}")
    lines += [
        "",
        f"Custody now: {ctx['state'].lower()}; held by {ctx['holder'] or 'nobody'}.",
        f"Produced by Drachma on {ctx['generated_at']} from the append-only custody record.",
        "",
    ]
    return "\n".join(lines)


def pdf(template: str, context: dict, *, user: Any = None) -> bytes:
    """A document on ``core/print_base.html`` as PDF: the marking, who printed it (``user``;
    None reads "Drachma") and when on every page."""
    return render_pdf(template, context, user=user)


def continuity_pdf(item: EvidenceItem, *, user: Any = None) -> bytes:
    return pdf("evidence/continuity_pdf.html", continuity_context(item), user=user)


def continuity_page(item: EvidenceItem, *, user: Any) -> str:
    """The continuity statement for the browser's print (the PDF's template and marks)."""
    return render_to_string(
        "evidence/continuity_pdf.html", {**print_context(user), **continuity_context(item)}
    )


# --- Disclosure schedules ---------------------------------------------------------------

MG6C_COLUMNS = ["Item no.", "Description", "Location", "Prosecutor's comment (D / CND / I)"]
MG6D_COLUMNS = ["Item no.", "Description", "Reason for sensitivity", "Prosecutor's comment"]
_SHORT: dict[str, str] = {
    ProsecutorDecision.DISCLOSE: "D",
    ProsecutorDecision.NOT_DISCLOSABLE: "CND",
    ProsecutorDecision.INSPECT: "I",
    ProsecutorDecision.AGREED_SENSITIVE: "Agreed: not to be disclosed",
    ProsecutorDecision.PII_APPLICATION: "Public-interest-immunity application",
}


def schedule_rows(incident, schedule: str) -> tuple[list[str], list[list[str]]]:
    entries = selectors.schedule_entries(incident, schedule)
    if schedule == DisclosureSchedule.MG6C:
        rows = [
            [str(e.number), e.description, e.location, _SHORT.get(e.prosecutor_decision, "")]
            for e in entries
        ]
        return MG6C_COLUMNS, rows
    rows = [
        [str(e.number), e.description, e.sensitivity_reason, _SHORT.get(e.prosecutor_decision, "")]
        for e in entries
    ]
    return MG6D_COLUMNS, rows


def schedule_csv(incident, schedule: str) -> str:
    columns, rows = schedule_rows(incident, schedule)
    out = io.StringIO()
    writer = spreadsheets.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def schedule_context(incident, schedule: str) -> dict:
    columns, rows = schedule_rows(incident, schedule)
    return {
        "incident": incident,
        "schedule": schedule,
        "title": DisclosureSchedule(schedule).label,
        "columns": columns,
        "rows": rows,
        "generated_at": printed_time(timezone.now()),
    }


def schedule_pdf(incident, schedule: str, *, user: Any = None) -> bytes:
    return pdf("evidence/schedule_pdf.html", schedule_context(incident, schedule), user=user)


def schedule_page(incident, schedule: str, *, user: Any) -> str:
    """A schedule for the browser's print (the PDF's template and marks)."""
    return render_to_string(
        "evidence/schedule_pdf.html",
        {**print_context(user), **schedule_context(incident, schedule)},
    )


# --- Conversations, readable -------------------------------------------------------------


def conversation_html(parsed, *, user: Any = None) -> str:
    """A chat as a standalone HTML page (for the bundle): its quality report, then every message."""
    conversation = selectors.load_conversation(parsed)
    messages = list(conversation.iter_message_dicts())
    return render_to_string(
        "evidence/conversation_standalone.html",
        {
            **print_context(user),
            "parsed": parsed,
            "item": parsed.item,
            "quality": parsed.quality,
            "messages": messages,
            "generated_at": printed_time(timezone.now()),
        },
    )
