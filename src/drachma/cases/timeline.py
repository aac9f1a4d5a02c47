"""The case's timeline: the exposure of the defendants from the sting to the result.

Sting, stream, arrest, charge, hearings, each publication and re-upload, each removal, each
result and sentence, in time order, each marked when it happened while proceedings were
active. Built from the records themselves (incidents, defendants, takedown's publication log
and requests, the case's exposures), so it cannot disagree with them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from drachma.cases.models import Case, ExposureKind
from drachma.cases.proceedings import end_of, start_of
from drachma.incidents.models import IncidentKind
from drachma.takedown.models import ContentItem, PublicationRecord, TakedownRequest


def _name(defendant) -> str:
    return defendant.person.full_name


def _item(at: datetime.datetime | datetime.date, label: str, text: str = "", **extra: Any):
    when = at if isinstance(at, datetime.datetime) else start_of(at)
    return {"at": when, "label": label, "text": text, "by": "", "kind": extra.get("kind", "")}


def content_items(case: Case):
    """Footage of the case: of its incidents, or captured into its exhibits, or re-uploads the
    case's exposures found."""
    incidents = list(case.incidents.all())
    exhibit_ids = list(case.exhibits.values_list("pk", flat=True))
    q = Q(incident__in=incidents) | Q(captures__evidence_id__in=exhibit_ids)
    ids = set(ContentItem.objects.filter(q).values_list("pk", flat=True))
    ids |= set(case.exposures.exclude(content_item=None).values_list("content_item_id", flat=True))
    return ContentItem.objects.filter(pk__in=ids)


def events(case: Case) -> list[dict]:
    items: list[dict] = []
    for incident in case.incidents.all():
        if incident.kind == IncidentKind.ONLINE_STING:
            label = "Sting"
        else:
            label = incident.get_kind_display()
        items.append(_item(incident.occurred_at, label, f"Incident {incident.reference}"))
        if incident.live_streamed:
            platform = incident.get_stream_platform_display() or "online"
            items.append(
                _item(incident.occurred_at, "Live stream", f"Streamed on {platform}", kind="stream")
            )
    for d in case.defendants.all():
        name = _name(d)
        if d.warrant_issued_at:
            items.append(_item(d.warrant_issued_at, "Warrant for arrest", name))
        if d.summons_issued_at:
            items.append(_item(d.summons_issued_at, "Summons issued", name))
        if d.arrested_at:
            items.append(_item(d.arrested_at, "Arrest", name))
        if d.interviewed_at:
            items.append(_item(d.interviewed_at, "Interview", name))
        for c in d.charges.all():
            items.append(_item(c.charged_on, "Charge", f"{name}: {c.legislation}. {c.wording}"))
            result = getattr(c, "result", None)
            if result is not None:
                text = f"{name}: {result.get_result_display()} ({c.legislation})"
                if result.collapse_reason:
                    text += f"; reason: {result.get_collapse_reason_display().lower()}"
                items.append(
                    _item(end_of(result.decided_on) - datetime.timedelta(seconds=1), "Result", text)
                )
        if d.sentenced_on:
            items.append(
                _item(
                    end_of(d.sentenced_on) - datetime.timedelta(seconds=1),
                    "Sentence",
                    f"{name}: {d.sentence}",
                )
            )
    for h in case.hearings.all():
        items.append(
            _item(h.at, h.get_kind_display(), f"{_name(h.defendant)} at {h.court}", kind="hearing")
        )
    seen_publications = set()
    for exposure in case.exposures.all():
        label = {
            ExposureKind.PUBLICATION: "Publication",
            ExposureKind.REUPLOAD: "Re-upload",
            ExposureKind.CAPTURE: "Footage captured",
        }[ExposureKind(exposure.kind)]
        text = exposure.url or ""
        if exposure.during_active_proceedings:
            text = f"During active proceedings against {_name(exposure.defendant)}. {text}"
        if exposure.takedown_reference:
            text += f" Takedown {exposure.takedown_reference}."
        items.append(_item(exposure.found_at, label, text.strip(), kind="exposure"))
        if exposure.publication_id:
            seen_publications.add(exposure.publication_id)
    for record in PublicationRecord.objects.filter(incident__in=case.incidents.all()).exclude(
        pk__in=seen_publications
    ):
        items.append(
            _item(record.found_at, "Publication", f"{record.get_platform_display()}: {record.url}")
        )
    for request in TakedownRequest.objects.filter(
        content_item__in=content_items(case), removed_at__isnull=False
    ).select_related("content_item"):
        assert request.removed_at is not None
        items.append(
            _item(
                request.removed_at,
                "Removal",
                f"{request.content_item.reference} removed by "
                f"{request.get_removed_by_display().lower()} ({request.reference})",
                kind="removal",
            )
        )
    now = timezone.now()
    items.sort(key=lambda i: (i["at"], i["label"]))
    for i in items:
        i["ahead"] = i["at"] > now
    return items
