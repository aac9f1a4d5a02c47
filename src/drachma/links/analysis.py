"""What the chart and the group and person pages say about a network: who holds it together
(degree, betweenness), which clusters it falls into (communities), and the force-wide
patterns analysts look for: groups sharing members or accounts, suspects confronted by more
than one group, identifiers recurring across reports."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import networkx as nx
from django.db.models import Count

from drachma.groups.models import Group, PlatformAccount
from drachma.incidents.models import Incident, IncidentPerson, PersonRole
from drachma.intake.models import IdentifierKind, ReportIdentifier
from drachma.links.graph import Chart, handle_key
from drachma.people.models import Person

# Betweenness is exact up to this many entities, then estimated from a seeded sample of
# sources, as many as keep the work near SAMPLED_WORK link visits (at least MIN_SOURCES):
# exact betweenness of a 5,000-entity chart takes minutes in Python, and a chart is drawn
# while the user waits. The estimate still ranks the entities that join clusters first.
EXACT_BETWEENNESS = 300
SAMPLED_WORK = 80_000
MIN_SOURCES = 32


def to_networkx(chart: Chart) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for node in chart.nodes.values():
        graph.add_node(
            node.id,
            type=node.type,
            label=node.label,
            date=node.when.isoformat() if node.when else "",
            hidden=node.hidden,
        )
    for link in chart.links.values():
        graph.add_edge(
            link.source,
            link.target,
            key=link.kind,
            kind=link.kind,
            first=link.first.isoformat() if link.first else "",
            last=link.last.isoformat() if link.last else "",
            count=link.count,
            records=" ".join(link.records),
        )
    return graph


@dataclass
class Measures:
    degree: dict[str, int]
    betweenness: dict[str, float]
    community: dict[str, int]
    communities: int


def measures(chart: Chart) -> Measures:
    """Degree, betweenness and communities (Louvain, seeded: the same chart gives the same
    clusters) of the chart as an undirected simple graph."""
    graph = nx.Graph()
    graph.add_nodes_from(chart.nodes)
    graph.add_edges_from((link.source, link.target) for link in chart.links.values())
    n = graph.number_of_nodes()
    if n > EXACT_BETWEENNESS:
        sources = min(n, max(MIN_SOURCES, SAMPLED_WORK // max(1, graph.number_of_edges())))
        betweenness = nx.betweenness_centrality(graph, k=sources, seed=1)
    else:
        betweenness = nx.betweenness_centrality(graph)
    community: dict[str, int] = {}
    found = nx.community.louvain_communities(graph, seed=1) if graph.number_of_edges() else []
    for index, members in enumerate(sorted(found, key=lambda c: (-len(c), sorted(c)[0]))):
        for member in members:
            community[member] = index
    return Measures(
        degree=dict(graph.degree()),
        betweenness={k: round(v, 4) for k, v in betweenness.items()},
        community=community,
        communities=len(found),
    )


def key_entities(chart: Chart, m: Measures, *, limit: int = 10) -> list[dict]:
    """The entities holding the chart together, by betweenness then degree."""
    ranked = sorted(chart.nodes.values(), key=lambda n: (-m.betweenness[n.id], -m.degree[n.id]))
    return [
        {
            "node": n,
            "degree": m.degree[n.id],
            "betweenness": m.betweenness[n.id],
            "community": m.community.get(n.id),
        }
        for n in ranked[:limit]
    ]


# --- force-wide patterns ------------------------------------------------------------------

MEMBERS_PERMS = ("incidents.view_incidentperson", "groups.view_group")
SUSPECTS_PERMS = ("incidents.view_incidentperson", "people.view_person", "groups.view_group")


def _members_by_group(group_ids: list[int] | None = None) -> dict[int, set[int]]:
    rows = IncidentPerson.objects.filter(
        role=PersonRole.GROUP_MEMBER, incident__groups__isnull=False
    )
    members: dict[int, set[int]] = defaultdict(set)
    for person_id, group_id in rows.values_list("person_id", "incident__groups").distinct():
        members[group_id].add(person_id)
    return members


def _handles_by_group() -> dict[int, set[str]]:
    handles: dict[int, set[str]] = defaultdict(set)
    for account in PlatformAccount.objects.only("group_id", "handle", "platform"):
        key = handle_key(account.handle, account.platform)
        if key:
            handles[account.group_id].add(key)
    return handles


def _pairs(sets: dict[int, set]) -> list[tuple[int, int, set]]:
    owners: dict[Any, set[int]] = defaultdict(set)
    for group_id, values in sets.items():
        for value in values:
            owners[value].add(group_id)
    shared: dict[tuple[int, int], set] = defaultdict(set)
    for value, groups in owners.items():
        ordered = sorted(groups)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                shared[(a, b)].add(value)
    return [(a, b, values) for (a, b), values in sorted(shared.items())]


def shared_groups(viewer: Any) -> list[dict]:
    """Pairs of groups sharing members (people who were group members at both groups'
    incidents: for roles that see who was involved) or accounts (the same handle), with
    how many. Counts, not names: the chart names them for the roles that may see them."""
    if not viewer.has_perm("groups.view_group"):
        return []
    pairs: dict[tuple[int, int], dict] = {}
    if viewer.has_perms(MEMBERS_PERMS):
        for a, b, people in _pairs(_members_by_group()):
            pairs.setdefault((a, b), {"members": 0, "handles": []})["members"] = len(people)
    for a, b, handles in _pairs(_handles_by_group()):
        pairs.setdefault((a, b), {"members": 0, "handles": []})["handles"] = sorted(handles)
    names = dict(
        Group.objects.filter(pk__in={g for p in pairs for g in p}).values_list("pk", "name")
    )
    return [
        {"a": a, "b": b, "a_name": names[a], "b_name": names[b], **shared}
        for (a, b), shared in sorted(pairs.items(), key=lambda i: (names[i[0][0]], names[i[0][1]]))
    ]


def suspects_confronted_by_several(viewer: Any, *, person: Person | None = None) -> list[dict]:
    """People who were the subject of incidents of more than one group."""
    if not viewer.has_perms(SUSPECTS_PERMS):
        return []
    rows = IncidentPerson.objects.filter(role=PersonRole.SUBJECT, incident__groups__isnull=False)
    if person is not None:
        rows = rows.filter(person=person)
    groups_of: dict[int, set[int]] = defaultdict(set)
    for person_id, group_id in rows.values_list("person_id", "incident__groups").distinct():
        groups_of[person_id].add(group_id)
    several = {p: g for p, g in groups_of.items() if len(g) > 1}
    people = Person.objects.in_bulk(list(several))
    names = dict(Group.objects.values_list("pk", "name"))
    return sorted(
        (
            {"person": people[p], "groups": sorted(names[g] for g in groups)}
            for p, groups in several.items()
        ),
        key=lambda r: (-len(r["groups"]), r["person"].full_name),
    )


def recurring_identifiers(viewer: Any, *, limit: int = 50) -> list[dict]:
    """Phone numbers and handles given in more than one report (for the roles that read
    reports), and handles that more than one group account uses."""
    found: list[dict] = []
    if viewer.has_perm("intake.view_report"):
        rows = (
            ReportIdentifier.objects.filter(kind__in=[IdentifierKind.PHONE, IdentifierKind.HANDLE])
            .values("kind", "normalized")
            .annotate(reports=Count("report", distinct=True))
            .filter(reports__gt=1)
            .order_by("-reports", "normalized")[:limit]
        )
        found += [
            {"type": r["kind"], "value": r["normalized"], "reports": r["reports"], "accounts": 0}
            for r in rows
        ]
    if viewer.has_perm("groups.view_group"):
        accounts: dict[str, int] = defaultdict(int)
        for handles in _handles_by_group().values():
            for h in handles:
                accounts[h] += 1
        for h, n in sorted(accounts.items()):
            if n > 1:
                found.append({"type": "handle", "value": h, "reports": 0, "accounts": n})
    return found[:limit]


def group_summary(viewer: Any, group: Group) -> dict:
    """For the group's page: the groups it shares members or accounts with."""
    shared = [p for p in shared_groups(viewer) if group.pk in (p["a"], p["b"])]
    return {
        "shared": [
            {
                "group_id": p["b"] if p["a"] == group.pk else p["a"],
                "name": p["b_name"] if p["a"] == group.pk else p["a_name"],
                "members": p["members"],
                "handles": p["handles"],
            }
            for p in shared
        ],
        "incidents": Incident.objects.filter(groups=group).count(),
    }


def person_summary(viewer: Any, person: Person) -> dict:
    """For the person's page: the groups that confronted them and those they were a member of."""
    if not viewer.has_perms(SUSPECTS_PERMS):
        return {}
    rows = IncidentPerson.objects.filter(person=person, incident__groups__isnull=False)
    confronted: set[str] = set()
    member: set[str] = set()
    for role, name in rows.values_list("role", "incident__groups__name").distinct():
        if role == PersonRole.SUBJECT:
            confronted.add(name)
        elif role == PersonRole.GROUP_MEMBER:
            member.add(name)
    return {"confronted_by": sorted(confronted), "member_of": sorted(member)}
