"""Sample records whose keys fill incident URLs in the role-matrix test."""

from drachma.incidents import services
from drachma.incidents.models import IncidentKind, IncidentSource, PersonRole
from drachma.people.services import create_person
from tests.factories import ago


def build(world) -> dict:
    incident = services.create_incident(
        user=world.users["analyst"],
        occurred_at=ago(days=2),
        source=IncidentSource.GROUP,
        kind=IncidentKind.DOORSTEP,
        summary="Sample",
        place="Preston",
    )
    person = create_person(given_names="Sample", family_name="Subject")
    involvement = services.add_person(incident, person=person, role=PersonRole.SUBJECT)
    world.incident = incident
    return {
        "reference": incident.reference,
        "involvement_id": involvement.pk,
        "incident_transition": "assess",
    }
