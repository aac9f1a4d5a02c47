"""The conversation page names a deleted account's messages as such, not as system lines."""

import io
import json

import pytest
from django.urls import reverse

from drachma.evidence import services


@pytest.mark.django_db
def test_deleted_account_messages_are_labelled_on_the_page(client_as):
    doc = {
        "name": "Park watch",
        "type": "private_group",
        "id": 7,
        "messages": [
            {
                "id": 1,
                "type": "message",
                "date": "2023-06-01T09:00:00",
                "from": "Lee",
                "from_id": "user1",
                "text": "morning",
            },
            {
                "id": 2,
                "type": "message",
                "date": "2023-06-01T09:01:00",
                "from": None,
                "from_id": "user999",
                "text": "who is this",
            },
            {
                "id": 3,
                "type": "service",
                "date": "2023-06-01T09:02:00",
                "actor": "Lee",
                "actor_id": "user1",
                "action": "pin_message",
                "message_id": 1,
            },
        ],
    }
    item = services.receive_file(
        io.BytesIO(json.dumps(doc).encode()),
        original_filename="result.json",
        received_from_type="public",
        via="the reporting page",
    )
    services.parse_conversation(item)
    html = (
        client_as("investigator")
        .get(reverse("evidence:conversation", args=[item.exhibit_ref]))
        .content.decode()
    )
    assert "<strong>(deleted account user999)</strong>" in html
    assert "<strong>(system)</strong>" in html  # the pinned message
    assert "<strong>Lee</strong>" in html
