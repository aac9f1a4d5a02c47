"""WhatsApp text exports: layouts, languages, kinds, and what happens to bad input."""

from datetime import datetime
from pathlib import Path

import pytest

from drachma.evidence.chats import (
    ChatParseError,
    UnknownChatFormat,
    iter_whatsapp_messages,
    parse_chat_bytes,
    parse_chat_file,
)

SAMPLES = Path(__file__).parent / "samples"


def rows(conv):
    return [(m.sender, m.timestamp, m.kind, m.text) for m in conv.messages]


def test_android_english_24h_day_first():
    conv = parse_chat_file(SAMPLES / "android_en_24h_dayfirst.txt")
    assert conv.format == "whatsapp"
    assert conv.locale == "en"
    assert conv.participants == ["Sam Hunter", "+44 7700 900123"]
    assert conv.format_details["platform"] == "android"
    assert conv.format_details["date_order"] == "day-first"
    # 12/03 is ambiguous; line 11 (13/03) decides.
    assert conv.format_details["date_order_basis"] == "line 11 has a first number above 12"
    assert conv.format_details["clock"] == "24-hour"
    assert rows(conv) == [
        (
            None,
            "2021-03-12T18:01",
            "system",
            "Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
            "WhatsApp, can read or listen to them. Tap to learn more.",
        ),
        (None, "2021-03-12T18:01", "system", 'Sam Hunter created group "Park watch: Sat"'),
        (None, "2021-03-12T18:02", "system", "Sam Hunter added +44 7700 900123"),
        ("Sam Hunter", "2021-03-12T18:05", "text", "Right, everyone here?"),
        (
            "+44 7700 900123",
            "2021-03-12T18:06",
            "text",
            "yes. we meet at the gate\nbring the camera\nand a charger",
        ),
        ("Sam Hunter", "2021-03-12T18:07", "media_omitted", "<Media omitted>"),
        # The attachment's marker line is not part of what was written: the caption is.
        ("+44 7700 900123", "2021-03-12T18:09", "attachment", "this is him"),
        ("Sam Hunter", "2021-03-13T09:15", "deleted", "This message was deleted"),
        ("+44 7700 900123", "2021-03-13T09:16", "deleted", "You deleted this message"),
        ("Sam Hunter", "2021-03-13T09:20", "text", "Meet at 10 not 11"),
        ("Sam Hunter", "2021-03-13T09:21", "empty", ""),
        (None, "2021-03-13T10:40", "system", "+44 7700 900123 left"),
    ]
    msgs = conv.messages
    assert [m.details["event"] for m in msgs[:3]] == ["encryption_notice", "group_created", "added"]
    # A notice names who did it.
    assert msgs[2].details == {"event": "added", "actor": "Sam Hunter"}
    assert msgs[11].details == {"event": "left", "actor": "+44 7700 900123"}
    assert msgs[11].direction_marks_removed == [[0, "U+202A"], [15, "U+202C"]]
    assert msgs[4].first_line == 5 and msgs[4].last_line == 7
    assert msgs[4].source_lines == [5, 6, 7]
    assert msgs[6].attachments == ("IMG-20210312-WA0007.jpg",)
    assert msgs[6].attachment == {
        "file_name": "IMG-20210312-WA0007.jpg",
        "words": "file attached",
        "as_written": "IMG-20210312-WA0007.jpg (file attached)",
    }
    assert msgs[9].edited is True and msgs[8].edited is False
    assert msgs[9].edited_marker == " <This message was edited>"
    assert msgs[3].artefacts is None  # plain text: nothing was moved out
    assert conv.line_count == 15
    assert conv.warnings == [] and conv.skipped_lines == []


