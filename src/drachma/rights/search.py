"""The search for a requester across every app: the people records that are theirs (by name,
date of birth, and the identifiers they gave), then everything linked to those records or
naming their identifiers (incidents, intelligence, exhibits, chat exports, public reports,
footage, cases, safeguarding, and the audit entries about them).

Each record found becomes a ``Found``: what it is, a one-line summary, why it matched, and the
data it holds, with the names of third parties (the other people of the same incidents, the
officers) replaced by ``[redacted]`` for the reviewer. Nothing here writes; the services keep
what was found as ``RightsRequestItem`` rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model, Q

from drachma.audit.models import AuditEntry
from drachma.cases.models import Defendant
from drachma.evidence.models import EvidenceItem, ParsedConversation
from drachma.incidents.models import IncidentPerson
from drachma.intake.models import LinkedRecord, Report
from drachma.intelligence.models import IntelligenceEntry
from drachma.people.models import Person
from drachma.rights.models import RightsRequest
from drachma.safeguarding.models import SafeguardingAction
from drachma.takedown.models import ContentItem

REDACTED = "[redacted]"
# The audit entries about a person can run to thousands of views; the most recent are listed.
AUDIT_LIMIT = 200


@dataclass
class Found:
    obj: Model
    kind: str
    summary: str
    matched_on: str
    data: dict[str, Any] = field(default_factory=dict)
    redactions: int = 0


@dataclass
class Redactor:
    """Replaces third parties' names, whole words and any case, with [redacted]."""

    names: set[str] = field(default_factory=set)
    _pattern: re.Pattern[str] | None = None

    def add(self, *names: str) -> None:
        for name in names:
            name = (name or "").strip()
            if len(name) >= 2:
                self.names.add(name)
        self._pattern = None

    def keep(self, *names: str) -> None:
        """The requester's own names are never redacted."""
        for name in names:
            self.names.discard((name or "").strip())
        self._pattern = None

    def __call__(self, text: Any) -> tuple[Any, int]:
        if not isinstance(text, str) or not text or not self.names:
            return text, 0
        if self._pattern is None:
            words = sorted(self.names, key=len, reverse=True)
            self._pattern = re.compile(
                r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE
            )
        return self._pattern.subn(REDACTED, text)


def _norm(text: str) -> str:
    return " ".join((text or "").lower().split())


def _digits(text: str) -> str:
    digits = re.sub(r"\D", "", text or "")
    # A UK number written +44 7700 ... or 07700 ...: compare the national part.
    if digits.startswith("44"):
        digits = digits[2:]
    return digits.lstrip("0")


def people_of(request: RightsRequest) -> list[tuple[Person, str]]:
    """The people records that are the requester's: the same full name (or "also known as"),
    and the same date of birth where both are known (a different one rules a record out)."""
    name = _norm(request.requester_name)
    parts = name.split()
    if not parts:
        return []
    candidates = Person.objects.filter(
        Q(family_name__iexact=parts[-1]) | Q(known_as__icontains=name)
    )
    found: list[tuple[Person, str]] = []
    for person in candidates:
        named = _norm(person.full_name) == name or name in _norm(person.known_as)
        if not named:
            continue
        dob = request.requester_date_of_birth
        if dob and person.date_of_birth and person.date_of_birth != dob:
            continue
        if dob and person.date_of_birth == dob:
            found.append((person, "name and date of birth"))
        else:
            found.append((person, "name (no date of birth to compare)"))
    return found


def _users_names() -> list[str]:
    names: list[str] = []
    for first, last, username in get_user_model().objects.values_list(
        "first_name", "last_name", "username"
    ):
        names += [f"{first} {last}".strip(), username]
    return names


