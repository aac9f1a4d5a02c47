"""Every WhatsApp header layout collected from real exports (the fixtures table variants.py):
one small sample export each, written in that layout, read to the expected messages."""

from pathlib import Path

import pytest

from drachma.evidence.chats import (
    ChatParseError,
    UnknownChatFormat,
    parse_chat_bytes,
    parse_chat_file,
    whatsapp_strings,
)

from . import variants as S
from .sources import original_bytes

VARIANTS = Path(__file__).parent / "samples" / "variants"
E2E = (
    "Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
    "WhatsApp, can read or listen to them."
)

# (sender, timestamp as stated, kind, text) of every message of each sample.
EXPECTED = {
    "android_dmy_long_year": [
        (
            None,
            "2017-03-06T00:45",
            "system",
            "Messages to this group are now secured with end-to-end encryption. Tap for more info.",
        ),
        (None, "2017-03-06T00:45", "system", 'You created group "Allotment"'),
        ("Dee Rowe", "2017-03-06T00:46", "text", "The shed key is under the pot"),
        ("+44 7700 900456", "2017-03-18T09:12", "text", "Which pot?\nThere are six"),
    ],
    "android_dmy_short_year": [
        ("Ade", "2019-01-01T11:25", "text", "Happy new year"),
        ("Bea", "2019-01-20T11:23", "text", "And to you"),
        ("Ade", "2019-01-30T20:49", "text", "Back at work?\nSame here"),
    ],
    "android_dmy_seconds": [
        ("Cal", "2021-10-21T15:21:45", "text", "Parcel arrived"),
        ("Dot", "2021-10-22T15:21:46", "text", "Good"),  # the blank line after it: whitespace
        ("Cal", "2021-10-23T15:21:47", "text", "Signed for it"),
    ],
    "android_mdy_24h": [
        (None, "2018-01-29T12:24", "system", 'You created group "Book club"'),
        ("Eli", "2018-01-29T23:33", "text", "Chapter 3 tonight?"),
        ("Fay", "2018-01-30T00:02", "text", "Yes"),
    ],
    "android_mdy_12h": [
        ("Eli", "2018-01-29T23:33", "text", "Running late"),
        ("Fay", "2018-01-30T00:02", "text", "No rush"),
    ],
    "android_12h_narrow_space": [
        (None, "2023-01-04T19:02", "system", E2E + " Tap to learn more."),
        ("Gil", "2023-02-04T22:35", "text", "Is it 4:30 or 6?"),
        ("Hal", "2023-02-14T22:36", "text", "6"),
    ],
    "android_12h_lower_case": [
        ("+44 7123 456789", "2023-10-09T11:11", "media_omitted", "<Media omitted>"),
        ("+44 7123 456789", "2023-10-19T12:57", "text", "Got the photos?"),
    ],
    "android_dots_24h": [
        (None, "2018-01-29T12:24", "system", 'Du hast die Gruppe "Lesekreis" erstellt.'),
        ("Ida", "2018-01-29T23:33", "text", "Ist das hier der Verlauf?"),
        ("Jan", "2018-01-30T00:02", "text", "Ja"),
    ],
    "android_dots_12h": [
        ("Ida", "2018-01-29T23:33", "text", "Schon spät"),
        ("Jan", "2018-01-30T00:02", "text", "Gute Nacht"),
    ],
    "android_year_first": [
        ("Kai", "2019-01-01T11:25", "text", "First of the year"),
        ("Lou", "2019-01-30T20:49", "text", "Last of the month"),
    ],
    "android_year_first_dot_after_time": [
        ("Kai", "2022-12-14T13:34", "text", "Dot after the time"),
        ("Lou", "2022-12-24T11:33", "text", "Still there"),
    ],
    "android_no_comma_dotted_am_pm": [
        ("Max", "2019-09-24T23:30", "text", "Late shift"),
        ("Ned", "2019-11-27T21:30", "text", "Same"),
    ],
    "android_no_comma_no_break_space_am_pm": [
        ("Ola", "2017-06-20T20:28", "text", "prueba"),
        ("Pia", "2017-06-21T09:15", "text", "recibido"),
    ],
    "android_spaced_am_pm_hour_zero": [
        ("Quin", "2020-06-10T15:55", "text", "Before midnight"),
        ("Quin", "2020-06-20T00:08", "text", "Just after midnight"),
        ("Rae", "2020-06-30T12:10", "text", "Midday"),
    ],
    "android_seconds_dotted_am_pm": [
        ("Sol", "2022-10-09T22:37:00", "text", "Evening"),
        ("Tam", "2022-10-19T10:37:00", "text", "Morning"),
    ],
    "android_dashes_seconds": [
        ("Sol", "2022-10-09T22:37:00", "text", "Evening"),
        ("Tam", "2022-10-19T10:37:00", "text", "Morning"),
    ],
    "android_dashes_dot_in_time": [
        ("Uma", "2018-06-03T13:55", "text", "Lunch done"),
        ("Val", "2018-06-13T13:55", "text", "Again"),
    ],
    "android_finnish_klo": [
        ("Wes", "2018-06-13T21:25:15", "text", "Hei"),
        ("Xia", "2018-06-14T08:01:02", "text", "Moi"),
    ],
    "android_french_a": [
        ("Yan", "2021-01-22T15:51", "text", "Je pars"),
        ("Zoé", "2021-01-23T09:05", "text", "Bien arrivé ?"),
    ],
    "spaced_dots_no_separator": [
        ("Ana", "2018-06-13T21:25:15", "text", "Dobrý večer"),
        ("Bo", "2018-06-14T08:00:00", "text", "Dobré ráno"),
    ],
    "old_ios_colon": [
        (None, "2013-08-06T19:55:10", "system", "You changed the subject to “Trip”"),
        ("Cy", "2013-08-06T19:55:38", "attachment", ""),
        ("Cy", "2013-08-13T12:53:24", "text", "The view from the top"),
    ],
    "stray_byte_order_mark": [
        ("Dan", "2021-03-12T18:05", "text", "First"),
        ("Eve", "2021-03-12T18:06", "text", "Second"),
        ("Dan", "2021-03-13T09:00", "text", "Third"),
    ],
    "ios_dmy_24h": [
        (None, "2022-02-28T21:52:58", "system", E2E),
        (None, "2022-02-28T21:52:58", "system", "~\u202fAK created this group"),
        (None, "2023-01-17T10:14:01", "system", "You joined using this group's invite link"),
        ("~\u202fAK", "2023-01-17T10:14:09", "text", "12 litres"),
    ],
    "ios_dmy_12h": [
        (None, "2022-02-28T21:52:58", "system", E2E),
        (None, "2022-02-28T21:52:58", "system", "~ AK created this group"),
        ("Fox", "2023-01-17T10:14:09", "text", "Morning all"),
    ],
    "ios_mdy_24h": [
        (None, "2018-01-29T12:24:03", "system", E2E + " Tap to learn more."),
        (None, "2018-01-29T12:24:05", "system", 'You created group "Parser test"'),
        ("Gus", "2018-01-29T23:46:03", "attachment", ""),
        ("Hue", "2018-01-29T23:59:03", "empty", ""),
    ],
    "ios_mdy_12h": [
        ("Ivy", "2017-07-11T20:20:41", "text", "bla bla"),
        ("Jon", "2017-07-13T08:21:00", "text", "ok"),
    ],
    "ios_12h_narrow_space": [
        ("Kit", "2023-03-15T21:41:07", "text", "you there?"),
        ("Lee", "2023-03-16T00:00:59", "text", "gtg"),
    ],
    "ios_12h_thin_space": [
        ("Mo", "2021-10-14T15:34:09", "text", "maths homework\nquestion 4"),
        ("Nia", "2021-10-14T15:40:00", "text", "done"),
    ],
    "ios_dots_24h": [
        (None, "2024-08-14T21:00:10", "system", E2E),
        (None, "2024-08-14T21:00:10", "system", "Boris created group “Dorfgruppe”"),
        (None, "2024-08-14T21:00:11", "system", "Boris added you"),
        (None, "2024-08-14T21:01:57", "system", "You're now an admin"),
        ("Boris", "2024-08-14T21:02:30", "text", "Hallo zusammen"),
    ],
    "ios_dots_12h": [
        ("Ida", "2018-01-29T23:33:03", "text", "Schon spät"),
        ("Jan", "2018-01-30T00:02:03", "attachment", ""),
    ],
    "ios_mdy_dots": [
        ("Oli", "2021-10-21T15:21:45", "text", "one"),
        ("Pat", "2021-10-24T15:21:48", "text", "two\nthree"),
    ],
    "ios_dots_no_comma": [
        ("Quy", "2018-06-13T21:25:15", "text", "message"),
        ("Ros", "2018-06-14T07:00:00", "text", "reply"),
    ],
    "ios_no_comma_dotted_am_pm": [
        ("Sam", "2022-10-09T23:37:00", "text", "night"),
        ("Tia", "2022-10-13T10:37:00", "text", "day"),
    ],
    "ios_spaced_am_pm_mark_before_bracket": [
        ("Uli", "2018-06-13T13:55:00", "media_omitted", "image omitted"),
        ("Uli", "2018-06-13T13:56:00", "text", "nice"),
    ],
    "ios_year_first": [
        ("Vic", "2018-06-13T21:25:15", "text", "one"),
        ("Wyn", "2018-06-14T09:00:00", "text", "two"),
    ],
    "ios_mdy_dashes": [
        ("Xan", "2018-01-29T23:33:00", "text", "Hello?"),
        ("Yul", "2018-01-29T23:45:01", "text", "Hello"),
    ],
    "ios_dashes_crlf_between_messages": [
        ("Bob", "2020-01-22T10:00:00", "text", "This is spread\nover two lines"),
        ("Ali", "2020-01-22T10:01:00", "text", "next"),
    ],
}


