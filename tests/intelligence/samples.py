import datetime

from django.utils import timezone

from drachma.intelligence import services


def build(world) -> dict:
    group = services.save_group(name="Sample Group", status="active")
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
    return {"group_id": group.pk, "entry_id": entry.pk, "action": "assess"}
