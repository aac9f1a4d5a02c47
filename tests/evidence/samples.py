"""Sample records whose keys fill evidence URLs in the role-matrix test."""

import io

from drachma.evidence import services
from tests.evidence.factories import whatsapp_bytes


def build(world) -> dict:
    user = world.users["investigator"]
    incident = getattr(world, "incident", None)
    if incident is None:
        from tests.incidents.samples import build as build_incident

        build_incident(world)
        incident = world.incident
    item = services.upload_evidence(
        io.BytesIO(whatsapp_bytes()),
        original_filename="chat.txt",
        received_from_type="group",
        received_from="Sample group",
        user=user,
        incident=incident,
        kind="chat_export",
    )
    entry = services.create_disclosure_entry(
        incident=incident, user=user, item=item, description="Sample chat export"
    )
    return {
        "exhibit_ref": item.exhibit_ref,
        "reference": incident.reference,
        "disclosure_id": entry.pk,
        "schedule": "MG6C",
    }
