"""The link chart's graph, built on the server from the apps' own records.

Nothing is copied into a table of its own: each kind of link is a ``Relation``, a read of the
records that connect two kinds of entity (an incident's people, a group's accounts, a report's
phone numbers...). A chart is a breadth-first walk from one entity, a bounded number of links
deep, one query per relation and direction at each step. What the viewer's role may not see is
never read into the chart: a relation whose ends or whose source records the role may not see
is only counted, so that the node shows "more, not shown".
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from drachma.core import restrictions
from drachma.core.identifiers import normalize_handle
from drachma.evidence.models import EvidenceItem
from drachma.groups.models import Group, PlatformAccount
from drachma.incidents.models import Incident, IncidentPerson, PersonRole
from drachma.intake.models import (
    IdentifierKind,
    LinkedRecord,
    Report,
    ReportFile,
    ReportIdentifier,
    ReportMatch,
)
from drachma.people.models import Person
from drachma.takedown.models import ContentItem, ContentMatch, MatchReview, PublicationRecord

MAX_DEPTH = 3
# A chart is for reading: past this many entities it is cut (and says so).
MAX_NODES = 5000


@dataclass(frozen=True)
class NodeType:
    name: str
    label: str
    perms: tuple[str, ...]
    # i2 Analyst's Notebook's standard icon for the type (exports.py).
    i2_icon: str


NODE_TYPES: dict[str, NodeType] = {
    t.name: t
    for t in (
        NodeType("group", "Group", ("groups.view_group",), "Organisation"),
        NodeType("account", "Platform account", ("groups.view_group",), "Internet Account"),
        NodeType("person", "Person", ("people.view_person",), "Person"),
        NodeType("incident", "Incident", ("incidents.view_incident",), "Event"),
        NodeType("footage", "Footage", ("takedown.view_contentitem",), "Video"),
        NodeType("report", "Public report", ("intake.view_report",), "Document"),
        NodeType("exhibit", "Exhibit", ("evidence.view_evidenceitem",), "Exhibit"),
        NodeType("phone", "Phone number", ("intake.view_report",), "Telephone"),
        NodeType("handle", "Handle", ("groups.view_group",), "Internet Account"),
    )
}

LINK_KINDS = {
    "member_of": "Member of",
    "account_of": "Account of",
    "subject_of": "Subject of",
    "involved_in": "Involved in",
    "named_in": "Named in",
    "reported": "Reported",
    "published": "Published",
    "shows": "Shows",
    "exhibit_in": "Exhibit in",
    "matched": "Matched",
    "same_identifier": "Same identifier",
}


def type_visible(viewer: Any, name: str) -> bool:
    return viewer.has_perms(NODE_TYPES[name].perms)


@dataclass(frozen=True)
class Relation:
    """One kind of link between entities of types ``a`` and ``b``, read from ``queryset``."""

    kind: str
    a: str
    b: str
    queryset: Callable[[], QuerySet]
    a_field: str
    b_field: str
    when: str | None
    source: str  # the source record's model label
    source_field: str = "pk"
    perms: tuple[str, ...] = ()  # besides seeing both ends
    detail: str = ""

    def visible(self, viewer: Any) -> bool:
        return (
            type_visible(viewer, self.a)
            and type_visible(viewer, self.b)
            and (not self.perms or viewer.has_perms(self.perms))
        )

    def rows(
        self,
        side: str,
        keys: Iterable[Any],
        period: tuple[datetime.datetime | None, datetime.datetime | None],
    ) -> Iterable[tuple[Any, Any, datetime.datetime | None, Any]]:
        """(a key, b key, when, source key) of the links touching ``keys`` on ``side``."""
        field_name = self.a_field if side == "a" else self.b_field
        other = self.b_field if side == "a" else self.a_field
        qs = self.queryset().filter(**{f"{field_name}__in": list(keys), f"{other}__isnull": False})
        start, end = period
        names = [self.a_field, self.b_field, self.source_field]
        if self.when:
            if start:
                qs = qs.filter(**{f"{self.when}__gte": start})
            if end:
                qs = qs.filter(**{f"{self.when}__lt": end})
            names.insert(2, self.when)
            for a, b, when, source in qs.order_by().values_list(*names).distinct():
                yield a, b, when, source
        else:
            for a, b, source in qs.order_by().values_list(*names).distinct():
                yield a, b, None, source


class AccountHandles(Relation):
    """A group's account and its handle, normalised as intake normalises the handles that
    reports give: the same handle on two platforms, or in a report, meets at one node."""

    def rows(self, side, keys, period):
        if side == "a":
            accounts = PlatformAccount.objects.filter(pk__in=list(keys))
        else:
            query = Q()
            for key in keys:
                query |= Q(handle__iexact=key) | Q(handle__iexact=f"@{key}")
            accounts = PlatformAccount.objects.filter(query) if query else []
        for account in accounts:
            handle = handle_key(account.handle, account.platform)
            if handle and (side == "a" or handle in keys):
                yield account.pk, handle, None, account.pk


def handle_key(handle: str, platform: str = "") -> str:
    try:
        return normalize_handle(handle, platform).name.lower()
    except ValueError:
        return ""


INVOLVEMENT = "incidents.view_incidentperson"
MEMBER_ROLES = [r for r in PersonRole if r not in (PersonRole.SUBJECT,)]

RELATIONS: list[Relation] = [
    Relation(
        "member_of",
        "person",
        "group",
        lambda: IncidentPerson.objects.filter(role=PersonRole.GROUP_MEMBER),
        "person_id",
        "incident__groups",
        "incident__occurred_at",
        "incidents.incidentperson",
        perms=(INVOLVEMENT,),
        detail="a group member at one of the group's incidents",
    ),
    Relation(
        "account_of",
        "account",
        "group",
        PlatformAccount.objects.all,
        "pk",
        "group_id",
        None,
        "groups.platformaccount",
    ),
    Relation(
        "subject_of",
        "person",
        "incident",
        lambda: IncidentPerson.objects.filter(role=PersonRole.SUBJECT),
        "person_id",
        "incident_id",
        "incident__occurred_at",
        "incidents.incidentperson",
        perms=(INVOLVEMENT,),
    ),
    Relation(
        "involved_in",
        "person",
        "incident",
        lambda: IncidentPerson.objects.exclude(role=PersonRole.SUBJECT),
        "person_id",
        "incident_id",
        "incident__occurred_at",
        "incidents.incidentperson",
        perms=(INVOLVEMENT,),
    ),
    Relation(
        "named_in",
        "group",
        "incident",
        Incident.groups.through.objects.all,
        "group_id",
        "incident_id",
        "incident__occurred_at",
        "incidents.incident",
        source_field="incident_id",
    ),
    Relation(
        "published",
        "group",
        "footage",
        ContentItem.objects.all,
        "group_id",
        "pk",
        "first_seen_at",
        "takedown.contentitem",
    ),
    Relation(
        "shows",
        "footage",
        "incident",
        ContentItem.objects.all,
        "pk",
        "incident_id",
        "first_seen_at",
        "takedown.contentitem",
    ),
    Relation(
        "matched",
        "footage",
        "footage",
        lambda: ContentMatch.objects.exclude(review=MatchReview.NOT_A_COPY),
        "content_item_id",
        "matched_item_id",
        "found_at",
        "takedown.contentmatch",
    ),
    Relation(
        "exhibit_in",
        "exhibit",
        "incident",
        EvidenceItem.objects.all,
        "pk",
        "incident_id",
        "received_at",
        "evidence.evidenceitem",
    ),
    Relation(
        "published",
        "incident",
        "exhibit",
        PublicationRecord.objects.all,
        "incident_id",
        "item_id",
        "found_at",
        "takedown.publicationrecord",
        perms=("takedown.view_publicationrecord",),
    ),
    Relation(
        "reported",
        "report",
        "incident",
        Report.objects.all,
        "pk",
        "incident_id",
        "submitted_at",
        "intake.report",
    ),
    Relation(
        "reported",
        "report",
        "exhibit",
        ReportFile.objects.all,
        "report_id",
        "item_id",
        "report__submitted_at",
        "intake.reportfile",
    ),
    *[
        Relation(
            "reported",
            "report",
            target,
            LinkedRecord.objects.all,
            "report_id",
            f"{target}_id",
            "linked_at",
            "intake.linkedrecord",
        )
        for target in ("incident", "group", "person")
    ],
    *[
        Relation(
            "matched",
            "report",
            target,
            ReportMatch.objects.all,
            "report_id",
            field_name,
            "found_at",
            "intake.reportmatch",
        )
        for target, field_name in (
            ("incident", "incident_id"),
            ("group", "group_id"),
            ("account", "account_id"),
            ("person", "person_id"),
            ("report", "other_report_id"),
        )
    ],
    Relation(
        "same_identifier",
        "report",
        "phone",
        lambda: ReportIdentifier.objects.filter(kind=IdentifierKind.PHONE),
        "report_id",
        "normalized",
        "report__submitted_at",
        "intake.reportidentifier",
    ),
    Relation(
        "same_identifier",
        "report",
        "handle",
        lambda: ReportIdentifier.objects.filter(kind=IdentifierKind.HANDLE),
        "report_id",
        "normalized",
        "report__submitted_at",
        "intake.reportidentifier",
    ),
    AccountHandles(
        "same_identifier",
        "account",
        "handle",
        PlatformAccount.objects.all,
        "pk",
        "handle",
        None,
        "groups.platformaccount",
    ),
]


# --- the chart ----------------------------------------------------------------------------


@dataclass
class Link:
    source: str
    target: str
    kind: str
    first: datetime.datetime | None = None
    last: datetime.datetime | None = None
    count: int = 0
    records: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.source}|{self.kind}|{self.target}"

    def add(self, when: datetime.datetime | None, record: str) -> None:
        self.count += 1
        if when is not None:
            self.first = when if self.first is None else min(self.first, when)
            self.last = when if self.last is None else max(self.last, when)
        if len(self.records) < 10:
            self.records.append(record)


@dataclass
class Node:
    id: str
    type: str
    key: Any
    label: str = ""
    when: datetime.datetime | None = None
    url: str = ""
    hidden: int = 0  # neighbours the viewer's role may not see
    level: int = 0


@dataclass
class Chart:
    start: str
    nodes: dict[str, Node] = field(default_factory=dict)
    links: dict[str, Link] = field(default_factory=dict)
    truncated: bool = False
    depth: int = 1
    types: list[str] = field(default_factory=list)
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    @property
    def hidden(self) -> int:
        return sum(n.hidden for n in self.nodes.values())


def node_id(type_name: str, key: Any) -> str:
    return f"{type_name}:{key}"


def parse_node(value: str, *, field_name: str = "chart_start") -> tuple[str, Any]:
    """``group:12`` -> ("group", 12); a phone number or handle keeps its text. Refused, with
    the field named, when it names no type or a malformed key."""
    type_name, sep, key = (value or "").partition(":")
    if not sep or type_name not in NODE_TYPES or not key:
        raise ValidationError(
            {
                field_name: f"Give an entity as type:key, e.g. group:12; types are "
                f"{', '.join(NODE_TYPES)}."
            }
        )
    if type_name in ("phone", "handle"):
        if len(key) > 200:
            raise ValidationError({field_name: "An identifier is at most 200 characters."})
        return type_name, key
    if not key.isdigit() or len(key) > 12:
        raise ValidationError(
            {field_name: f"A {type_name}'s key is its number, e.g. {type_name}:12."}
        )
    return type_name, int(key)


def period_of(
    date_from: datetime.date | None, date_to: datetime.date | None
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """The date range as aware datetimes (``date_to`` inclusive); refused the wrong way round."""
    if date_from and date_to and date_from > date_to:
        raise ValidationError({"date_to": "The end of the date range is before its start."})
    tz = timezone.get_current_timezone()

    def at(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)

    return (
        at(date_from) if date_from else None,
        # The last day there is has no day after it: the range is open at that end.
        at(date_to + datetime.timedelta(days=1))
        if date_to and date_to < datetime.date.max
        else None,
    )


def check_types(types: Iterable[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(types or NODE_TYPES))
    unknown = [t for t in chosen if t not in NODE_TYPES]
    if unknown:
        raise ValidationError(
            {"types": f"Unknown entity type {unknown[0]!r}; types are {', '.join(NODE_TYPES)}."}
        )
    return chosen


def check_depth(depth: Any) -> int:
    if not isinstance(depth, int) or isinstance(depth, bool) or not 1 <= depth <= MAX_DEPTH:
        raise ValidationError({"depth": f"The depth is a number of links from 1 to {MAX_DEPTH}."})
    return depth


def build(
    viewer: Any,
    start: tuple[str, Any],
    *,
    depth: int = 2,
    types: Iterable[str] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    max_nodes: int = MAX_NODES,
    count_hidden: bool = True,
) -> Chart:
    """The neighbourhood of ``start`` that ``viewer`` may see, ``depth`` links deep."""
    depth = check_depth(depth)
    chosen = check_types(types)
    period = period_of(date_from, date_to)
    start_type, start_key = start
    if start_type not in chosen:
        chosen.append(start_type)
    shown = [r for r in RELATIONS if r.a in chosen and r.b in chosen and r.visible(viewer)]
    unseen = [r for r in RELATIONS if r.a in chosen and r.b in chosen and not r.visible(viewer)]

    chart = Chart(
        start=node_id(*start),
        depth=depth,
        types=chosen,
        date_from=date_from,
        date_to=date_to,
    )
    chart.nodes[chart.start] = Node(chart.start, start_type, start_key)
    held = _held_from(viewer)
    held_counted: set[tuple[str, str]] = set()
    frontier = {start}
    for level in range(1, depth + 1):
        found: dict[tuple[str, Any], None] = {}
        by_type: dict[str, set] = defaultdict(set)
        for t, k in frontier:
            by_type[t].add(k)
        for relation in shown:
            for side, type_name in (("a", relation.a), ("b", relation.b)):
                keys = by_type.get(type_name)
                if not keys:
                    continue
                for a, b, when, source in relation.rows(side, keys, period):
                    ends = ((relation.a, a), (relation.b, b))
                    other = ends[1] if side == "a" else ends[0]
                    if other[1] in held.get(other[0], ()):
                        # Held but not used (a restriction): counted as not shown, never drawn.
                        mine = node_id(*(ends[0] if side == "a" else ends[1]))
                        if mine in chart.nodes and (mine, node_id(*other)) not in held_counted:
                            held_counted.add((mine, node_id(*other)))
                            chart.nodes[mine].hidden += 1
                        continue
                    ids = (node_id(*ends[0]), node_id(*ends[1]))
                    if ids[0] == ids[1]:
                        continue
                    link_id = f"{ids[0]}|{relation.kind}|{ids[1]}"
                    link = chart.links.get(link_id)
                    if link is None:
                        link = chart.links[link_id] = Link(ids[0], ids[1], relation.kind)
                    link.add(when, f"{relation.source}:{source}")
                    if node_id(*other) not in chart.nodes:
                        found[other] = None
        if len(chart.nodes) + len(found) > max_nodes:
            chart.truncated = True
            found = dict(list(found.items())[: max(0, max_nodes - len(chart.nodes))])
        for t, k in found:
            chart.nodes[node_id(t, k)] = Node(node_id(t, k), t, k, level=level)
        frontier = set(found)
        if not frontier:
            break
    chart.links = {
        i: link
        for i, link in chart.links.items()
        if link.source in chart.nodes and link.target in chart.nodes
    }
    if count_hidden:
        _count_hidden(chart, unseen, period)
    describe(chart.nodes.values())
    return chart


def _held_from(viewer: Any) -> dict[str, set]:
    """The records of each type under a restriction (DPA 2018 s.47(2)), unless the viewer's
    role is one that must still see them (docs/rights.md)."""
    if viewer.has_perm(restrictions.VIEW_RESTRICTED):
        return {}
    return {name: restrictions.restricted_ids(model) for name, model in MODELS.items()}


def _count_hidden(chart: Chart, unseen: list[Relation], period) -> None:
    """How many neighbours of each drawn entity the viewer's role keeps from the chart."""
    by_type: dict[str, set] = defaultdict(set)
    for node in chart.nodes.values():
        by_type[node.type].add(node.key)
    for relation in unseen:
        for side, type_name in (("a", relation.a), ("b", relation.b)):
            keys = by_type.get(type_name)
            if not keys:
                continue
            seen: set = set()
            for a, b, _when, _source in relation.rows(side, keys, period):
                mine, other = ((relation.a, a), (relation.b, b))[:: 1 if side == "a" else -1]
                pair = (node_id(*mine), node_id(*other))
                if pair not in seen and pair[0] in chart.nodes:
                    seen.add(pair)
                    chart.nodes[pair[0]].hidden += 1


