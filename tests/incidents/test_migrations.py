"""Incidents recorded before their status had a workflow each get the first event of its
history, in the status they have, when and by whom they were recorded."""

import datetime

import pytest

from drachma.incidents.models import Incident, IncidentEvent
from tests.migrating import migrate_to, migrate_to_latest

BEFORE_EVENTS = [("incidents", "0003_groups_register_moved")]


@pytest.mark.django_db(transaction=True)
def test_every_existing_incident_gets_a_first_event_in_its_status(make_user):
    recorder = make_user("analyst")
    old = migrate_to(BEFORE_EVENTS)
    OldIncident = old.get_model("incidents", "Incident")
    recorded = datetime.datetime(2024, 5, 6, 7, 8, tzinfo=datetime.UTC)
    made = {}
    for status, by in [("new", recorder.pk), ("closed", None), ("investigating", recorder.pk)]:
        incident = OldIncident.objects.create(
            reference=f"DR-2024-{len(made) + 1:06d}",
            occurred_at=recorded,
            received_at=recorded,
            source="group",
            kind="doorstep",
            summary="s",
            place="Preston",
            status=status,
            created_by_id=by,
            review_date="2030-01-01",
        )
        OldIncident.objects.filter(pk=incident.pk).update(created_at=recorded)
        made[status] = incident.pk

    migrate_to_latest()

    for status, pk in made.items():
        event = IncidentEvent.objects.get(incident_id=pk)
        assert (event.transition, event.from_state, event.to_state, event.at) == (
            "record",
            "",
            status,
            recorded,
        )
        assert Incident.objects.get(pk=pk).status == status  # the data is kept
    assert IncidentEvent.objects.get(incident_id=made["new"]).by == recorder
    assert IncidentEvent.objects.get(incident_id=made["closed"]).by is None
