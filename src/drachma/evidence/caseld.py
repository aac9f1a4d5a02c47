"""A CASE/UCO JSON-LD description of an incident's exhibits for the prosecutor's bundle.

The incident is a ``case-investigation:Investigation``; each exhibit a ``uco-observable:File``
with its name, size and SHA-256 (``ContentDataFacet``), and a ``ProvenanceRecord`` carrying
the exhibit reference. Each custody event is a ``case-investigation:InvestigativeAction`` on
that provenance record, with its time, performer and place. Identifiers are UUIDs derived
from Drachma's own keys, so the same bundle made twice describes the same nodes.
"""

import uuid
from typing import Any

from drachma.evidence import selectors
from drachma.evidence.models import EvidenceItem
from drachma.evidence.workflow import person_name

CONTEXT = {
    "kb": "urn:drachma:kb:",
    "case-investigation": "https://ontology.caseontology.org/case/investigation/",
    "uco-action": "https://ontology.unifiedcyberontology.org/uco/action/",
    "uco-core": "https://ontology.unifiedcyberontology.org/uco/core/",
    "uco-identity": "https://ontology.unifiedcyberontology.org/uco/identity/",
    "uco-location": "https://ontology.unifiedcyberontology.org/uco/location/",
    "uco-observable": "https://ontology.unifiedcyberontology.org/uco/observable/",
    "uco-types": "https://ontology.unifiedcyberontology.org/uco/types/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
_NS = uuid.UUID("5b0f3c1e-9a57-4f7e-a3f6-2b1d8c3e4f10")


def _id(kind: str, key: str) -> str:
    return f"kb:{kind}-{uuid.uuid5(_NS, f'{kind}:{key}')}"


def _time(value) -> dict[str, str]:
    return {"@type": "xsd:dateTime", "@value": value.isoformat()}


def incident_graph(
    incident,
    items: list[EvidenceItem],
    bundle_paths: dict[str, str] | None = None,
    *,
    description: str = "",
) -> dict[str, Any]:
    """The JSON-LD document. ``bundle_paths`` maps exhibit reference to the file's path in the
    bundle."""
    bundle_paths = bundle_paths or {}
    graph: list[dict[str, Any]] = []
    people: dict[str, str] = {}
    places: dict[str, str] = {}

    def person(name: str) -> dict[str, str]:
        if name not in people:
            people[name] = _id("identity", name)
            graph.append(
                {"@id": people[name], "@type": "uco-identity:Identity", "uco-core:name": name}
            )
        return {"@id": people[name]}

    def place(name: str) -> dict[str, str]:
        if name not in places:
            places[name] = _id("location", name)
            graph.append(
                {"@id": places[name], "@type": "uco-location:Location", "uco-core:name": name}
            )
        return {"@id": places[name]}

    investigation = {
        "@id": _id("investigation", incident.reference),
        "@type": "case-investigation:Investigation",
        "uco-core:name": incident.reference,
        "uco-core:description": description
        or f"Exhibits of incident {incident.reference}, exported by Drachma.",
        "uco-core:object": [],
    }
    graph.append(investigation)
    for item in items:
        file_id = _id("file", item.exhibit_ref)
        content_facet: dict[str, Any] = {
            "@id": _id("content-data-facet", item.exhibit_ref),
            "@type": "uco-observable:ContentDataFacet",
            "uco-observable:hash": [
                {
                    "@id": _id("hash", item.exhibit_ref),
                    "@type": "uco-types:Hash",
                    "uco-types:hashMethod": "SHA256",
                    "uco-types:hashValue": {"@type": "xsd:hexBinary", "@value": item.sha256},
                }
            ],
        }
        if item.stored_file.media_type:
            content_facet["uco-observable:mimeType"] = item.stored_file.media_type
        file_node = {
            "@id": file_id,
            "@type": "uco-observable:File",
            "uco-core:name": item.original_filename,
            "uco-core:hasFacet": [
                {
                    "@id": _id("file-facet", item.exhibit_ref),
                    "@type": "uco-observable:FileFacet",
                    "uco-observable:fileName": bundle_paths.get(
                        item.exhibit_ref, item.original_filename
                    ),
                    "uco-observable:sizeInBytes": {
                        "@type": "xsd:integer",
                        "@value": str(item.stored_file.size),
                    },
                },
                content_facet,
            ],
        }
        record_id = _id("provenance-record", item.exhibit_ref)
        record = {
            "@id": record_id,
            "@type": "case-investigation:ProvenanceRecord",
            "case-investigation:exhibitNumber": item.exhibit_ref,
            "uco-core:description": item.description
            or f"{item.get_kind_display()} received from "
            f"{item.received_from or item.get_received_from_type_display()}",
            "uco-core:object": [{"@id": file_id}],
        }
        graph += [file_node, record]
        investigation["uco-core:object"] += [{"@id": file_id}, {"@id": record_id}]
        for number, event in enumerate(selectors.custody_events(item), 1):
            parties = " ".join(
                p
                for p in (
                    f"from {event.from_party}" if event.from_party else "",
                    f"to {event.to_party}" if event.to_party else "",
                )
                if p
            )
            kind = event.get_transition_display().lower()
            description = f"Custody event {number} of {item.exhibit_ref}: {kind}"
            if parties:
                description += f" {parties}"
            if event.sha256_verified:
                description += f"; SHA-256 checked: {event.sha256_verified}"
            if event.note:
                description += f". {event.note}"
            action = {
                "@id": _id("investigative-action", f"{item.exhibit_ref}:{event.pk}"),
                "@type": "case-investigation:InvestigativeAction",
                "uco-core:name": event.transition,
                "uco-core:description": description,
                "uco-action:startTime": _time(event.at),
                "uco-action:object": [{"@id": record_id}],
                "uco-action:result": [{"@id": record_id}],
            }
            who = person_name(event.by) or event.by_description
            if who:
                action["uco-action:performer"] = person(who)
            if event.location:
                action["uco-action:location"] = [place(event.location)]
            graph.append(action)
            investigation["uco-core:object"].append({"@id": action["@id"]})
    if not investigation["uco-core:object"]:
        investigation["uco-core:object"].append(person("Drachma"))
    return {"@context": CONTEXT, "@graph": graph}