def search(request: RightsRequest) -> list[Found]:
    """Everything Drachma holds that is about the requester, redacted for review."""
    own_people = people_of(request)
    people = [p for p, _ in own_people]
    person_ids = [p.pk for p in people]
    own_names = {request.requester_name.strip()} | {p.full_name for p in people}
    own_names |= {p.given_names for p in people} | {p.family_name for p in people}
    phone = _digits(request.requester_phone)
    email = (request.requester_email or "").strip().lower()
    handles = [h.lower() for h in request.handles]

    involvements = list(
        IncidentPerson.objects.filter(person_id__in=person_ids).select_related("incident", "person")
    )
    incident_ids = {i.incident_id for i in involvements}
    redact = Redactor()
    # Third parties: everyone else involved in the same incidents, and the officers.
    for other in (
        IncidentPerson.objects.filter(incident_id__in=incident_ids)
        .exclude(person_id__in=person_ids)
        .select_related("person")
    ):
        redact.add(other.person.full_name, other.person.family_name, other.person.known_as)
    redact.add(*_users_names())
    redact.keep(*own_names)

    out: list[Found] = []
    seen: set[tuple[type, int]] = set()

    def add(obj: Model, kind: str, summary: str, matched_on: str, data: dict[str, Any]) -> None:
        key = (type(obj), int(obj.pk))
        if key in seen:
            return
        seen.add(key)
        clean: dict[str, Any] = {}
        count = 0
        for name, value in data.items():
            if isinstance(value, list):
                values = []
                for v in value:
                    text, n = redact(v)
                    values.append(text)
                    count += n
                clean[name] = values
            else:
                clean[name], n = redact(value)
                count += n
        summary_text, n = redact(summary)
        out.append(Found(obj, kind, str(summary_text)[:300], matched_on, clean, count + n))

    for person, why in own_people:
        add(
            person,
            "Person",
            person.full_name,
            why,
            {
                "given_names": person.given_names,
                "family_name": person.family_name,
                "known_as": person.known_as,
                "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
                "address": person.address,
                "postcode": person.postcode,
                "vulnerabilities": person.vulnerabilities,
                "notes": person.notes,
            },
        )
    for inv in involvements:
        incident = inv.incident
        add(
            incident,
            "Incident",
            f"{incident.reference}: {incident.get_kind_display()}, {incident.occurred_at:%d %B %Y}",
            f"{inv.person.full_name} recorded as {inv.get_role_display().lower()}",
            {
                "reference": incident.reference,
                "occurred": incident.occurred_at.isoformat(),
                "kind": incident.get_kind_display(),
                "role": inv.get_role_display(),
                "summary": incident.summary,
                "place": incident.place,
                "notes on the person": inv.notes,
            },
        )
    text_terms = [t for t in own_names if len(t) > 3 and " " in t] + [
        h for h in handles if len(h) > 2
    ]
    intel_q = Q(incidents__in=incident_ids)
    for term in text_terms:
        intel_q |= Q(text__icontains=term)
    if phone and len(phone) >= 6:
        intel_q |= Q(text__icontains=phone[-6:])
    if incident_ids or text_terms:
        for entry in IntelligenceEntry.objects.filter(intel_q).distinct():
            add(
                entry,
                "Intelligence",
                f"{entry.reference}, learned {entry.learned_at:%d %B %Y}",
                "linked to their incident"
                if entry.incidents.filter(pk__in=incident_ids).exists()
                else "names them or their identifiers",
                {"reference": entry.reference, "text": entry.text},
            )
    for item in EvidenceItem.objects.filter(incident_id__in=incident_ids):
        add(
            item,
            "Exhibit",
            f"{item.exhibit_ref}: {item.get_kind_display()} ({item.original_filename})",
            "on their incident",
            {"exhibit": item.exhibit_ref, "description": item.description},
        )
    identifiers = {_norm(n) for n in own_names if n} | set(handles)
    for conversation in ParsedConversation.objects.select_related("item"):
        names = [str(p) for p in conversation.participants or []]
        hits = [
            p
            for p in names
            if _norm(p).lstrip("@") in identifiers
            or (phone and len(phone) >= 6 and _digits(p).endswith(phone))
        ]
        if hits:
            add(
                conversation,
                "Chat export",
                f"{conversation.item.exhibit_ref}: {conversation.format} conversation, "
                f"{conversation.message_count} messages",
                "a participant: " + ", ".join(hits),
                {"exhibit": conversation.item.exhibit_ref, "participants": names},
            )
    report_q = Q(pk__in=LinkedRecord.objects.filter(person_id__in=person_ids).values("report"))
    if email:
        report_q |= Q(reporter_email__iexact=email)
    if request.requester_name.strip():
        report_q |= Q(reporter_name__iexact=request.requester_name.strip())
    for report in Report.objects.filter(report_q):
        matched = "linked to their record"
        if email and report.reporter_email.lower() == email:
            matched = "their e-mail address as the reporter"
        elif _norm(report.reporter_name) == _norm(request.requester_name):
            matched = "their name as the reporter"
        add(
            report,
            "Public report",
            f"{report.reference}, sent {report.submitted_at:%d %B %Y}",
            matched,
            {
                "reference": report.reference,
                "what happened": report.text,
                "reporter_name": report.reporter_name,
                "reporter_email": report.reporter_email,
                "reporter_phone": report.reporter_phone,
            },
        )
    if phone:
        for report in Report.objects.exclude(reporter_phone=""):
            if _digits(report.reporter_phone) == phone:
                add(
                    report,
                    "Public report",
                    f"{report.reference}, sent {report.submitted_at:%d %B %Y}",
                    "their telephone number as the reporter",
                    {
                        "reference": report.reference,
                        "what happened": report.text,
                        "reporter_phone": report.reporter_phone,
                    },
                )
    footage_q = Q(incident_id__in=incident_ids)
    for handle in handles:
        footage_q |= Q(account__iexact=handle) | Q(account__iexact="@" + handle)
    for content in ContentItem.objects.filter(footage_q):
        add(
            content,
            "Footage",
            f"{content.reference}: {content.get_platform_display()}",
            "shows their incident" if content.incident_id in incident_ids else "their account",
            {"reference": content.reference, "url": content.url, "notes": content.notes},
        )
    for defendant in Defendant.objects.filter(person_id__in=person_ids).select_related("case"):
        add(
            defendant,
            "Defendant in a case",
            f"{defendant.case.urn}: {defendant.get_custody_status_display()}",
            "their record as the defendant",
            {
                "case": defendant.case.urn,
                "custody": defendant.get_custody_status_display(),
                "bail_conditions": defendant.bail_conditions,
            },
        )
    for action in SafeguardingAction.objects.filter(person_id__in=person_ids):
        add(
            action,
            "Safeguarding action",
            f"{action.get_kind_display()} ({action.get_status_display()})",
            "the action is for them",
            {"kind": action.get_kind_display(), "description": action.description},
        )
    about = _audit_about(people)
    for entry in about:
        add(
            entry,
            "Audit log entry",
            f"{entry.get_action_display()} of {entry.object_repr}, {entry.at:%d %B %Y %H:%M}",
            "about their record",
            {
                "at": entry.at.isoformat(),
                "action": entry.get_action_display(),
                "fields": sorted((entry.changes or {}).keys())
                if entry.action != "view"
                else (entry.changes or {}).get("fields", []),
                "purpose": entry.purpose,
            },
        )
    return out


def _audit_about(people: Iterable[Person]) -> list[AuditEntry]:
    ids = [str(p.pk) for p in people]
    if not ids:
        return []
    return list(
        AuditEntry.objects.filter(model="people.person", object_id__in=ids).order_by("-seq")[
            :AUDIT_LIMIT
        ]
    )
