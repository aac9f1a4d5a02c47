"""Incidents tell the group register what each group did (``drachma.groups.activity``)."""

from drachma.groups.activity import GroupActivity
from drachma.incidents.models import Incident


def _summary(incident: Incident) -> str:
    where = incident.borough.name if incident.borough else incident.place
    kind = incident.get_kind_display()
    return f"{kind}, {where}" if where else kind


ACTIVITY = GroupActivity(
    kind="incident",
    records=lambda: Incident.objects.select_related("borough"),
    link="groups",
    when="occurred_at",
    item_template="incidents/group_timeline_item.html",
    summary=_summary,
)