def test_android_us_12h_month_first():
    conv = parse_chat_file(SAMPLES / "android_en_12h_monthfirst.txt")
    assert conv.format_details["date_order"] == "month-first"
    assert conv.format_details["date_order_basis"] == "line 4 has a second number above 12"
    assert conv.format_details["clock"] == "12-hour"
    assert [(m.sender, m.wall) for m in conv.messages] == [
        ("Jo Bloggs", datetime(2021, 1, 4, 9, 5)),
        ("Kim Lee", datetime(2021, 1, 4, 12, 30)),  # 12:30 PM is half past noon
        ("Jo Bloggs", datetime(2021, 1, 5, 0, 5)),  # 12:05 AM is just after midnight
        ("Kim Lee", datetime(2021, 1, 13, 23, 59)),
    ]
    assert conv.locale is None  # nothing language-specific in the file


def test_ios_brackets_bom_and_direction_marks():
    conv = parse_chat_file(SAMPLES / "ios_en_24h.txt")
    assert conv.format_details["platform"] == "ios"
    assert conv.format_details["byte_order_mark"] == "UTF-8"
    assert conv.format_details["seconds"] is True
    # The chat's name in the sender position of a notice is not a participant.
    assert conv.participants == ["Alex Doe", "Riley"]
    m = conv.messages
    assert (m[0].sender, m[0].kind, m[0].details) == (
        None,
        "system",
        {"event": "encryption_notice", "header_name": "Chat Group"},
    )
    # The notice's direction mark is the export's, not part of the text; it is noted.
    assert m[0].text.startswith("Messages and calls")
    assert m[0].direction_marks_removed == [[0, "U+200E"]]
    assert m[1].details["event"] == "group_created"
    assert (m[2].sender, m[2].timestamp, m[2].text) == (
        "Alex Doe",
        "2022-02-14T20:01:15",
        "Hello there",
    )
    assert (m[3].kind, m[3].text) == ("attachment", "")
    assert m[3].attachments == ("00000012-PHOTO-2022-02-14-20-02-00.jpg",)
    assert (
        m[3].attachment["as_written"] == "\u200e<attached: 00000012-PHOTO-2022-02-14-20-02-00.jpg>"
    )
    assert (m[4].kind, m[4].text) == ("media_omitted", "image omitted")
    assert (m[5].sender, m[5].kind) == ("Alex Doe", "deleted")
    assert (m[6].sender, m[6].kind) == ("Riley", "call")
    assert (m[7].text, m[7].source_lines) == ("Where are you?\nLine two of it", [8, 9])
    assert (m[8].kind, m[8].details) == ("media_omitted", {"file_name": "report.pdf"})
    # The BOM is not part of line 1.
    assert m[0].first_line == 1 and conv.skipped_lines == []


def test_ios_12h_with_narrow_no_break_space():
    conv = parse_chat_file(SAMPLES / "ios_en_12h_narrow_space.txt")
    assert conv.format_details["layout"] == "[MM/DD/YY, HH:MM:SS AM/PM] Name: text"
    assert [(m.sender, m.timestamp, m.kind) for m in conv.messages] == [
        (None, "2023-03-15T21:41:07", "system"),
        ("Taylor", "2023-03-15T21:41:07", "text"),
        ("Morgan", "2023-03-15T21:45:00", "text"),
        ("Taylor", "2023-03-16T00:00:59", "text"),
    ]


def test_german_export():
    conv = parse_chat_file(SAMPLES / "android_de.txt")
    assert conv.locale == "de"
    assert conv.format_details["layout"] == "DD.MM.YY, HH:MM - Name: text"
    assert [(m.sender, m.kind) for m in conv.messages] == [
        (None, "system"),
        (None, "system"),
        (None, "system"),
        ("Uwe", "text"),
        ("Jana", "media_omitted"),
        ("Uwe", "attachment"),
        ("Jana", "deleted"),
        ("Uwe", "text"),
        (None, "system"),
    ]
    m = conv.messages
    assert [x.details["event"] for x in (m[0], m[1], m[2], m[8])] == [
        "encryption_notice",
        "group_created",
        "added",
        "left",
    ]
    assert m[5].attachments == ("IMG-20210115-WA0003.jpg",)
    assert (m[7].text, m[7].edited) == ("Bis morgen", True)
    assert m[0].wall == datetime(2021, 1, 15, 21, 5)


