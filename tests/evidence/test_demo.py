import io

import pytest
from django.core.management import call_command

from drachma.evidence.models import (
    CustodyEvent,
    DisclosureEntry,
    EvidenceItem,
    ParsedConversation,
)
from drachma.takedown.models import PublicationRecord


@pytest.mark.django_db
def test_demo_has_custody_chains_a_chat_with_gaps_and_disclosure():
    call_command("seed_demo", stdout=io.StringIO())
    chats = list(ParsedConversation.objects.filter(format="whatsapp"))
    assert chats, "no parsed WhatsApp conversation"
    quality = chats[0].quality
    assert (
        quality["gaps"]
        and quality["deleted"]["count"] > 0
        and quality["media"]["placeholders_count"] > 0
    )
    assert chats[0].zone_assumed and chats[0].zone_name == "Europe/London"
    chained = {e.item_id for e in CustodyEvent.objects.filter(transition="transferred")}
    assert EvidenceItem.objects.filter(pk__in=chained, incident__isnull=False).exists()
    assert CustodyEvent.objects.filter(transition="disposed").exists()
    entries = DisclosureEntry.objects.all()
    assert (
        entries.filter(sensitive=True).exists()
        and entries.filter(sensitive=False, used=False).exists()
    )
    assert PublicationRecord.objects.exists()
