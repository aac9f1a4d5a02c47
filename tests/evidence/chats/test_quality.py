"""The evidential quality report, fact by fact, on hand-built conversations."""

import json
from datetime import datetime, timedelta

from drachma.evidence.chats import Conversation, Message, parse_chat_bytes, quality_report
from drachma.evidence.chats.model import MINUTES, SkippedLine


def msg(sender, when, text, kind="text", line=1, **kw):
    return Message(sender, datetime.fromisoformat(when), text, kind, line, line, MINUTES, **kw)


def conversation(messages, **kw):
    for i, m in enumerate(messages, start=1):
        m.first_line = m.last_line = i
    senders = list(dict.fromkeys(m.sender for m in messages if m.sender))
    return Conversation(
        format=kw.pop("format", "whatsapp"),
        messages=messages,
        participants=senders,
        locale="en",
        **kw,
    )


def base():
    return [
        msg(
            None,
            "2021-03-01T10:00",
            "Messages and calls are end-to-end encrypted.",
            "system",
            details={"event": "encryption_notice"},
        ),
        msg("Ann", "2021-03-01T10:01", "Hello Ben"),
        msg("Ben", "2021-03-01T10:05", "Hi"),
        msg(
            "Ann",
            "2021-03-01T10:06",
            "IMG-1.jpg (file attached)",
            "attachment",
            attachments=("IMG-1.jpg",),
        ),
        msg("Ben", "2021-03-01T10:07", "<Media omitted>", "media_omitted"),
        msg("Ann", "2021-03-03T12:07", "This message was deleted", "deleted"),
        msg("Ben", "2021-03-03T12:30", "ok", edited=True),
        msg(
            "Ann",
            "2021-03-03T12:31",
            "IMG-2.jpg (file attached)",
            "attachment",
            attachments=("IMG-2.jpg",),
        ),
    ]


def test_span_counts_and_first_sender():
    report = quality_report(conversation(base()))
    assert report.message_count == 8
    assert report.span["first"]["timestamp"] == "2021-03-01T10:00"
    assert report.span["last"]["timestamp"] == "2021-03-03T12:31"
    assert report.span["seconds"] == 2 * 86400 + 2 * 3600 + 31 * 60
    assert report.span["length"] == "2 days 2 hours"
    assert report.participants["Ann"]["messages"] == 4
    assert report.participants["Ann"]["by_kind"] == {"text": 1, "attachment": 2, "deleted": 1}
    assert report.participants["Ben"]["messages"] == 3
    assert report.participants["Ben"]["first"]["timestamp"] == "2021-03-01T10:05"
    assert report.first_sender["sender"] == "Ann"
    assert report.first_sender["index"] == 1
    assert report.kinds == {
        "system": 1,
        "text": 3,
        "attachment": 2,
        "media_omitted": 1,
        "deleted": 1,
    }
    assert report.edited_count == 1
    assert report.format == "whatsapp" and report.locale == "en"
    assert report.zone == "Europe/London" and report.zone_assumed is True


def test_gaps_longer_than_the_threshold():
    report = quality_report(conversation(base()))
    assert report.gap_threshold_seconds == 86400
    assert [
        (
            g["after_index"],
            g["before_index"],
            g["start_timestamp"],
            g["end_timestamp"],
            g["seconds"],
            g["length"],
        )
        for g in report.gaps
    ] == [
        (4, 5, "2021-03-01T10:07", "2021-03-03T12:07", 2 * 86400 + 2 * 3600, "2 days 2 hours"),
    ]
    tighter = quality_report(conversation(base()), gap_threshold=timedelta(minutes=3))
    assert [(g["after_index"], g["before_index"]) for g in tighter.gaps] == [(1, 2), (4, 5), (5, 6)]


def test_deleted_messages():
    report = quality_report(conversation(base()))
    assert report.deleted["count"] == 1
    assert report.deleted["by_sender"] == {"Ann": 1}
    assert report.deleted["messages"][0]["timestamp"] == "2021-03-03T12:07"
    assert report.deleted["messages"][0]["first_line"] == 6


def test_media_referred_to_but_not_supplied():
    unchecked = quality_report(conversation(base()))
    assert unchecked.media["supplied_checked"] is False
    assert unchecked.media["referenced"] == ["IMG-1.jpg", "IMG-2.jpg"]
    assert unchecked.media["placeholders_count"] == 1
    report = quality_report(conversation(base()), supplied_files=["media/img-1.JPG", "other.pdf"])
    assert report.media["supplied_checked"] is True
    assert [x["name"] for x in report.media["missing"]] == ["IMG-2.jpg"]
    assert report.media["missing"][0]["index"] == 7
    assert report.media["matched_only_ignoring_case"] == ["IMG-1.jpg"]
    assert report.media["unreferenced_supplied"] == ["other.pdf"]