def _labels(type_name: str, keys: list) -> dict[Any, tuple[str, datetime.datetime | None, str]]:
    """key -> (label, date, page URL) for entities of one type."""
    out: dict[Any, tuple[str, datetime.datetime | None, str]] = {}
    if type_name == "group":
        for g in Group.objects.filter(pk__in=keys).only("name"):
            out[g.pk] = (g.name, None, reverse("groups:group_detail", args=[g.pk]))
    elif type_name == "account":
        for a in PlatformAccount.objects.filter(pk__in=keys).select_related("group"):
            out[a.pk] = (
                f"{a.get_platform_display()} {a.handle}",
                None,
                reverse("groups:group_detail", args=[a.group_id]),
            )
    elif type_name == "person":
        for p in Person.objects.filter(pk__in=keys).only("given_names", "family_name"):
            out[p.pk] = (p.full_name, None, reverse("people:detail", args=[p.pk]))
    elif type_name == "incident":
        for i in Incident.objects.filter(pk__in=keys).only("reference", "occurred_at", "kind"):
            out[i.pk] = (
                f"{i.reference} {i.get_kind_display().lower()}",
                i.occurred_at,
                reverse("incidents:detail", args=[i.reference]),
            )
    elif type_name == "footage":
        for c in ContentItem.objects.filter(pk__in=keys).only(
            "reference", "platform", "first_seen_at"
        ):
            out[c.pk] = (
                f"{c.reference} ({c.get_platform_display()})",
                c.first_seen_at,
                reverse("takedown:detail", args=[c.reference]),
            )
    elif type_name == "report":
        for r in Report.objects.filter(pk__in=keys).only("reference", "submitted_at"):
            out[r.pk] = (r.reference, r.submitted_at, reverse("intake:detail", args=[r.reference]))
    elif type_name == "exhibit":
        for e in EvidenceItem.objects.filter(pk__in=keys).only("exhibit_ref", "received_at"):
            out[e.pk] = (
                e.exhibit_ref,
                e.received_at,
                reverse("evidence:detail", args=[e.exhibit_ref]),
            )
    else:
        for key in keys:
            out[key] = (key if type_name == "phone" else f"@{key}", None, "")
    return out