def test_spanish_export_with_a_m_p_m():
    conv = parse_chat_file(SAMPLES / "android_es_12h.txt")
    assert conv.locale == "es"
    assert conv.format_details["clock"] == "12-hour"
    m = conv.messages
    assert [(x.sender, x.timestamp, x.kind) for x in m] == [
        (None, "2024-01-08T09:05", "system"),
        (None, "2024-01-08T09:06", "system"),
        (None, "2024-01-08T09:07", "system"),
        ("Pablo", "2024-01-08T13:05", "text"),
        ("Lucía", "2024-01-08T13:06", "media_omitted"),
        ("Pablo", "2024-01-08T13:07", "attachment"),
        ("Lucía", "2024-01-15T12:10", "deleted"),
        ("Pablo", "2024-01-15T12:11", "text"),
        (None, "2024-01-16T00:30", "system"),
    ]
    assert m[3].text == "Hola\n¿qué tal?"
    assert (m[7].text, m[7].edited) == ("Vale", True)
    assert [x.details["event"] for x in (m[0], m[1], m[2], m[8])] == [
        "encryption_notice",
        "group_created",
        "added",
        "left",
    ]


def test_french_export_without_comma_and_colon_in_group_name():
    conv = parse_chat_file(SAMPLES / "android_fr.txt")
    assert conv.locale == "fr"
    assert conv.format_details["layout"] == "DD/MM/YY HH:MM - Name: text"
    m = conv.messages
    # "Famille : été" has ": " inside the quoted name: still one system line, not a sender.
    assert (m[1].sender, m[1].kind, m[1].text) == (
        None,
        "system",
        "Marie a créé le groupe « Famille : été »",
    )
    assert m[1].details == {"event": "group_created", "actor": "Marie"}
    assert [(x.sender, x.kind) for x in m[3:]] == [
        ("Marie", "text"),
        ("Paul", "attachment"),
        ("Paul", "media_omitted"),
        ("Paul", "deleted"),
        ("Marie", "text"),
        (None, "system"),
    ]
    assert m[4].attachments == ("IMG-20260312-WA0001.jpg",)
    assert (m[7].text, m[7].edited) == ("À demain", True)
    assert m[8].details == {"event": "left", "actor": "Paul"}


def test_ambiguous_dates_are_read_day_first_with_a_warning():
    conv = parse_chat_file(SAMPLES / "ambiguous_dates.txt")
    assert conv.format_details["date_order"] == "day-first"
    assert [w.code for w in conv.warnings] == ["ambiguous_dates"]
    assert "no day above 12" in conv.warnings[0].message
    assert conv.messages[0].wall == datetime(2021, 2, 1, 10, 0)
    # The caller can say otherwise.
    us = parse_chat_file(SAMPLES / "ambiguous_dates.txt", date_order="month-first")
    assert us.messages[0].wall == datetime(2021, 1, 2, 10, 0)
    assert us.warnings == []


def test_ambiguous_dates_prefer_the_reading_that_keeps_them_in_order():
    text = "01/12/2021, 10:00 - Ann: a\n02/12/2021, 10:00 - Ben: b\n03/12/2021, 10:00 - Ann: c\n"
    # Day-first: 1, 2, 3 December. Month-first: 12 January, 12 February, 12 March. Both in
    # order; the tie goes to day-first. Reversed steps make month-first the better reading:
    text2 = "01/02/2021, 10:00 - Ann: a\n02/01/2021, 10:00 - Ben: b\n03/01/2021, 10:00 - Ann: c\n"
    assert parse_chat_bytes(text.encode()).messages[2].wall == datetime(2021, 12, 3, 10)
    conv = parse_chat_bytes(text2.encode())
    assert conv.format_details["date_order"] == "month-first"
    # Month-first: 2 January, 1 February, 1 March. Day-first would go 1 Feb, 2 Jan, 3 Jan.
    assert [m.wall.date().isoformat() for m in conv.messages] == [
        "2021-01-02",
        "2021-02-01",
        "2021-03-01",
    ]
    assert conv.warnings[0].code == "ambiguous_dates"
    assert "month-first it has 0 backward steps, day-first 1" in conv.warnings[0].message


