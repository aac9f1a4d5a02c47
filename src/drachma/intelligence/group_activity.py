"""Intelligence tells the group register what was learned about each group
(``drachma.groups.activity``); only the roles that may read intelligence see it there."""

from drachma.groups.activity import GroupActivity
from drachma.intelligence.models import IntelligenceEntry

ACTIVITY = GroupActivity(
    kind="intelligence",
    records=lambda: IntelligenceEntry.objects.all(),
    link="group",
    when="learned_at",
    item_template="intelligence/group_timeline_item.html",
    summary=lambda entry: f"Graded {entry.grading}",
    permission="intelligence.view_intelligenceentry",
    add=("Record intelligence", "intelligence:entry_create", "intelligence.add_intelligenceentry"),
)
