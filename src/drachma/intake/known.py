""" "Already known?": is an identifier that enters Drachma (a name with a date of birth, a
handle, a phone number, an e-mail address, a profile URL; from an incident, a public report, a
parsed conversation's participants, a group's stream) one the force already holds?

Each identifier is put in its one spelling (``core.identifiers``) and looked up in people's
identifiers, people's names (with the date of birth), groups' accounts, incidents' streams and
earlier reports (intake's matching, reused), and in the national and force systems
(``intake.lookups``). Exact matches score 100; handles and e-mail addresses also match fuzzily
(rapidfuzz, from ``FUZZY_THRESHOLD``), with their score. Candidates come from indexes: the
normalised value, and on PostgreSQL its trigrams (pg_trgm, people migration 0003), so the cost
grows with the identifiers checked, not with the identifiers stored (``bench/known.py``).

What a match shows depends on the viewer. A person is described (prior incidents,
vulnerability flags, open safeguarding) only to a role that may see people; any other role is
told only that the identifier is known and whom to ask. Every check is audited: what was
checked, from where, and what was found; each person described is recorded as viewed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Model
from rapidfuzz import fuzz

from drachma.audit import reads
from drachma.audit.models import AuditAction
from drachma.audit.services import append
from drachma.core.identifiers import (
    Handle,
    IdentifierKind,
    handle_from_url,
    normalise_identifier,
    split_name,
)
from drachma.intake import lookups
from drachma.intake.matching import (
    Found,
    _groups_and_aliases,
    _match_handle,
    _match_name,
    _match_phone,
    _match_url,
    _Results,
)
from drachma.intake.models import MatchKind, Report
from drachma.people.models import Person, PersonIdentifier
from drachma.safeguarding.models import ACTIVE, SafeguardingAction

CHECK_PERM = "intake.check_known"
NAME = "name"
KINDS = [NAME, *IdentifierKind.values]
FUZZY_THRESHOLD = 85.0
FUZZY_CANDIDATES = 200
MAX_IDENTIFIERS = 50

# Who may see each kind of record found, and whom a role that may not is told to ask.
SEE = {
    "person": "people.view_person",
    MatchKind.PERSON: "people.view_person",
    MatchKind.REPORT: "intake.view_report",
    MatchKind.INCIDENT: "incidents.view_incident",
    MatchKind.ACCOUNT: "groups.view_group",
    MatchKind.GROUP: "groups.view_group",
}
ASK = "the duty supervisor in public protection"


@dataclass
class Query:
    kind: str
    value: str
    platform: str = ""
    date_of_birth: datetime.date | None = None
    where: str = ""  # where it entered: "incident INC-…", "participant of exhibit …"


@dataclass
class PersonFacts:
    person: Person
    incidents: list[str]
    vulnerabilities: list[str]
    open_actions: list[str]


@dataclass
class Hit:
    what: str  # "person", or a MatchKind
    record: Model
    reason: str
    score: float
    shown: bool  # False: the viewer is told only that it is known
    facts: PersonFacts | None = None

    @property
    def exact(self) -> bool:
        return self.score >= 100


@dataclass
class Answer:
    query: Query
    normalized: str = ""
    error: str = ""
    hits: list[Hit] = field(default_factory=list)
    external: list[lookups.ExternalHit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def known(self) -> bool:
        return bool(self.hits or self.external)

    @property
    def hidden(self) -> int:
        return sum(1 for h in self.hits if not h.shown)

    @property
    def ask(self) -> str:
        return _whom_to_ask() if self.hidden else ""


def _whom_to_ask() -> str:
    names = [
        u.get_full_name() or u.get_username()
        for u in get_user_model()
        .objects.filter(is_active=True, groups__name="supervisor")
        .order_by("last_name", "first_name")[:2]
    ]
    return f"{ASK} ({', '.join(names)})" if names else ASK


# --- normalising ---------------------------------------------------------------------------


def _normalise(query: Query) -> tuple[str, str]:
    """(platform, spelling) of a query; ValueError saying why it has none."""
    if query.kind == NAME:
        name = " ".join((query.value or "").split())
        if len(name) < 2:
            raise ValueError("The name is empty or too short to look up.")
        return "", name
    found = normalise_identifier(query.kind, query.value, query.platform)
    return found.platform, found.value


def validate(queries: Sequence[Query]) -> None:
    """ValidationError naming ``identifiers.<n>.value`` for each identifier that does not
    normalise (checked before anything is looked up or recorded)."""
    if len(queries) > MAX_IDENTIFIERS:
        raise ValidationError({"identifiers": f"At most {MAX_IDENTIFIERS} identifiers at once."})
    errors = {}
    for i, query in enumerate(queries):
        if query.kind not in KINDS:
            errors[f"identifiers.{i}.kind"] = f"Choose one of {', '.join(KINDS)}."
            continue
        try:
            _normalise(query)
        except ValueError as exc:
            errors[f"identifiers.{i}.value"] = str(exc)
    if errors:
        raise ValidationError(errors)


# --- looking up ----------------------------------------------------------------------------


def _fuzzy_identifiers(kind: str, value: str) -> list[tuple[PersonIdentifier, float]]:
    """People's identifiers of ``kind`` close to ``value``: candidates from the trigram index
    on PostgreSQL (from a shared prefix elsewhere), scored by rapidfuzz."""
    rows = PersonIdentifier.objects.filter(kind=kind).exclude(normalized=value)
    if connection.vendor == "postgresql":
        rows = rows.extra(where=["people_personidentifier.normalized %% %s"], params=[value])
    else:
        rows = rows.filter(normalized__startswith=value[:3])
    found = []
    for row in rows.select_related("person")[:FUZZY_CANDIDATES]:
        score = fuzz.ratio(value, row.normalized)
        if score >= FUZZY_THRESHOLD:
            found.append((row, round(score, 1)))
    return found


def _person_identifiers(query: Query, platform: str, value: str) -> list[tuple[Person, str, float]]:
    if query.kind == NAME:
        return []
    kinds = [query.kind]
    values = [value]
    if query.kind == IdentifierKind.URL:
        # A profile URL is also the handle it names.
        handle = handle_from_url(value)
        if handle:
            kinds.append(IdentifierKind.HANDLE)
            values.append(handle.name)
    found: list[tuple[Person, str, float]] = []
    for kind, spelled in zip(kinds, values, strict=True):
        for row in PersonIdentifier.objects.filter(kind=kind, normalized=spelled).select_related(
            "person"
        ):
            if platform and row.platform and platform != row.platform and kind == "handle":
                continue
            found.append(
                (
                    row.person,
                    f"recorded as {row.person}'s {row.get_kind_display().lower()} ({row.source})",
                    100.0,
                )
            )
        if kind in (IdentifierKind.HANDLE, IdentifierKind.EMAIL):
            for row, score in _fuzzy_identifiers(kind, spelled):
                found.append(
                    (
                        row.person,
                        f"{score:.0f}% similar to {row.normalized}, {row.person}'s "
                        f"{row.get_kind_display().lower()}",
                        score,
                    )
                )
    return found


def _records(query: Query, platform: str, value: str) -> list[Found]:
    """Intake's matching (reports, incidents' streams, accounts, names), for one identifier."""
    results = _Results(Report(pk=0))  # no report of its own to leave out
    if query.kind == IdentifierKind.URL:
        _match_url(results, query.value, value)
        handle = handle_from_url(value)
        if handle:
            _match_handle(results, query.value, handle)
    elif query.kind == IdentifierKind.HANDLE:
        _match_handle(results, query.value, Handle(platform, value))
    elif query.kind == IdentifierKind.PHONE:
        _match_phone(results, query.value, value)
    elif query.kind == NAME:
        _match_name(results, query.value, value, _groups_and_aliases())
        if query.date_of_birth:
            given, family = split_name(value)
            for person in Person.objects.filter(date_of_birth=query.date_of_birth):
                score = fuzz.token_sort_ratio(value, person.full_name)
                if score >= 60:
                    results.add(
                        MatchKind.PERSON,
                        person,
                        query.value,
                        f"the same date of birth and a name {score:.0f}% similar",
                        score=min(100.0, score + 15),
                    )
    return results.sorted()


def facts_of(person: Person) -> PersonFacts:
    """What a role that may see people is told about a person found."""
    involvements = person.involvements.select_related("incident").order_by("-incident__occurred_at")
    incidents = [
        f"{i.incident.reference} ({i.get_role_display().lower()})" for i in involvements[:10]
    ]
    vulnerabilities = list(person.vulnerabilities)
    age = person.age_on(datetime.date.today())
    if age is not None and age < 18:
        vulnerabilities.append(f"Under 18 ({age})")
    actions = SafeguardingAction.objects.filter(status__in=ACTIVE, person=person) | (
        SafeguardingAction.objects.filter(
            status__in=ACTIVE, incident__in=[i.incident_id for i in involvements]
        )
    )
    open_actions = [f"{a} (due {a.due_at:%d/%m/%Y %H:%M})" for a in actions.distinct()[:10]]
    return PersonFacts(person, incidents, vulnerabilities, open_actions)


def _answer(viewer: Any, query: Query) -> Answer:
    answer = Answer(query)
    try:
        platform, value = _normalise(query)
    except ValueError as exc:
        answer.error = str(exc)
        return answer
    answer.normalized = value
    hits: dict[tuple, Hit] = {}

    def add(what: str, record: Model, reason: str, score: float) -> None:
        key = ("person" if isinstance(record, Person) else what, type(record).__name__, record.pk)
        if isinstance(record, Person) and record.merged_into_id:
            reason += f" (a record merged into person {record.merged_into_id})"
        existing = hits.get(key)
        if existing and existing.score >= score:
            return
        shown = viewer.has_perm(SEE[what])
        hits[key] = Hit(what, record, reason, score, shown)

    for person, reason, score in _person_identifiers(query, platform, value):
        add("person", person, reason, score)
    for found in _records(query, platform, value):
        add(found.kind, found.target, found.reason, found.score)
    for hit in hits.values():
        if hit.shown and isinstance(hit.record, Person):
            hit.facts = facts_of(hit.record)
    answer.hits = sorted(hits.values(), key=lambda h: (-h.score, h.what, str(h.record)))
    if query.kind != NAME:
        answer.external, answer.problems = lookups.ask_all(query.kind, value)
        handle = handle_from_url(value) if query.kind == IdentifierKind.URL else None
        if handle:  # the national systems know accounts by their handle
            more, problems = lookups.ask_all(IdentifierKind.HANDLE, handle.name)
            answer.external += more
            answer.problems += [p for p in problems if p not in answer.problems]
    return answer


def check(viewer: Any, queries: Iterable[Query], *, via: str, strict: bool = False) -> list[Answer]:
    """Each identifier looked up, as ``viewer`` may see the answer; the check audited.

    ``strict``: refuse the whole check (ValidationError naming each bad identifier) when one
    does not normalise, as the API does; otherwise each such answer carries its error."""
    queries = list(queries)
    if strict:
        validate(queries)
    answers = [_answer(viewer, q) for q in queries]
    described = {
        h.record.pk: h.record
        for a in answers
        for h in a.hits
        if h.facts is not None and isinstance(h.record, Person)
    }
    for person in described.values():
        reads.viewed(
            viewer,
            person,
            fields=["involvements", "vulnerabilities", "safeguarding"],
            via=f"already known? ({via})",
        )
    append(
        AuditAction.VIEW,
        model="intake.known",
        object_repr=f"already known? check of {len(answers)} ({via})"[:200],
        changes={
            "decision": "already known? check",
            "via": via,
            "checked": [
                {
                    "kind": a.query.kind,
                    "value": a.normalized or a.query.value[:100],
                    "error": a.error,
                }
                for a in answers
            ],
            "found": [
                {"what": str(h.what), "id": str(h.record.pk), "score": h.score, "shown": h.shown}
                for a in answers
                for h in a.hits
            ],
            "external": [e.reference for a in answers for e in a.external],
        },
        actor=viewer if getattr(viewer, "is_authenticated", False) else None,
    )
    return answers


# --- the identifiers of what enters ---------------------------------------------------------


def queries_for_incident(incident: Any, viewer: Any) -> list[Query]:
    """The incident's stream and its groups' accounts. Its people are records already (the
    page shows them, with their own page): checking them would only find themselves."""
    where = f"incident {incident.reference}"
    found: list[Query] = []
    if incident.stream_url:
        found.append(Query(IdentifierKind.URL, incident.stream_url, where=where))
    for group in incident.groups.all():
        for account in group.accounts.all():
            found.append(
                Query(IdentifierKind.HANDLE, account.handle, account.platform, where=where)
            )
    return found


def queries_for_report(report: Report) -> list[Query]:
    where = f"report {report.reference}"
    found = [Query(IdentifierKind.URL, link.raw, where=where) for link in report.links.all()]
    for ident in report.identifiers.all():
        kind = {"handle": IdentifierKind.HANDLE, "phone": IdentifierKind.PHONE}.get(
            ident.kind, NAME
        )
        found.append(Query(kind, ident.raw, ident.platform, where=where))
    return found


def queries_for_participants(participants: Iterable[Any], where: str) -> list[Query]:
    """A parsed conversation's participants: each is a name, a handle or a phone number as
    the export wrote it; the kind is the first that normalises."""
    found = []
    for raw in participants:
        text = str(raw.get("name", "") if isinstance(raw, dict) else raw).strip()
        if not text:
            continue
        for kind in (IdentifierKind.PHONE, IdentifierKind.EMAIL):
            try:
                normalise_identifier(kind, text)
            except ValueError:
                continue
            found.append(Query(kind, text, where=where))
            break
        else:
            if text.startswith("@"):
                found.append(Query(IdentifierKind.HANDLE, text, where=where))
            else:
                found.append(Query(NAME, text, where=where))
    return found