def test_out_of_order_and_duplicates():
    messages = base()
    messages.insert(3, msg("Ben", "2021-03-01T09:00", "from the past"))
    report = quality_report(conversation(messages))
    order = report.order
    assert order["out_of_order_count"] == 1
    (item,) = order["out_of_order"]
    assert (item["index"], item["timestamp"], item["previous"]["timestamp"]) == (
        3,
        "2021-03-01T09:00",
        "2021-03-01T10:05",
    )
    assert item["earlier_by_seconds"] == 65 * 60
    assert order["duplicate_count"] == 0
    assert order["note"].startswith("Messages are kept in the order the file gives them")
    # The same sender, time and text twice (e.g. two exports pasted together).
    messages.append(msg("Ben", "2021-03-03T12:30", "ok"))
    report = quality_report(conversation(messages))
    assert report.order["duplicate_count"] == 1
    assert report.order["duplicates"][0]["indexes"] == [7, 9]
    assert report.order["duplicates"][0]["lines"] == [8, 10]
    assert report.order["out_of_order_count"] == 2  # 12:30 after 12:31


def test_partial_whatsapp_without_notice_and_reply_like_start():
    messages = [
        msg("Ann", "2021-03-01T10:01", "yeah and then he left"),
        msg("Ben", "2021-03-01T10:02", "Where did he go?"),
    ]
    report = quality_report(conversation(messages))
    partial = report.partial
    assert partial["looks_partial"] is True
    assert partial["checks"]["starts_with_encryption_notice_or_group_creation"] is False
    assert any(
        "does not begin with WhatsApp's end-to-end encryption notice" in r
        for r in partial["reasons"]
    )
    assert any(
        "first message (from Ann) opens with a word that usually answers something" in r
        for r in partial["reasons"]
    )
    assert partial["checks"]["first_authored_message_starts_lower_case"] is True
    # Ends with a question asked a minute after the other side's message, unanswered.
    assert partial["checks"]["ends_in_active_exchange"] is True
    assert partial["checks"]["last_message_is_question"] is True
    assert any("ends with a question from Ben" in r for r in partial["reasons"])


def test_first_message_starting_with_an_ellipsis_or_lower_case():
    start = [
        msg(
            None,
            "2021-03-01T10:00",
            "Messages and calls are end-to-end encrypted.",
            "system",
            details={"event": "encryption_notice"},
        )
    ]
    dots = conversation(start + [msg("Ann", "2021-03-01T10:01", "...as I was saying")])
    assert any("starts with an ellipsis" in r for r in quality_report(dots).partial["reasons"])
    lower = conversation(start + [msg("Ann", "2021-03-01T10:01", "hey you")])
    report = quality_report(lower)
    assert report.partial["reasons"] == []
    assert report.partial["checks"]["first_authored_message_starts_lower_case"] is True


def test_complete_looking_export_has_no_reasons():
    report = quality_report(conversation(base()))
    assert report.partial["looks_partial"] is False
    assert report.partial["reasons"] == []
    assert report.partial["checks"]["starts_with_encryption_notice_or_group_creation"] is True


def test_skipped_lines_and_messenger_parts_are_reasons():
    conv = conversation(base(), skipped_lines=[SkippedLine(1, "garbage")])
    assert any(
        "come before the first message header" in r for r in quality_report(conv).partial["reasons"]
    )
    messenger = conversation(
        base()[1:],
        format="messenger",
        source_name="message_3.json",
        format_details={"file_message_limit_reached": True},
    )
    reasons = quality_report(messenger).partial["reasons"]
    assert any("exactly 10,000 messages" in r for r in reasons)
    assert any("The file is message_3.json" in r for r in reasons)


def test_report_serializes_to_json_from_a_parsed_export():
    text = (
        "01/03/2021, 10:00 - Messages and calls are end-to-end encrypted. Tap to learn more.\n"
        "01/03/2021, 10:01 - Ann: Hi\n"
        "14/03/2021, 10:02 - Ben: <Media omitted>\n"
    )
    report = quality_report(parse_chat_bytes(text.encode()))
    data = json.loads(json.dumps(report.to_dict()))
    assert data["gaps"][0]["length"] == "13 days"
    assert data["media"]["placeholders_count"] == 1
    assert data["notes"][0].startswith("These are facts about the export")


def test_report_on_a_parsed_ios_export_counts_placeholders_attachments_and_deletions():
    from pathlib import Path

    from drachma.evidence.chats import parse_chat_file

    conv = parse_chat_file(Path(__file__).parent / "samples" / "ios_en_24h.txt")
    report = quality_report(conv, supplied_files=[])
    assert report.media["referenced"] == ["00000012-PHOTO-2022-02-14-20-02-00.jpg"]
    assert [x["name"] for x in report.media["missing"]] == [
        "00000012-PHOTO-2022-02-14-20-02-00.jpg"
    ]
    # Placeholders are named by their words, without the export's direction marks.
    assert [p["text"] for p in report.media["placeholders"]] == [
        "image omitted",
        "report.pdf \u2022 3 pages document omitted",
    ]
    assert report.media["placeholders"][1]["file_name"] == "report.pdf"
    assert report.deleted["count"] == 1
    assert report.unknown_senders == {"count": 0, "by_sender_id": {}, "messages": []}


def test_copies_differing_only_in_what_the_export_added_are_not_duplicates():
    text = (
        "01/03/2021, 10:00 - Ann: hi\n"
        "01/03/2021, 10:00 - Ann: \u200ehi\n"
        "01/03/2021, 10:00 - Ann: hi <This message was edited>\n"
        "01/03/2021, 10:00 - Ann: hi\n"
    )
    report = quality_report(parse_chat_bytes(text.encode()))
    assert [d["indexes"] for d in report.order["duplicates"]] == [[0, 3]]
