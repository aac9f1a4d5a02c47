"""Messenger, Instagram and Telegram JSON downloads."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from drachma.evidence.chats import (
    ChatParseError,
    UnknownChatFormat,
    parse_chat_bytes,
    parse_chat_file,
    quality_report,
)

SAMPLES = Path(__file__).parent / "samples"


def test_messenger_mojibake_bom_newest_first():
    conv = parse_chat_file(SAMPLES / "messenger_mojibake_bom.json")
    assert conv.format == "messenger"
    assert conv.format_details["byte_order_mark"] == "UTF-8"
    assert conv.format_details["platform_basis"] == "the file has Messenger's thread_type"
    assert conv.format_details["title"] == "Zoë Ward"
    assert conv.participants == ["Zoë Ward", "Chris Pike"]
    # Presented oldest first; source_index is the position in the file's array.
    assert [(m.sender, m.kind, m.text, m.source_index) for m in conv.messages] == [
        ("Chris Pike", "text", "Hi Zoë", 6),
        (None, "system", "", 5),
        ("Zoë Ward", "text", "Café at 3? 😊", 4),
        ("Chris Pike", "attachment", "", 3),
        ("Zoë Ward", "text", "Zoë Ward sent a link.", 2),
        ("Chris Pike", "call", "Zoë Ward missed your call.", 1),
        ("Chris Pike", "deleted", "Chris Pike unsent a message", 0),
    ]
    m = conv.messages
    assert m[0].wall == datetime(2021, 3, 12, 14, 40, tzinfo=UTC)
    assert m[0].timestamp == "2021-03-12T14:40:00.000+00:00"
    assert m[1].details["actor"] == "Chris Pike" and m[1].details["users"] == [{"name": "Zoë Ward"}]
    assert m[2].reactions == ({"reaction": "👍", "actor": "Chris Pike"},)
    assert m[3].attachments == ("messages/inbox/zoeward_123/photos/111_222.jpg",)
    assert m[4].details["share"] == {"link": "https://example.org/park", "share_text": "Café map"}
    assert m[5].details["call_duration"] == 0
    assert [w.code for w in conv.warnings] == ["reversed", "mojibake_repaired"]
    assert conv.format_details["mojibake_repaired"] == 11
    assert conv.zone_assumed is False  # timestamp_ms is an instant
    # Each message maps back to the lines of its JSON object.
    raw = (SAMPLES / "messenger_mojibake_bom.json").read_text(encoding="utf-8-sig").split("\n")
    first = m[0]
    assert raw[first.first_line - 1].strip() == "{"
    assert '"Hi Zo\\u00c3\\u00ab"' in "\n".join(raw[first.first_line - 1 : first.last_line])
    d = conv.message_dict(m[0], 0)
    assert d["utc"] == "2021-03-12T14:40:00.000+00:00" and d["utc_basis"] == "stated"


def test_instagram_reactions_and_media():
    conv = parse_chat_file(SAMPLES / "instagram_message_1.json")
    assert conv.format == "instagram"
    assert conv.format_details["platform_basis"] == "media paths are under your_instagram_activity/"
    assert [(m.sender, m.kind, m.text) for m in conv.messages] == [
        ("sam.p", "text", "hey"),
        ("nightowl_99", "text", "où es-tu ?"),
        ("nightowl_99", "attachment", ""),
        ("sam.p", "reaction", "Reacted ❤️ to your message"),
    ]
    assert conv.messages[2].attachments == (
        "your_instagram_activity/messages/inbox/samp_178/videos/v1.mp4",
    )
    assert conv.messages[0].timestamp == "2023-11-14T22:13:20.000+00:00"


def test_meta_file_already_in_time_order_is_not_reversed():
    doc = {
        "participants": [{"name": "A"}, {"name": "B"}],
        "messages": [
            {"sender_name": "A", "timestamp_ms": 1000, "content": "first"},
            {"sender_name": "B", "timestamp_ms": 2000, "content": "second"},
            {"sender_name": "A", "timestamp_ms": 1500, "content": "out of step"},
        ],
    }
    conv = parse_chat_bytes(json.dumps(doc).encode())
    assert [m.text for m in conv.messages] == ["first", "second", "out of step"]
    assert [w.code for w in conv.warnings] == ["out_of_order"]
    assert conv.format_details["platform_basis"].startswith(
        "Messenger and Instagram use the same layout"
    )


def test_messenger_10000_message_file_is_flagged():
    doc = {
        "participants": [{"name": "A"}],
        "messages": [
            {"sender_name": "A", "timestamp_ms": 10_000_000 - i, "content": str(i)}
            for i in range(10_000)
        ],
    }
    conv = parse_chat_bytes(json.dumps(doc).encode(), name="message_2.json")
    assert conv.format_details["file_message_limit_reached"] is True
    assert conv.source_name == "message_2.json"


def test_telegram_entities_service_edited_media_and_escapes():
    conv = parse_chat_file(SAMPLES / "telegram_result.json")
    assert conv.format == "telegram"
    assert conv.participants == ["Lee", "Max"]
    assert conv.format_details["chat_name"] == "Lee & Max"
    assert conv.format_details["escapes_repaired"] == 1
    assert conv.format_details["exporter_utc_offsets_minutes"] == [60]
    assert [(m.sender, m.kind, m.text) for m in conv.messages] == [
        (None, "system", ""),
        ("Lee", "text", "See this link: https://example.org"),
        ("Max", "text", "on my way"),
        ("Max", "attachment", ""),
        ("Lee", "media_omitted", ""),
        ("Max", "call", ""),
        ("Lee", "text", "page one\x0cpage two"),  # the \x0C escape read as the character
    ]
    m = conv.messages
    assert m[0].details["action"] == "create_group" and m[0].details["actor"] == "Lee"
    assert m[2].edited is True and m[2].details["edited_at"] == "2023-06-01T09:03:00"
    assert m[3].attachments == ("photos/photo_1@01-06-2023_09-04-00.jpg",)
    assert m[4].details["file_name"] == "clip.mp4"
    assert m[4].details["media_note"].startswith("(File not included")
    assert m[5].details["duration_seconds"] == 65
    # The wall clock as stated; UTC from date_unixtime where present, else from the zone.
    assert m[1].timestamp == "2023-06-01T09:01:00"
    assert conv.utc(m[1]) == (datetime(2023, 6, 1, 8, 1, tzinfo=UTC), None)
    assert m[6].utc_stated is None
    assert conv.utc(m[6])[0] == datetime(2023, 6, 1, 8, 10, tzinfo=UTC)
    assert conv.zone_assumed is True
    assert [w.code for w in conv.warnings] == ["escapes_repaired", "no_unixtime"]
    assert conv.message_dict(m[1], 1)["utc_basis"] == "stated"
    assert conv.message_dict(m[6], 6)["utc_basis"] == "zone"


def test_telegram_without_any_unixtime():
    doc = {
        "name": "X",
        "type": "personal_chat",
        "id": 1,
        "messages": [
            {"id": 1, "type": "message", "date": "2020-01-01T12:00:00", "from": "A", "text": "hi"},
        ],
    }
    conv = parse_chat_bytes(json.dumps(doc).encode(), timezone="America/New_York")
    assert conv.utc(conv.messages[0])[0] == datetime(2020, 1, 1, 17, 0, tzinfo=UTC)


def test_telegram_account_export_is_refused_with_advice():
    doc = {
        "about": "...",
        "chats": {
            "about": "...",
            "list": [{"name": "Mum", "messages": []}, {"name": "Work", "messages": []}],
        },
    }
    with pytest.raises(ChatParseError, match="whole-account Telegram export holding 2 chats"):
        parse_chat_bytes(json.dumps(doc).encode())


def test_invalid_json_names_the_line_and_column():
    data = b'{\n  "messages": [\n    {"sender_name": "A", "timestamp_ms": 1,}\n  ]\n}\n'
    with pytest.raises(ChatParseError) as e:
        parse_chat_bytes(data)
    assert e.value.line == 3
    assert str(e.value).startswith("Invalid JSON at line 3, column")


def test_other_json_is_refused_naming_the_formats_tried():
    with pytest.raises(UnknownChatFormat, match="top-level keys: name, version") as e:
        parse_chat_bytes(b'{"name": "package", "version": "1.0"}')
    assert "Telegram Desktop JSON (result.json)" in str(e.value)


def test_message_without_timestamp_is_an_error_naming_it():
    doc = {"participants": [], "messages": [{"sender_name": "A", "content": "no time"}]}
    with pytest.raises(ChatParseError, match=r"message 0 \(line 1\) has no numeric timestamp_ms"):
        parse_chat_bytes(json.dumps(doc).encode())


def test_telegram_messages_from_deleted_accounts_keep_the_id_but_no_sender():
    # A deleted account's messages have "from": null beside "from_id"
    # (mlomb/chat-analytics pipeline/parse/parsers/Telegram.d.ts).
    doc = {
        "name": "Park watch",
        "type": "private_supergroup",
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
                "actor": None,
                "actor_id": "user999",
                "action": "phone_call",
                "duration_seconds": 5,
            },
            {
                "id": 4,
                "type": "message",
                "date": "2023-06-01T09:03:00",
                "from": None,
                "from_id": "user999",
                "photo": "photos/p.jpg",
                "text": "",
            },
        ],
    }
    conv = parse_chat_bytes(json.dumps(doc, indent=1).encode())
    lee, text, call, photo = conv.messages
    assert (lee.sender, lee.details) == ("Lee", {"message_id": 1})
    assert (text.sender, text.kind, text.text) == (None, "text", "who is this")
    assert text.details == {"message_id": 2, "sender_id": "user999", "deleted_account": True}
    assert (call.sender, call.kind, call.details["deleted_account"]) == (None, "call", True)
    assert call.details["actor_id"] == "user999"
    assert (photo.sender, photo.kind, photo.attachments) == (None, "attachment", ("photos/p.jpg",))
    # Not turned into a participant, and said so.
    assert conv.participants == ["Lee"]
    assert conv.format_details["deleted_account_ids"] == ["user999"]
    (warning,) = [w for w in conv.warnings if w.code == "deleted_accounts"]
    assert warning.message.startswith(
        "3 message(s) come from 1 account(s) the export does not name"
    )
    assert warning.lines == [text.first_line, call.first_line, photo.first_line]
    # The quality report counts them apart from the participants.
    report = quality_report(conv)
    assert list(report.participants) == ["Lee"]
    assert report.unknown_senders["count"] == 3
    assert report.unknown_senders["by_sender_id"] == {"user999": 3}
    assert [r["index"] for r in report.unknown_senders["messages"]] == [1, 2, 3]
    assert report.kinds == {"text": 2, "call": 1, "attachment": 1}
