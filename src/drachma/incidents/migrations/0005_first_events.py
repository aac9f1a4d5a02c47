# Every incident recorded before its status had a workflow gets the first event of its
# history: "recorded" in the status it has now, when and by whom it was recorded. Later
# changes of status are written by workflow.INCIDENT.apply.

from django.db import migrations

BATCH = 2000


def first_events(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    IncidentEvent = apps.get_model("incidents", "IncidentEvent")
    db = schema_editor.connection.alias
    has_history = IncidentEvent.objects.using(db).values("incident_id")
    rows = (
        Incident.objects.using(db)
        .exclude(pk__in=has_history)
        .order_by("pk")
        .values_list("pk", "status", "created_at", "created_by_id")
    )
    batch = []
    for pk, status, created_at, created_by_id in rows.iterator(chunk_size=BATCH):
        batch.append(
            IncidentEvent(
                incident_id=pk,
                transition="record",
                from_state="",
                to_state=status,
                at=created_at,
                by_id=created_by_id,
            )
        )
        if len(batch) >= BATCH:
            IncidentEvent.objects.using(db).bulk_create(batch)
            batch = []
    IncidentEvent.objects.using(db).bulk_create(batch)


def no_history(apps, schema_editor):
    # Going back, the events table is dropped by the previous migration's reverse.
    IncidentEvent = apps.get_model("incidents", "IncidentEvent")
    IncidentEvent.objects.using(schema_editor.connection.alias).filter(
        transition="record"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("incidents", "0004_incident_events")]

    operations = [migrations.RunPython(first_events, no_history)]
