"""The conversation page names a deleted account's messages as such, not as system lines."""

import io
import json
import re

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


@pytest.mark.django_db
def test_the_page_shows_the_text_as_written_and_says_what_the_export_added(client_as):
    export = (
        "12/03/2021, 18:07 - Sam Hunter: IMG-20210312-WA0007.jpg (file attached)\n"
        "the gate\n"
        "12/03/2021, 18:08 - Sam Hunter: on my way <This message was edited>\n"
        "12/03/2021, 18:09 - Jo: \u200eok  \n"
    ).encode()
    item = services.receive_file(
        io.BytesIO(export),
        original_filename="chat.txt",
        received_from_type="group",
        via="upload",
    )
    parsed = services.parse_conversation(item)
    url = reverse("evidence:conversation", args=[item.exhibit_ref])
    html = client_as("investigator").get(url).content.decode()
    text = '<p class="govuk-body drachma-chat__text" style="white-space: pre-wrap">'
    assert f"{text}the gate</p>" in html
    assert ">on my way</p>" in html and ">ok</p>" in html
    lists = re.findall(r"not part of the text:<ul[^>]*>(.*?)</ul>", html)
    assert lists == [
        "<li>the attachment marker</li>",
        "<li>the edit marker</li>",
        "<li>1 invisible direction mark</li><li>spaces at the end</li>",
    ]
    assert "could not be read again" not in html
    parsed.text_as_written = False
    parsed.rederive_problem = "The stored file could not be read again: gone"
    parsed.save()
    html = client_as("investigator").get(url).content.decode()
    assert "could not be read again: The stored file could not be read again: gone" in html


@pytest.mark.django_db
def test_the_api_gives_the_artefact_counts_and_each_messages_artefacts(client_as):
    export = (
        b"12/03/2021, 18:08 - Sam Hunter: on my way <This message was edited>\n"
        b"12/03/2021, 18:09 - Jo: ok  \n"
    )
    item = services.receive_file(
        io.BytesIO(export), original_filename="chat.txt", received_from_type="group", via="upload"
    )
    services.parse_conversation(item)
    client = client_as("investigator")
    detail = client.get(f"/api/evidence/items/{item.exhibit_ref}").json()["conversation"]
    assert detail["artefact_counts"] == {"edited_marker": 1, "trailing_whitespace": 1}
    assert detail["text_as_written"] is True
    messages = client.get(f"/api/evidence/items/{item.exhibit_ref}/conversation").json()["messages"]
    assert [(m["text"], m["artefacts"]) for m in messages] == [
        ("on my way", {"edited_marker": " <This message was edited>"}),
        ("ok", {"trailing_whitespace": "  "}),
    ]