def test_every_variant_has_its_provenance_a_sample_and_expected_messages():
    keys = [v.key for v in S.HEADER_VARIANTS]
    assert len(keys) == len(set(keys))
    assert set(keys) == set(EXPECTED)
    on_disk = {p.stem for p in VARIANTS.glob("*.txt")}
    refused = {f"refused_{v.key}" for v in S.REFUSED_HEADERS}
    assert on_disk == set(keys) | refused
    for variant in (*S.HEADER_VARIANTS, *S.REFUSED_HEADERS):
        assert variant.seen_in and all(variant.seen_in), variant.key


@pytest.mark.parametrize("variant", S.HEADER_VARIANTS, ids=lambda v: v.key)
def test_header_variant(variant):
    path = VARIANTS / f"{variant.key}.txt"
    data = path.read_bytes()
    # The catalogue's example header is read in the layout it names.
    example = parse_chat_bytes(f"{variant.example}Ann: x\n".encode())
    assert example.format_details["layout"] == variant.layout
    conv = parse_chat_file(path)
    assert conv.format == "whatsapp"
    assert conv.format_details["layout"] == variant.layout
    assert [(m.sender, m.timestamp, m.kind, m.text) for m in conv.messages] == EXPECTED[variant.key]
    assert conv.skipped_lines == []
    assert [w.code for w in conv.warnings] == []
    # Nothing is lost: the messages' source lines give back the file, byte for byte.
    assert original_bytes(conv) == data