def test_only_a_later_line_decides_the_date_order():
    conv = parse_chat_file(SAMPLES / "late_disambiguation.txt")
    assert conv.format_details["date_order"] == "month-first"
    assert conv.format_details["date_order_basis"] == "line 4 has a second number above 12"
    assert [m.wall.date().isoformat() for m in conv.messages] == [
        "2021-01-02",
        "2021-01-03",
        "2021-01-05",
        "2021-01-20",
    ]
    assert conv.warnings == []


def test_contradicting_date_orders_are_an_error_naming_both_lines():
    text = "13/01/2021, 10:00 - Ann: day first\n01/14/2021, 10:00 - Ben: month first\n"
    with pytest.raises(ChatParseError) as e:
        parse_chat_bytes(text.encode())
    assert e.value.line == 2
    assert "Line 2" in str(e.value) and "line 1" in str(e.value)


def test_out_of_order_lines_are_kept_and_reported():
    conv = parse_chat_file(SAMPLES / "out_of_order.txt")
    assert [m.text for m in conv.messages] == ["one", "two", "three (earlier)", "four"]
    (warning,) = conv.warnings
    assert warning.code == "out_of_order"
    assert warning.lines == [3]
    assert "line 3, after line 2" in warning.message


def test_impossible_time_is_rejected_naming_the_line():
    with pytest.raises(ChatParseError) as e:
        parse_chat_file(SAMPLES / "impossible_time.txt")
    assert e.value.line == 2
    assert str(e.value) == (
        "Line 2: the time '23:59 PM' is impossible: hour 23 on a 12-hour clock with PM."
    )


def test_impossible_date_is_rejected_naming_the_line():
    text = "31/01/2021, 10:00 - Ann: ok\n30/02/2021, 10:00 - Ben: no such day\n"
    with pytest.raises(ChatParseError, match=r"^Line 2: the date '30/02/2021' is impossible"):
        parse_chat_bytes(text.encode())


def test_lines_before_the_first_header_are_listed_not_dropped_and_crlf_is_read():
    conv = parse_chat_file(SAMPLES / "broken_start_crlf.txt")
    assert [(s.line, s.text) for s in conv.skipped_lines] == [
        (1, "this line was typed before the export"),
        (2, "-- and so was this one"),
    ]
    assert [w.code for w in conv.warnings] == ["skipped_lines"]
    assert [(m.sender, m.text, m.source_lines) for m in conv.messages] == [
        ("Ann", "hello", [3]),
        ("Ben", "hi\nthere", [4, 5]),
    ]
    assert conv.format_details["line_endings"] == "CRLF"
    assert conv.line_count == 5


def test_text_is_never_normalized():
    # Decomposed "é" (e + U+0301), a ZWJ emoji sequence and a soft hyphen stay as they are;
    # only the trailing whitespace is moved out, and noted.
    body = "cafe\u0301 \U0001f469\u200d\U0001f467 soft\u00adhyphen  trailing"
    conv = parse_chat_bytes(f"21/06/2021, 14:00 - Ann: {body}  \n".encode())
    assert conv.messages[0].text == body
    assert conv.messages[0].trailing_whitespace == "  "


def test_direction_marks_leave_the_sender_and_the_text_and_are_noted():
    text = "21/06/2021, 14:00 - \u202a+44 7700 900999\u202c: \u200ehello \u2068Bo\u2069!\n"
    conv = parse_chat_bytes(text.encode())
    m = conv.messages[0]
    assert m.sender == "+44 7700 900999"
    assert m.text == "hello Bo!"
    assert m.direction_marks_removed == [[0, "U+200E"], [6, "U+2068"], [8, "U+2069"]]
    assert conv.message_dict(m, 0)["artefacts"] == {
        "direction_marks_removed": [[0, "U+200E"], [6, "U+2068"], [8, "U+2069"]]
    }
    # The original keeps every byte.
    assert conv.source_text(m) == text


