"""Move the disclosure schedules kept per incident (evidence.DisclosureEntry) onto the cases.

For each case, every entry of each of its incidents becomes an item of the case's material,
numbered consecutively across the case (incidents in reference order, then their own item
numbers), with ``migrated_from`` naming the entry and the location naming the incident's item
when no location was recorded. An incident in exactly one case keeps its decisions (status,
prosecutor's decision, who decided and when). An incident in several cases is copied onto
each, undecided: its one schedule mixed people who are now in different prosecutions, so each
case's disclosure officer decides again (the incident's entry, with its old decision, is kept).
An incident in no case keeps its schedule on the incident, as before. Nothing is deleted.
Every case is given a draft of MG6C, MG6D and MG6E for all its defendants. Reversing removes
what this added.
"""

from django.db import migrations
from django.db.models import Max
from django.utils import timezone

STATUS = {"draft": "undecided", "scheduled": "scheduled", "withdrawn": "withdrawn"}


def forwards(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Material = apps.get_model("cases", "Material")
    Schedule = apps.get_model("cases", "Schedule")
    ScheduleEvent = apps.get_model("cases", "ScheduleEvent")
    DisclosureEntry = apps.get_model("evidence", "DisclosureEntry")
    now = timezone.now()
    for case in Case.objects.order_by("pk"):
        incidents = list(case.incidents.order_by("reference"))
        for incident in incidents:
            shared = incident.cases.count() > 1
            for entry in DisclosureEntry.objects.filter(incident=incident).order_by("number"):
                number = (Material.objects.filter(case=case).aggregate(m=Max("number"))["m"] or 0) + 1
                Material.objects.create(
                    case=case,
                    number=number,
                    item_id=entry.item_id,
                    description=entry.description,
                    location=entry.location
                    or f"Incident {incident.reference}, item {entry.number}",
                    used=entry.used,
                    sensitive=entry.sensitive,
                    sensitivity_reason=entry.sensitivity_reason,
                    status="undecided" if shared else STATUS.get(entry.status, "undecided"),
                    might_undermine_or_assist=entry.might_undermine_or_assist,
                    mg6e_reason=entry.mg6e_reason,
                    prosecutor_decision="" if shared else entry.prosecutor_decision,
                    migrated_from_id=entry.pk,
                    decided_by_id=None if shared else entry.decided_by_id,
                    decided_at=None if shared else entry.decided_at,
                    created_at=now,
                )
        for kind in ("MG6C", "MG6D", "MG6E"):
            if Schedule.objects.filter(case=case, defendant=None, kind=kind).exists():
                continue
            schedule = Schedule.objects.create(
                case=case, kind=kind, version=1, state="draft", created_at=now
            )
            ScheduleEvent.objects.create(
                schedule=schedule,
                transition="drafted",
                from_state="",
                to_state="draft",
                at=now,
                by_description="cases migration 0003",
            )


def backwards(apps, schema_editor):
    apps.get_model("cases", "ScheduleEvent").objects.filter(
        by_description="cases migration 0003"
    ).delete()
    apps.get_model("cases", "Schedule").objects.filter(events=None).delete()
    apps.get_model("cases", "Material").objects.exclude(migrated_from=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_disclosure_per_case"),
        ("evidence", "0008_stored_file_removed_at"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
