"""Reads of the group register; first and last seen are derived, never typed in."""

import heapq
from collections.abc import Sequence
from typing import Any

from django.db.models import DateTimeField, Max, Min, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, Least

from drachma.groups.activity import contributions
from drachma.groups.models import Group


def _across(values: list, pick):
    """The earliest (``Least``) or latest (``Greatest``) of several dates, any of them NULL.

    SQLite's multi-argument MIN/MAX give NULL when any argument is NULL (PostgreSQL's
    LEAST/GREATEST skip NULLs), so each argument falls back to the others."""
    if not values:
        return Value(None, output_field=DateTimeField())
    if len(values) == 1:
        return values[0]
    return pick(*(Coalesce(v, *(o for o in values if o is not v)) for v in values))


def groups_with_activity() -> QuerySet[Group]:
    """Groups annotated with ``first_seen``/``last_seen`` from every app's records of them."""

    def agg(activity, fn):
        link = activity.link
        return Subquery(
            activity.records()
            .filter(**{link: OuterRef("pk")})
            .order_by()
            .values(link)
            .annotate(v=fn(activity.when))
            .values("v")[:1],
            output_field=DateTimeField(),
        )

    sources = contributions()
    return (
        Group.objects.select_related("home_borough")
        .prefetch_related("aliases", "accounts")
        .annotate(
            first_seen=_across([agg(a, Min) for a in sources], Least),
            last_seen=_across([agg(a, Max) for a in sources], Greatest),
        )
    )


class GroupTimeline(Sequence):
    """A group's records that a viewer may see, from every app that records them, newest first,
    read only as far as a page needs: a slice ending at ``n`` reads at most ``n`` records of
    each app and merges them (the timeline of a busy group is long, and a page shows 20)."""

    def __init__(self, group: Group, user: Any) -> None:
        self.sources = [
            a for a in contributions() if not a.permission or user.has_perm(a.permission)
        ]
        self.group = group

    def _records(self, activity) -> QuerySet:
        # The primary key breaks ties, so that a page never repeats or skips a record.
        return (
            activity.records()
            .filter(**{activity.link: self.group})
            .order_by(f"-{activity.when}", "-pk")
        )

    def count(self) -> int:  # type: ignore[override]  # the paginator asks for the size
        return sum(self._records(a).count() for a in self.sources)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1][0]
        stop = index.stop if index.stop is not None else len(self)
        streams = [
            [
                {"when": getattr(r, a.when), "activity": a, "object": r}
                for r in self._records(a)[:stop]
            ]
            for a in self.sources
        ]
        merged = heapq.merge(
            *streams, key=lambda item: (item["when"], item["object"].pk), reverse=True
        )
        return list(merged)[index]


def group_timeline_pages(group: Group, user: Any) -> GroupTimeline:
    """The group's timeline for ``user``, to be cut into pages (``Paginator``)."""
    return GroupTimeline(group, user)


def group_timeline(group: Group, user) -> list[dict]:
    """The group's records that ``user`` may see (incidents, intelligence), newest first."""
    return list(GroupTimeline(group, user)[:])


def add_links(group: Group, user) -> list[dict]:
    """Links on the group page to record more about it, for the roles that may."""
    return [
        {"label": label, "url_name": url_name, "group": group.pk}
        for label, url_name, permission in (a.add for a in contributions() if a.add)
        if user.has_perm(permission)
    ]