def describe(nodes: Iterable[Node]) -> None:
    """Fill in each node's label, date and page."""
    by_type: dict[str, list[Node]] = defaultdict(list)
    for node in nodes:
        by_type[node.type].append(node)
    for type_name, group in by_type.items():
        labels = _labels(type_name, [n.key for n in group])
        for node in group:
            node.label, node.when, node.url = labels.get(node.key, (node.id, None, ""))


# The entity types that are records of their own (phone numbers and handles are not).
MODELS: dict[str, Any] = {
    "group": Group,
    "account": PlatformAccount,
    "person": Person,
    "incident": Incident,
    "footage": ContentItem,
    "report": Report,
    "exhibit": EvidenceItem,
}


def exists(viewer: Any, start: tuple[str, Any], *, field_name: str = "chart_start") -> Any:
    """The record ``start`` names, if ``viewer`` may see it; otherwise a refusal naming the
    field that says the same whether it does not exist or is hidden from the role."""
    type_name, key = start
    refusal = ValidationError(
        {field_name: f"There is no {NODE_TYPES[type_name].label.lower()} {key} that you may see."}
    )
    if not type_visible(viewer, type_name):
        raise refusal
    model = MODELS.get(type_name)
    if model is not None:
        obj = model.objects.filter(pk=key).first()
        if obj is None or not restrictions.may_use(viewer, obj):
            raise refusal
        return obj
    # A phone number or handle exists as far as a visible record gives it.
    found = ReportIdentifier.objects.filter(
        kind=IdentifierKind.PHONE if type_name == "phone" else IdentifierKind.HANDLE,
        normalized=key,
    ).exists()
    if not found and type_name == "handle":
        handles = next(r for r in RELATIONS if isinstance(r, AccountHandles))
        found = any(True for _ in handles.rows("b", [key], (None, None)))
    if not found:
        raise refusal
    return None
