import datetime

from django.utils import timezone

from drachma.groups.models import Group
from drachma.intelligence import services


def build(world) -> dict:
    # The group register's sample (tests/groups/samples.py) is built first, in app order.
    group = Group.objects.get(name="Sample Group")
    entry = services.create_entry(
        user=world.users["analyst"],
        group=group,
        learned_at=timezone.now() - datetime.timedelta(days=1),
        source_type="open_source",
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code="P",
        text="Sample intelligence.",
        sanitised_text="Sample.",
    )
    services.disclose_entry(
        entry,
        user=world.users["analyst"],
        recipient="Sample Council community safety team",
        handling_code="P",
        disclosed_on=timezone.localdate(),
        reason="Sample disclosure.",
    )
    return {"entry_id": entry.pk, "action": "assess"}