def test_header_like_line_of_another_layout_stays_in_the_message_and_is_reported():
    text = (
        "21/06/2021, 14:00 - Ann: pasted:\n"
        "[21/06/2021, 13:00:00] Bob: something Bob said elsewhere\n"
        "21/06/2021, 14:01 - Ben: hm\n"
    )
    conv = parse_chat_bytes(text.encode())
    assert [m.sender for m in conv.messages] == ["Ann", "Ben"]
    assert (
        conv.messages[0].text == "pasted:\n[21/06/2021, 13:00:00] Bob: something Bob said elsewhere"
    )
    assert [(w.code, w.lines) for w in conv.warnings] == [
        ("mixed_header_layouts", []),
        ("header_like_continuation", [2]),
    ]


def test_file_without_final_newline_and_trailing_empty_line():
    conv = parse_chat_bytes(b"21/06/2021, 14:00 - Ann: a\n21/06/2021, 14:01 - Ben: b")
    assert [(m.text, m.source_lines) for m in conv.messages] == [("a", [1]), ("b", [2])]
    conv = parse_chat_bytes(b"21/06/2021, 14:00 - Ann: a\n\n")
    # The empty line after the message is its trailing whitespace, not its text.
    assert [(m.text, m.source_lines) for m in conv.messages] == [("a", [1, 2])]
    assert conv.messages[0].trailing_whitespace == "\n"
    assert conv.line_count == 2


def test_unknown_text_is_refused_naming_the_formats_tried():
    with pytest.raises(UnknownChatFormat) as e:
        parse_chat_bytes(b"Dear diary,\ntoday nothing happened.\n")
    assert e.value.tried == (
        "WhatsApp text export (Android or iOS)",
        "Facebook Messenger JSON (message_N.json)",
        "Instagram JSON (message_N.json)",
        "Telegram Desktop JSON (result.json)",
    )
    assert "Tried: WhatsApp text export (Android or iOS); Facebook Messenger JSON" in str(e.value)
    assert isinstance(e.value, ValueError)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "the file is empty"),
        (b"PK\x03\x04rest of a zip", "it is a ZIP archive"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "binary data"),
        (b"caf\xe9 au lait\n", "not UTF-8 text"),
    ],
)
def test_files_that_are_not_text_are_refused(data, why):
    with pytest.raises(UnknownChatFormat, match=why):
        parse_chat_bytes(data)


def test_invalid_utf8_inside_an_export_names_the_line():
    data = b"21/06/2021, 14:00 - Ann: fine\n" * 3 + b"21/06/2021, 14:01 - Ben: caf\xe9\n"
    with pytest.raises(ChatParseError, match="Line 4 is not valid UTF-8") as e:
        parse_chat_bytes(data)
    assert e.value.line == 4


def test_size_limit_is_configurable_and_says_both_figures():
    data = b"21/06/2021, 14:00 - Ann: hello\n"
    with pytest.raises(
        ChatParseError, match=r"The file is 31 bytes, more than the limit of 10 bytes"
    ):
        parse_chat_bytes(data, max_bytes=10)
    assert len(parse_chat_bytes(data, max_bytes=None).messages) == 1


def test_streaming_gives_the_same_messages(tmp_path):
    path = tmp_path / "chat.txt"
    path.write_bytes((SAMPLES / "android_en_24h_dayfirst.txt").read_bytes())
    streamed = [(m.sender, m.text, m.first_line) for m in iter_whatsapp_messages(path)]
    parsed = [(m.sender, m.text, m.first_line) for m in parse_chat_file(path).messages]
    assert streamed == parsed and len(parsed) == 12


def test_messages_spanning_chunk_boundaries(monkeypatch):
    from drachma.evidence.chats import whatsapp

    monkeypatch.setattr(whatsapp, "CHUNK", 37)
    text = "".join(
        f"21/06/2021, 14:{i:02d} - {'Ann' if i % 2 else 'Ben'}: message {i}"
        + ("\nmore\nand more" if i % 3 == 0 else "")
        + "\n"
        for i in range(40)
    )
    conv = parse_chat_bytes(text.encode())
    assert len(conv.messages) == 40
    assert conv.messages[3].text == "message 3\nmore\nand more"
    assert conv.messages[-1].last_line == conv.line_count == text.count("\n")