def test_ios_notices_are_system_lines_attributed_to_who_did_them():
    conv = parse_chat_file(VARIANTS / "ios_dots_24h.txt")
    m = conv.messages
    assert [x.details for x in m[:4]] == [
        {"event": "encryption_notice", "header_name": "Dorfgruppe"},
        {"event": "group_created", "actor": "Boris", "header_name": "Boris"},
        {"event": "added", "actor": "Boris", "header_name": "Dorfgruppe"},
        {"event": "admin", "header_name": "Dorfgruppe"},
    ]
    # The chat's name is not a participant; Boris is, for what he wrote.
    assert conv.participants == ["Boris"]
    # A notice about the named person needs no direction mark (whatstk issue #135).
    conv = parse_chat_file(VARIANTS / "ios_dmy_12h.txt")
    assert conv.messages[1].details == {
        "event": "group_created",
        "actor": "~ AK",
        "header_name": "~ AK",
    }
    assert conv.participants == ["Fox"]


def test_old_ios_attachment_marker_leaves_the_text():
    conv = parse_chat_file(VARIANTS / "old_ios_colon.txt")
    m = conv.messages[1]
    assert m.attachments == ("2013-08-06-PHOTO-00000006.jpg",)
    assert m.attachment == {
        "file_name": "2013-08-06-PHOTO-00000006.jpg",
        "words": "attached",
        "as_written": "2013-08-06-PHOTO-00000006.jpg <attached>",
    }


