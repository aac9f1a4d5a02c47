"""The publication-before-trial monitor.

Every entry of takedown's publication log and every footage capture or match (a new capture,
a re-upload found by hashing) is checked against the cases: does it concern a defendant,
through the incident, the footage (an exhibit of the case, or footage of the case's incident
matched by the re-upload) or the group (footage with no incident, posted by a group of the
case's incidents)? Each such finding goes on the case's publication log (``Exposure``). One
found while proceedings against the defendant are active (``proceedings.py``) is marked so,
and:

- opens a takedown request for the footage, or raises the open one to urgent (takedown's
  ``open_request`` and ``raise_to_urgent``); a publication with no footage record gets one;
- notifies the officer in the case (``core.services.notify``; the e-mail names the case and
  what was found, never a person);
- creates a due action for the officer in the case to tell the reviewing prosecutor
  (``ProsecutorNotice``, due in ``NOTICE_HOURS``).

Takedown sits below cases and never imports it: the monitor listens to the ``post_save``
signal Django sends for takedown's records (wired in ``apps.CasesConfig.ready``) and runs in
the same transaction as the write it checks, so a refused capture leaves no finding behind.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from drachma.cases import proceedings
from drachma.cases.models import (
    Case,
    Defendant,
    Exposure,
    ExposureKind,
    ExposureLink,
    ProsecutorNotice,
)
from drachma.core.services import notify
from drachma.takedown import services as takedown
from drachma.takedown.models import (
    Capture,
    ContentItem,
    ContentMatch,
    Platform,
    PublicationRecord,
    TakedownRequest,
    TakedownState,
)

logger = logging.getLogger(__name__)

# A house rule, not a statutory one: the prosecutor hears of a publication during active
# proceedings within a working day, so that the court can be told before the next hearing.
NOTICE_HOURS = 24
MONITOR = "the publication-before-trial monitor"


@dataclass(frozen=True)
class Concern:
    case: Case
    defendant: Defendant
    link: str


def _cases_by_incident(incident_ids: list[int]):
    return Case.objects.filter(incidents__in=incident_ids).distinct()


def concerns(
    *,
    incident_ids: list[int] = (),  # type: ignore[assignment]
    footage_incident_ids: list[int] = (),  # type: ignore[assignment]
    exhibit_ids: list[int] = (),  # type: ignore[assignment]
    group_id: int | None = None,
) -> list[Concern]:
    """The (case, defendant) pairs a finding concerns, each with how, strongest link first."""
    found: dict[tuple[int, int], Concern] = {}

    def add(cases, link: str) -> None:
        for case in cases.prefetch_related("defendants__person"):
            for defendant in case.defendants.all():
                found.setdefault((case.pk, defendant.pk), Concern(case, defendant, link))

    incident_ids = [i for i in incident_ids if i]
    if incident_ids:
        add(_cases_by_incident(incident_ids), ExposureLink.INCIDENT)
    footage = Q()
    if exhibit_ids:
        footage |= Q(exhibits__in=exhibit_ids)
    footage_incident_ids = [i for i in footage_incident_ids if i]
    if footage_incident_ids:
        footage |= Q(incidents__in=footage_incident_ids)
    if footage:
        add(Case.objects.filter(footage).distinct(), ExposureLink.FOOTAGE)
    if group_id and not incident_ids:
        add(Case.objects.filter(incidents__groups=group_id).distinct(), ExposureLink.GROUP)
    return list(found.values())


def _status_at(defendant: Defendant, at: datetime.datetime) -> proceedings.Status:
    fresh = Defendant.objects.prefetch_related("charges__result").get(pk=defendant.pk)
    return proceedings.for_defendant(fresh, at)


def _takedown(item: ContentItem | None, *, reason: str, at: datetime.datetime) -> tuple[str, str]:
    """Open a takedown request for ``item`` or raise the open one to urgent; the reference and
    what was done."""
    if item is None:
        return "", ""
    live = (
        TakedownRequest.objects.filter(content_item=item)
        .exclude(state__in=[TakedownState.CLOSED, TakedownState.DISCARDED])
        .first()
    )
    if live is None:
        request = takedown.open_request(item, user=None, note=reason, at=at)
        takedown.raise_to_urgent(request, user=None, reason=reason, at=at)
        return request.reference, "opened, urgent"
    takedown.raise_to_urgent(live, user=None, reason=reason, at=at)
    return live.reference, "raised to urgent"


def _record(
    concern_list: list[Concern],
    *,
    kind: str,
    found_at: datetime.datetime,
    url: str,
    item: ContentItem | None = None,
    publication: PublicationRecord | None = None,
    match: ContentMatch | None = None,
    item_for_takedown: Any = None,
) -> list[Exposure]:
    made: list[Exposure] = []
    takedown_done: tuple[str, str] | None = None
    for concern in concern_list:
        existing = None
        if item is not None:
            existing = Exposure.objects.filter(
                defendant=concern.defendant, content_item=item, found_at=found_at
            ).first()
        status = _status_at(concern.defendant, found_at)
        if existing is not None:
            # The capture and the match of one re-upload are one finding: the match says more.
            if match is not None:
                existing.kind, existing.match = kind, match
                existing.save(update_fields=["kind", "match"])
            continue
        exposure = Exposure(
            case=concern.case,
            defendant=concern.defendant,
            kind=kind,
            link=concern.link,
            found_at=found_at,
            url=url[:2000],
            publication=publication,
            content_item=item,
            match=match,
            during_active_proceedings=status.active,
            active_since=status.since if status.active else None,
        )
        if status.active:
            if takedown_done is None:
                target = item_for_takedown() if callable(item_for_takedown) else item
                takedown_done = _takedown(
                    target,
                    reason=f"Published during active proceedings (case {concern.case.urn}): "
                    "contempt risk; remove at once.",
                    at=timezone.now(),
                )
            exposure.takedown_reference, exposure.takedown_action = takedown_done
        exposure.full_clean()
        exposure.save()
        if status.active:
            _act(exposure)
        made.append(exposure)
    return made


def _act(exposure: Exposure) -> None:
    case = exposure.case
    due = timezone.now() + datetime.timedelta(hours=NOTICE_HOURS)
    ProsecutorNotice.objects.create(
        case=case, exposure=exposure, owner=case.officer_in_case, due_at=due
    )
    url = reverse("cases:detail", kwargs={"urn": case.urn})
    takedown_line = (
        f"Takedown {exposure.takedown_reference}: {exposure.takedown_action}."
        if exposure.takedown_reference
        else "No footage record to take down: open one in takedown."
    )
    notify(
        case.officer_in_case,
        f"Case {case.urn}: {exposure.get_kind_display().lower()} during active proceedings",
        f"Found {timezone.localtime(exposure.found_at):%d/%m/%Y %H:%M}. {takedown_line} "
        f"Tell the reviewing prosecutor by {timezone.localtime(due):%d/%m/%Y %H:%M}.",
        link=url,
    )


# --- what takedown writes ---------------------------------------------------------------------


def publication_logged(record: PublicationRecord) -> list[Exposure]:
    item = record.content_item if record.content_item_id else None
    found = concerns(
        incident_ids=[record.incident_id],
        exhibit_ids=[record.item_id] if record.item_id else [],
    )
    if not found:
        return []

    def footage_record() -> ContentItem:
        if item is not None:
            return item
        platform = record.platform if record.platform in Platform.values else Platform.OTHER
        made = takedown.create_content_item(
            user=None,
            url=record.url,
            platform=platform,
            incident=record.incident,
            first_seen_at=record.found_at,
            notes=f"Opened by {MONITOR} from the publication log.",
        )
        PublicationRecord.objects.filter(pk=record.pk).update(
            content_item=made, takedown_reference=made.reference
        )
        return made

    return _record(
        found,
        kind=ExposureKind.PUBLICATION,
        found_at=record.found_at,
        url=record.url,
        publication=record,
        item=item,
        item_for_takedown=footage_record,
    )


def capture_stored(capture: Capture) -> list[Exposure]:
    item = capture.content_item
    found = concerns(
        incident_ids=[item.incident_id] if item.incident_id else [],
        exhibit_ids=[capture.evidence_id],
        group_id=item.group_id,
    )
    return _record(
        found, kind=ExposureKind.CAPTURE, found_at=capture.captured_at, url=item.url, item=item
    )


def match_found(match: ContentMatch) -> list[Exposure]:
    item = match.content_item
    matched = match.matched_item
    capture = match.capture
    found = concerns(
        incident_ids=[item.incident_id] if item.incident_id else [],
        footage_incident_ids=[matched.incident_id] if matched.incident_id else [],
        exhibit_ids=[match.matched_capture.evidence_id, capture.evidence_id],
        group_id=item.group_id or matched.group_id,
    )
    return _record(
        found,
        kind=ExposureKind.REUPLOAD,
        found_at=capture.captured_at,
        url=item.url,
        item=item,
        match=match,
    )


def on_save(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """The ``post_save`` receiver: new publication-log entries, captures and matches."""
    if raw or not created:
        return
    if sender is PublicationRecord:
        publication_logged(instance)
    elif sender is Capture:
        capture_stored(instance)
    elif sender is ContentMatch:
        match_found(instance)