def test_timezone_and_dst():
    text = (
        "28/03/2021, 00:30 - Ann: before the change\n"
        "28/03/2021, 01:30 - Ann: in the spring gap\n"
        "31/10/2021, 01:30 - Ben: in the repeated hour\n"
        "01/07/2021, 12:00 - Ben: summer\n"
    )
    conv = parse_chat_bytes(text.encode())
    assert conv.zone_name == "Europe/London" and conv.zone_source == "default"
    assert conv.zone_assumed is True
    d = list(conv.iter_message_dicts())
    assert [x["utc"] for x in d] == [
        "2021-03-28T00:30+00:00",
        "2021-03-28T01:30+00:00",  # does not exist in London: read with GMT, noted
        "2021-10-31T00:30+00:00",  # happens twice: the first (BST) occurrence, noted
        "2021-07-01T11:00+00:00",
    ]
    assert "utc_note" not in d[0] and "utc_note" not in d[3]
    assert d[1]["utc_note"].startswith("nonexistent")
    assert d[2]["utc_note"].startswith("ambiguous")
    assert d[0]["timestamp"] == "2021-03-28T00:30"  # as the export states it, no offset
    madrid = parse_chat_bytes(text.encode(), timezone="Europe/Madrid")
    assert madrid.zone_source == "caller"
    assert madrid.message_dict(madrid.messages[3], 3)["utc"] == "2021-07-01T10:00+00:00"
    with pytest.raises(ValueError, match="Unknown time zone 'Mars/Base'"):
        parse_chat_bytes(text.encode(), timezone="Mars/Base")


@pytest.mark.parametrize(
    ("line", "kind", "attachments", "locale"),
    [
        (
            "\u200e<Anhang: 00000014-PHOTO-2021-01-15-21-05-00.jpg>",
            "attachment",
            ("00000014-PHOTO-2021-01-15-21-05-00.jpg",),
            "de",
        ),
        ("\u200eBild weggelassen", "media_omitted", (), "de"),
        ("\u200eVerpasster Sprachanruf", "call", (), "de"),
        (
            "\u200e<adjunto: 00000015-AUDIO-2021-01-15-21-05-00.opus>",
            "attachment",
            ("00000015-AUDIO-2021-01-15-21-05-00.opus",),
            "es",
        ),
        ("\u200eimagen omitida", "media_omitted", (), "es"),
        ("\u200eLlamada de voz perdida", "call", (), "es"),
        ("\u200eEliminaste este mensaje.", "deleted", (), "es"),
        (
            "\u200e<pièce jointe : 00000016-PHOTO-2021-01-15-21-05-00.jpg>",
            "attachment",
            ("00000016-PHOTO-2021-01-15-21-05-00.jpg",),
            "fr",
        ),
        ("\u200eimage absente", "media_omitted", (), "fr"),
        ("\u200eAppel vidéo manqué", "call", (), "fr"),
        ("\u200eVous avez supprimé ce message", "deleted", (), "fr"),
        ("\u200eVideo call, \u200e12 min", "call", (), "en"),
        ("Video call me later", "text", (), None),
        ("see <attached: notes.pdf> above", "attachment", ("notes.pdf",), "en"),
    ],
)
def test_ios_placeholders_in_four_languages(line, kind, attachments, locale):
    text = f"[15.01.21, 21:05:00] Uwe: {line}\n[15.01.21, 21:06:00] Jana: ok\n"
    conv = parse_chat_bytes(text.encode())
    m = conv.messages[0]
    # Placeholders stay the text (the kind says what they are), without direction marks;
    # attachment markers leave the text.
    if kind == "attachment":
        expected = "see above" if line.startswith("see") else ""
    else:
        expected = line.replace("\u200e", "")
    assert (m.sender, m.kind, m.attachments, m.text) == ("Uwe", kind, attachments, expected)
    assert conv.source_text(m) == f"[15.01.21, 21:05:00] Uwe: {line}\n"
    assert conv.locale == locale