def test_a_blank_line_between_messages_is_the_first_ones_trailing_whitespace():
    conv = parse_chat_file(VARIANTS / "android_dmy_seconds.txt")
    dot = conv.messages[1]
    assert (dot.text, dot.trailing_whitespace, dot.source_lines) == ("Good", "\n", [2, 3])


def test_crlf_after_messages_and_lf_inside_them_are_kept_in_the_source():
    conv = parse_chat_file(VARIANTS / "ios_dashes_crlf_between_messages.txt")
    bob = conv.messages[0]
    assert conv.source_bytes(bob) == b"[22-01-20 10:00:00] Bob: This is spread\nover two lines\r\n"
    assert conv.format_details["line_endings"] == "CRLF"


def test_header_with_the_year_in_the_middle_is_refused_naming_the_layouts_tried():
    with pytest.raises(UnknownChatFormat) as e:
        parse_chat_file(VARIANTS / "refused_year_in_the_middle.txt")
    message = str(e.value)
    assert message.startswith(
        "This is not a chat export Drachma can read: line 1 starts like a message header "
        "('[06/2018/13, 21:25:15] Vic: one') but matches none of the WhatsApp header layouts "
        "Drachma knows (31/12/2020, 23:59 - Name: text"
    )
    assert e.value.header_layouts_tried == whatsapp_strings.HEADER_SHAPES
    for shape in whatsapp_strings.HEADER_SHAPES:
        assert shape in message
    assert "Tried: WhatsApp text export (Android or iOS)" in message


def test_impossible_time_in_a_collected_sample_is_refused_naming_the_line():
    with pytest.raises(ChatParseError) as e:
        parse_chat_file(VARIANTS / "refused_hour_above_12_with_pm.txt")
    assert e.value.line == 2
    assert "the time '23:59 PM' is impossible" in str(e.value)


HEADERS = {"android": "12/03/2021, 18:06 - Sam: ", "ios": "[12/03/2021, 18:06:01] Sam: "}


def test_every_marker_variant_has_its_provenance():
    keys = [v.key for v in S.MARKER_VARIANTS]
    assert len(keys) == len(set(keys))
    for variant in S.MARKER_VARIANTS:
        assert variant.seen_in and all(variant.seen_in), variant.key


@pytest.mark.parametrize("variant", S.MARKER_VARIANTS, ids=lambda v: v.key)
def test_marker_variant(variant):
    data = (HEADERS[variant.header] + variant.body + "\n").encode()
    conv = parse_chat_bytes(data)
    (m,) = conv.messages
    assert (m.sender, m.kind, m.text) == ("Sam", variant.kind, variant.text)
    if variant.artefact is None:
        assert m.artefacts is None
    else:
        assert variant.artefact in (m.artefacts or {})
    assert original_bytes(conv) == data
