"""Hostile input at the chat parser's door: each file is either refused with a message naming
the problem, or read without losing a byte (the source lines give the file back)."""

import json

import pytest

from drachma.evidence.chats import ChatParseError, UnknownChatFormat, parse_chat_bytes

from .sources import original_bytes


def test_a_huge_line_is_one_message_kept_whole():
    body = "a" * 20_000_000
    data = f"12/03/2021, 18:06 - Sam: {body}\n12/03/2021, 18:07 - Jo: ok\n".encode()
    conv = parse_chat_bytes(data, max_bytes=None)
    assert [(m.sender, len(m.text)) for m in conv.messages] == [("Sam", 20_000_000), ("Jo", 2)]
    assert original_bytes(conv) == data


def test_a_huge_file_over_the_limit_is_refused_before_it_is_read():
    with pytest.raises(ChatParseError, match="more than the limit of 1,000 bytes"):
        parse_chat_bytes(b"12/03/2021, 18:06 - Sam: " + b"a" * 2000, max_bytes=1000)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"12/03/2021, 18:06 - Sam: hi\x00there\n", "binary data"),
        (bytes(range(256)) * 10, "binary data"),
        ("12/03/2021, 18:06 - Sam: hi\n".encode("utf-16-le"), "binary data"),
        ("12/03/2021, 18:06 - Sam: “quoted”\n".encode("cp1252"), "not UTF-8 text"),
        ("12/03/2021, 18:06 - Sam: café\n".encode("latin-1"), "not UTF-8 text"),
    ],
    ids=["nul_in_text", "binary", "utf16_without_bom", "cp1252", "latin1"],
)
def test_binary_and_wrongly_encoded_files_are_refused_naming_why(data, why):
    with pytest.raises(UnknownChatFormat, match=why) as e:
        parse_chat_bytes(data)
    assert "Tried: WhatsApp text export" in str(e.value)


def test_a_wrongly_encoded_line_deep_in_an_export_is_named():
    data = b"12/03/2021, 18:06 - Sam: fine\n" * 1000 + "12/03/2021, 18:07 - Jo: “x”\n".encode(
        "cp1252"
    )
    with pytest.raises(ChatParseError, match="Line 1001 is not valid UTF-8") as e:
        parse_chat_bytes(data)
    assert e.value.line == 1001


def test_a_nul_escaped_in_telegram_json_is_text_not_a_crash():
    doc = {
        "name": "Park watch",
        "type": "private_group",
        "id": 1,
        "messages": [
            {
                "id": 1,
                "type": "message",
                "date": "2021-03-12T18:06:00",
                "from": "Sam",
                "from_id": "user1",
                "text": "a\u0000b",
            }
        ],
    }
    conv = parse_chat_bytes(json.dumps(doc).encode(), name="result.json")
    assert conv.messages[0].text == "a\x00b"


def test_a_header_in_no_known_layout_is_refused_with_the_layouts_tried():
    with pytest.raises(UnknownChatFormat) as e:
        parse_chat_bytes(b"2021.03.12 18h06 Sam: hi\n2021.03.12 18h07 Jo: ok\n")
    message = str(e.value)
    assert "line 1 starts like a message header" in message
    assert "31/12/2020, 23:59 - Name: text" in message
    assert e.value.header_layouts_tried
