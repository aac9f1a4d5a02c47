"""Reads of groups and intelligence; first and last seen are derived, never typed in."""

from django.db.models import DateTimeField, Max, Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest, Least

from drachma.incidents.models import Incident
from drachma.intelligence.models import Group, IntelligenceEntry


def groups_with_activity() -> QuerySet[Group]:
    """Groups annotated with ``first_seen``/``last_seen`` from their incidents and intelligence."""

    def agg(model, field, fn, link):
        return Subquery(
            model.objects.filter(**{link: OuterRef("pk")})
            .order_by()
            .values(link)
            .annotate(v=fn(field))
            .values("v")[:1],
            output_field=DateTimeField(),
        )

    inc_first = agg(Incident, "occurred_at", Min, "groups")
    inc_last = agg(Incident, "occurred_at", Max, "groups")
    intel_first = agg(IntelligenceEntry, "learned_at", Min, "group")
    intel_last = agg(IntelligenceEntry, "learned_at", Max, "group")
    return (
        Group.objects.select_related("home_borough")
        .prefetch_related("aliases", "accounts")
        .annotate(
            # SQLite's multi-argument MIN/MAX give NULL when either side is NULL (PostgreSQL's
            # LEAST/GREATEST skip NULLs), so each side falls back to the other.
            first_seen=Least(Coalesce(inc_first, intel_first), Coalesce(intel_first, inc_first)),
            last_seen=Greatest(Coalesce(inc_last, intel_last), Coalesce(intel_last, inc_last)),
        )
    )


def group_timeline(group: Group, *, include_intelligence: bool) -> list[dict]:
    """The group's incidents and (for roles that may see it) intelligence, newest first."""
    items = [
        {"when": i.occurred_at, "kind": "incident", "object": i}
        for i in group.incidents.select_related("borough").order_by("-occurred_at")
    ]
    if include_intelligence:
        items += [
            {"when": e.learned_at, "kind": "intelligence", "object": e}
            for e in group.intelligence.order_by("-learned_at")
        ]
    items.sort(key=lambda item: item["when"], reverse=True)
    return items
