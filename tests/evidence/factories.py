"""Evidence for tests: a WhatsApp export with gaps, deletions and omitted media, and an
incident carrying exhibits, custody chains, disclosure entries and a publication record."""

import datetime
import io

from django.utils import timezone

WHATSAPP = (
    "12/03/2026, 19:02 - Messages and calls are end-to-end encrypted. No one outside of this chat, "
    "not even WhatsApp, can read or listen to them. Tap to learn more.\n"
    "12/03/2026, 19:02 - Jess: hi who is this\n"
    "12/03/2026, 19:03 - Mark B: saw your pic, you look older than 13\n"
    "12/03/2026, 19:04 - Jess: im 13 tho\n"
    "12/03/2026, 19:05 - Mark B: This message was deleted\n"
    "14/03/2026, 21:40 - Mark B: <Media omitted>\n"
    "14/03/2026, 21:41 - Mark B: dont tell your mum we talk ok\n"
    "delete this after\n"
    "14/03/2026, 21:45 - Jess: ok\n"
    "17/03/2026, 08:15 - Mark B: can you get the bus to the retail park saturday?\n"
)


def whatsapp_bytes() -> bytes:
    return WHATSAPP.encode("utf-8")


def build_incident_evidence(user, *, incident=None):
    """An incident with a chat export (parsed), a screenshot with a longer custody chain,
    two disclosure entries (MG6C and MG6D) and a publication record."""
    from drachma.evidence import services
    from drachma.incidents.models import IncidentKind, IncidentSource
    from drachma.incidents.services import create_incident

    if incident is None:
        incident = create_incident(
            user=user,
            occurred_at=timezone.now() - datetime.timedelta(days=3),
            source=IncidentSource.GROUP,
            kind=IncidentKind.DOORSTEP,
            summary="Confrontation outside the retail park",
            place="Bolton",
        )
    chat = services.upload_evidence(
        io.BytesIO(whatsapp_bytes()),
        original_filename="WhatsApp Chat with Mark B.txt",
        received_from_type="group",
        received_from="Guardians North",
        user=user,
        incident=incident,
        kind="chat_export",
        description="Chat export handed over by the group after the confrontation",
    )
    shot = services.receive_file(
        io.BytesIO(b"\x89PNG\r\n\x1a\nfake screenshot"),
        original_filename="shot.png",
        received_from_type="public",
        received_from="A member of the public",
        via="upload",
        user=user,
        incident=incident,
        kind="screenshot",
    )
    services.record_custody_event(shot, kind="logged", user=user, location="Property store, Bolton")
    services.record_custody_event(
        shot,
        kind="transferred",
        user=user,
        from_party=services.person_name(user),
        to_party="Digital forensics unit",
        verify_hash=True,
    )
    services.record_custody_event(shot, kind="examined", user=user, note="Metadata checked")
    c = services.create_disclosure_entry(
        incident=incident,
        user=user,
        item=chat,
        description="Chat export from the group, partial",
        used=False,
    )
    d = services.create_disclosure_entry(
        incident=incident,
        user=user,
        description="Intelligence log entry about the group's informant",
        sensitive=True,
        sensitivity_reason="Identifies a covert source",
    )
    from drachma.takedown import services as takedown

    footage = takedown.create_content_item(
        user=user, url="https://video.example/watch?v=abc", platform="youtube", incident=incident
    )
    takedown.open_request(footage, user=user)
    p = takedown.record_publication(
        incident=incident,
        user=user,
        url="https://video.example/watch?v=abc",
        platform="youtube",
        description="Live stream of the confrontation",
        still_online="yes",
    )
    return incident, {"chat": chat, "shot": shot, "mg6c": c, "mg6d": d, "publication": p}
