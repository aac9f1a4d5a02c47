"""Reads of the group register; first and last seen are derived, never typed in."""

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


def group_timeline(group: Group, user) -> list[dict]:
    """The group's records that ``user`` may see (incidents, intelligence), newest first."""
    items = []
    for activity in contributions():
        if activity.permission and not user.has_perm(activity.permission):
            continue
        records = activity.records().filter(**{activity.link: group}).order_by(f"-{activity.when}")
        items += [
            {"when": getattr(r, activity.when), "activity": activity, "object": r} for r in records
        ]
    items.sort(key=lambda item: item["when"], reverse=True)
    return items


def add_links(group: Group, user) -> list[dict]:
    """Links on the group page to record more about it, for the roles that may."""
    return [
        {"label": label, "url_name": url_name, "group": group.pk}
        for label, url_name, permission in (a.add for a in contributions() if a.add)
        if user.has_perm(permission)
    ]