def test_ios_system_lines_in_german():
    text = (
        "[15.01.21, 21:05:00] Treffen: \u200eNachrichten und Anrufe sind Ende-zu-Ende-"
        "verschlüsselt. Niemand außerhalb dieses Chats kann sie lesen oder anhören.\n"
        "[15.01.21, 21:05:00] Treffen: \u200eJana hat die Gruppe „Treffen“ erstellt.\n"
        "[15.01.21, 21:06:00] Jana: Hallo\n"
    )
    conv = parse_chat_bytes(text.encode())
    assert [(m.sender, m.kind, (m.details or {}).get("event")) for m in conv.messages] == [
        (None, "system", "encryption_notice"),
        (None, "system", "group_created"),
        ("Jana", "text", None),
    ]
    assert conv.participants == ["Jana"]
    assert conv.locale == "de"


@pytest.mark.parametrize(
    ("text", "layout", "stamps"),
    [
        (
            "[2021-03-12, 18:01:00] Ann: a\n[2021-03-13, 09:00:05] Ben: b\n",
            "[YYYY-MM-DD, HH:MM:SS] Name: text",
            ["2021-03-12T18:01:00", "2021-03-13T09:00:05"],
        ),
        (
            "12-03-2021 18.01 - Ann: a\n13-03-2021 09.00 - Ben: b\n",
            "DD-MM-YY HH.MM - Name: text",
            ["2021-03-12T18:01", "2021-03-13T09:00"],
        ),
        (
            "3/12/21, 6:01PM - Ann: a\n3/13/21, 9:00AM - Ben: b\n",
            "MM/DD/YY, HH:MM AM/PM - Name: text",
            ["2021-03-12T18:01", "2021-03-13T09:00"],
        ),
        ("22/01/2021 à 15:51 - Ann: a\n", "DD/MM/YY à HH:MM - Name: text", ["2021-01-22T15:51"]),
        ("2022/12/14, 13:34. - Ann: a\n", "YYYY/MM/DD, HH:MM - Name: text", ["2022-12-14T13:34"]),
        (
            "[09/10/22 10:37:00 p.m.] Ann: a\n[13/10/22 10:37:00 a.m.] Ben: b\n",
            "[DD/MM/YY HH:MM:SS AM/PM] Name: text",
            ["2022-10-09T22:37:00", "2022-10-13T10:37:00"],
        ),
    ],
)
def test_other_layouts(text, layout, stamps):
    conv = parse_chat_bytes(text.encode())
    assert conv.format_details["layout"] == layout
    assert [m.timestamp for m in conv.messages] == stamps
    assert [m.sender for m in conv.messages] == ["Ann", "Ben"][: len(stamps)]


def test_half_hour_clock_changes():
    # Lord Howe Island moves its clocks by 30 minutes at 02:00.
    text = (
        "03/10/2021, 01:59 - Ann: before\n"
        "03/10/2021, 02:15 - Ann: in the gap\n"
        "03/10/2021, 02:45 - Ann: after\n"
        "04/04/2021, 01:45 - Ben: repeated half hour\n"
        "13/04/2021, 12:00 - Ben: normal\n"
    )
    conv = parse_chat_bytes(text.encode(), timezone="Australia/Lord_Howe")
    d = list(conv.iter_message_dicts())
    assert [x.get("utc_note", "")[:12] for x in d] == ["", "nonexistent:", "", "ambiguous: 2", ""]
    assert d[0]["utc"] == "2021-10-02T15:29+00:00"  # +10:30
    assert d[2]["utc"] == "2021-10-02T15:45+00:00"  # +11:00
    assert d[4]["utc"] == "2021-04-13T01:30+00:00"  # +10:30
    assert conv.utc_naive()[2] == datetime(2021, 10, 2, 15, 45)
