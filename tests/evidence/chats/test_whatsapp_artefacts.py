"""What the export adds around what people wrote moves out of the text into ``artefacts``; the
original's bytes stay available line by line. One test per artefact and per marker variant."""

import json
from pathlib import Path

import pytest

from drachma.evidence.chats import parse_chat_bytes, parse_chat_file

from .sources import original_bytes

SAMPLES = Path(__file__).parent / "samples"


def first(
    line: str,
    header: str = "21/06/2021, 14:00 - Ann: ",
    after: str = "21/06/2021, 14:05 - Ben: ok",
):
    """The first message of a two-message export whose first message is ``line``."""
    data = f"{header}{line}\n{after}\n".encode()
    conv = parse_chat_bytes(data)
    assert original_bytes(conv) == data
    assert conv.messages[1].text == after.rsplit(": ", 1)[1]
    return conv, conv.messages[0]


def ios_first(line: str, name: str = "Ann"):
    return first(line, f"[21/06/2021, 14:00:00] {name}: ", "[21/06/2021, 14:05:00] Ben: ok")


# -- direction marks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "text", "marks"),
    [
        # U+200E before iOS notices and placeholders.
        ("\u200eimage omitted", "image omitted", [[0, "U+200E"]]),
        # U+202A ... U+202C around a phone number.
        (
            "call \u202a+44 7700 900123\u202c now",
            "call +44 7700 900123 now",
            [[5, "U+202A"], [20, "U+202C"]],
        ),
        # U+2068 ... U+2069 around a mentioned name.
        (
            "@\u2068Sam Hunter\u2069 are you in?",
            "@Sam Hunter are you in?",
            [[1, "U+2068"], [11, "U+2069"]],
        ),
        # Right-to-left marks and the Arabic letter mark.
        ("\u200fשלום\u061c!", "שלום!", [[0, "U+200F"], [4, "U+061C"]]),
        ("two\u200e\u200e together", "two together", [[3, "U+200E"], [3, "U+200E"]]),
    ],
)
def test_direction_marks_move_out_of_the_text_with_their_positions(line, text, marks):
    conv, m = first(line)
    assert m.text == text
    assert m.direction_marks_removed == marks
    # Putting each mark back at its position gives the line as written.
    rebuilt = m.text
    for position, mark in reversed(marks):
        rebuilt = rebuilt[:position] + chr(int(mark[2:], 16)) + rebuilt[position:]
    assert rebuilt == line


def test_marks_are_removed_from_system_lines_too():
    conv, m = first(
        "\u202a+44 7700 900123\u202c joined using this group's invite link", "21/06/2021, 14:00 - "
    )
    assert (m.sender, m.kind, m.text) == (
        None,
        "system",
        "+44 7700 900123 joined using this group's invite link",
    )
    assert m.details == {"event": "joined", "actor": "+44 7700 900123"}
    assert m.direction_marks_removed == [[0, "U+202A"], [15, "U+202C"]]


# -- attachment markers ------------------------------------------------------------------------


def test_android_attachment_line_leaves_the_caption_as_the_text():
    # WhatsR inst/englishandroid24h.txt, whatsapp-chat-parser issue #231.
    data = (
        "21/06/2021, 14:00 - Ann: IMG-20210621-WA0001.jpg (file attached)\n"
        "the gate\n"
        "at night\n"
        "21/06/2021, 14:01 - Ann: PTT-20210621-WA0002.opus (Datei angehängt)\n"
    ).encode()
    conv = parse_chat_bytes(data)
    photo, voice = conv.messages
    assert (photo.kind, photo.text, photo.attachments) == (
        "attachment",
        "the gate\nat night",
        ("IMG-20210621-WA0001.jpg",),
    )
    assert photo.attachment == {
        "file_name": "IMG-20210621-WA0001.jpg",
        "words": "file attached",
        "as_written": "IMG-20210621-WA0001.jpg (file attached)",
    }
    assert (voice.text, voice.attachment["words"]) == ("", "Datei angehängt")
    assert original_bytes(conv) == data


@pytest.mark.parametrize(
    ("line", "file_name", "words"),
    [
        # WhatsR inst/englishios24h.txt; with U+200E before it in newer exports.
        (
            "\u200e<attached: 00000012-PHOTO-2022-02-14-20-02-00.jpg>",
            "00000012-PHOTO-2022-02-14-20-02-00.jpg",
            "attached",
        ),
        # whatsapp-chat-parser tests/parser.test.ts: spaces inside the brackets.
        (
            "< attached: 00000042-PHOTO-2020-06-07-15-13-20.jpg >",
            "00000042-PHOTO-2020-06-07-15-13-20.jpg",
            "attached",
        ),
        # WhatsR inst/germanios24h.txt.
        ("<angehängt: PTT-20180129-WA0025.opus>", "PTT-20180129-WA0025.opus", "angehängt"),
        ("\u200e<pièce jointe : 00000016-PHOTO.jpg>", "00000016-PHOTO.jpg", "pièce jointe"),
    ],
)
def test_ios_attachment_marker_is_not_text(line, file_name, words):
    conv, m = ios_first(line)
    assert (m.kind, m.text, m.attachments) == ("attachment", "", (file_name,))
    assert m.attachment == {"file_name": file_name, "words": words, "as_written": line}


def test_ios_document_description_goes_with_its_marker():
    # mazen160/whatsapp-chat-parser pull request #3.
    line = "Loan statement.pdf \u2022 14 pages \u200e<attached: 00000002-Loan statement.pdf>"
    conv, m = ios_first(line, "Mycorporation")
    assert (m.kind, m.text, m.attachments) == ("attachment", "", ("00000002-Loan statement.pdf",))
    assert m.attachment == {
        "file_name": "00000002-Loan statement.pdf",
        "words": "attached",
        "document": "Loan statement.pdf \u2022 14 pages",
        "as_written": line,
    }


def test_words_around_an_ios_marker_stay_text():
    conv, m = ios_first("look \u200e<attached: 00000003-PHOTO.jpg>\nat this")
    assert (m.kind, m.text) == ("attachment", "look\nat this")
    assert m.attachment["as_written"] == " \u200e<attached: 00000003-PHOTO.jpg>"


# -- the edit marker ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "text", "marker"),
    [
        ("See you at 5 <This message was edited>", "See you at 5", " <This message was edited>"),
        # iOS: a direction mark and a final period.
        (
            "See you at 5 \u200e<This message was edited.>",
            "See you at 5",
            " \u200e<This message was edited.>",
        ),
        (
            "Bis morgen <Diese Nachricht wurde bearbeitet.>",
            "Bis morgen",
            " <Diese Nachricht wurde bearbeitet.>",
        ),
        ("Vale <Se editó este mensaje.>", "Vale", " <Se editó este mensaje.>"),
        ("À demain <Ce message a été modifié>", "À demain", " <Ce message a été modifié>"),
        (
            "two lines\nof it <This message was edited>",
            "two lines\nof it",
            " <This message was edited>",
        ),
    ],
)
def test_edit_marker_moves_out_of_the_text(line, text, marker):
    conv, m = first(line)
    assert (m.text, m.edited, m.edited_marker) == (text, True, marker)


def test_edit_marker_typed_inside_a_message_is_text():
    conv, m = first("it said <This message was edited> at the end, odd")
    assert (m.text, m.edited, m.artefacts) == (
        "it said <This message was edited> at the end, odd",
        False,
        None,
    )


# -- trailing whitespace -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "text", "trailing"),
    [
        ("hello  ", "hello", "  "),
        ("hello\u00a0\u202f", "hello", "\u00a0\u202f"),
        ("hello\n\n", "hello", "\n\n"),
        # A direction mark among the trailing spaces goes too (marks first, then whitespace).
        ("hello \u200e ", "hello", "  "),
    ],
)
def test_trailing_whitespace_moves_out_of_the_text(line, text, trailing):
    conv, m = first(line)
    assert (m.text, m.trailing_whitespace) == (text, trailing)


def test_leading_whitespace_is_what_was_typed():
    conv, m = first("  indented")
    assert (m.text, m.artefacts) == ("  indented", None)


def test_only_whitespace_is_an_empty_message():
    conv, m = first("   ")
    assert (m.kind, m.text, m.trailing_whitespace) == ("empty", "", "   ")


# -- empty bodies ------------------------------------------------------------------------------


def test_sender_with_nothing_after_the_colon_is_an_empty_message():
    # WhatsR inst/englishios24h.txt: "Carol:" for a self-deleting photo.
    conv = parse_chat_bytes(b"[1/29/18, 23:59:03] Carol:\n[1/29/18, 23:59:09] Bob: ok\n")
    m = conv.messages[0]
    assert (m.sender, m.kind, m.text, m.artefacts) == ("Carol", "empty", "", None)


def test_sender_colon_period_is_an_empty_message_with_its_marker():
    # chat-miner test/whatsapp/test_mmddyyyy_12hrs.txt, issue #92.
    conv = parse_chat_bytes(
        b"01/20/2019, 11:23 a. m. - John Doe:.\n01/20/2019, 11:24 a. m. - Jo: hi\n"
    )
    m = conv.messages[0]
    assert (m.sender, m.kind, m.text) == ("John Doe", "empty", "")
    assert m.artefacts == {"empty_body_marker": "."}
    assert conv.participants == ["John Doe", "Jo"]


# -- notices -----------------------------------------------------------------------------------


def test_ios_notices_whose_subject_is_a_phone_number_are_attributed_system_lines():
    data = (
        "[12/03/2021, 18:01:07] Park watch: \u200eMessages and calls are end-to-end encrypted. "
        "No one outside of this chat, not even WhatsApp, can read or listen to them.\n"
        "[12/03/2021, 18:02:00] \u202a+44 7700 900123\u202c: \u202a+44 7700 900123\u202c joined "
        "using this group's invite link\n"
        "[12/03/2021, 18:03:00] Park watch: \u200e\u202a+44 7700 900124\u202c left\n"
        "[12/03/2021, 18:04:00] \u202a+44 7700 900125\u202c: \u200e\u202a+44 7700 900125\u202c "
        "changed their phone number to a new number. Tap to message or add the new number.\n"
        "[12/03/2021, 18:05:00] \u202a+44 7700 900123\u202c: hi all\n"
    ).encode()
    conv = parse_chat_bytes(data)
    notice, joined, left, changed, hi = conv.messages
    assert [m.kind for m in (notice, joined, left, changed)] == ["system"] * 4
    assert [m.sender for m in (notice, joined, left, changed)] == [None] * 4
    assert joined.details == {
        "event": "joined",
        "actor": "+44 7700 900123",
        "header_name": "+44 7700 900123",
    }
    assert joined.text == "+44 7700 900123 joined using this group's invite link"
    assert left.details == {
        "event": "left",
        "actor": "+44 7700 900124",
        "header_name": "Park watch",
    }
    assert changed.details["event"] == "number_changed"
    assert changed.details["actor"] == "+44 7700 900125"
    # Only what someone wrote makes a participant; the numbers in notices do not.
    assert (hi.sender, hi.kind) == ("+44 7700 900123", "text")
    assert conv.participants == ["+44 7700 900123"]
    assert original_bytes(conv) == data


def test_one_to_one_ios_chat_named_by_a_number_keeps_the_number_out_of_the_participants():
    data = (
        "[12/03/2021, 18:01:07] +44 7700 900123: \u200eMessages and calls are end-to-end "
        "encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.\n"
        "[12/03/2021, 18:02:00] Sam: hello?\n"
    ).encode()
    conv = parse_chat_bytes(data)
    assert conv.messages[0].details == {
        "event": "encryption_notice",
        "header_name": "+44 7700 900123",
    }
    assert conv.participants == ["Sam"]


def test_typed_words_shaped_like_a_notice_stay_a_message():
    conv, m = ios_first("Sam left")
    assert (m.sender, m.kind) == ("Ann", "text")


def test_community_notice_with_a_colon_is_one_system_line():
    # whatstk issue #147.
    data = (
        b"04/03/2024, 22:29 - +1 555 0104 added you to a group in the community: Street 1\n"
        b"07/03/2024, 12:12 - +1 555 0109 joined from the community\n"
        b"16/03/2024, 09:10 - +1 555 0103: Hey everyone\n"
    )
    conv = parse_chat_bytes(data)
    added, joined, hey = conv.messages
    assert (added.sender, added.kind, added.text) == (
        None,
        "system",
        "+1 555 0104 added you to a group in the community: Street 1",
    )
    assert added.details == {"event": "added", "actor": "+1 555 0104"}
    assert joined.details == {"event": "joined", "actor": "+1 555 0109"}
    assert conv.participants == ["+1 555 0103"]


@pytest.mark.parametrize(
    ("line", "event"),
    [
        ("Du hast die Gruppe erstellt.", "group_created"),  # WhatsR issue #33
        ("Priya left the group", "left"),  # WhatsR inst/Languages.csv
        ("Priya, Sam were added", "added"),
        ("Alice started a video call", "call_started"),  # WhatsR inst/Languages.csv
        ("Alice hat einen Anruf gestartet.", "call_started"),
    ],
)
def test_more_notice_wordings(line, event):
    conv, m = first(line, "21/06/2021, 14:00 - ")
    assert (m.kind, m.details["event"]) == ("system", event)


@pytest.mark.parametrize(
    ("line", "locale"),
    [
        ("<Media omitted>", "en"),
        ("<media omitted>", "en"),  # chat-analytics tests/samples/whatsapp/2A_5M.txt
        ("<image omitted>", "en"),
        ("<Medien ausgeschlossen>", "de"),
        ("<media omessi>", "it"),  # chat-analytics pipeline/parse/parsers/WhatsApp.ts
        ("<Mídia omitida>", "pt"),
        ("<без медиафайлов>", "ru"),
        ("< Média vynechána >", "cs"),
        ("Message deleted", "en"),  # WhatsR inst/Languages.csv
    ],
)
def test_media_and_deletion_placeholders_in_many_languages(line, locale):
    conv, m = first(line)
    assert m.kind == ("deleted" if "deleted" in line else "media_omitted")
    assert m.text == line
    assert conv.locale == locale


# -- the source ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", sorted(p.name for p in SAMPLES.glob("*.txt") if "impossible" not in p.name)
)
def test_joining_the_source_lines_gives_back_every_sample_byte_for_byte(name):
    data = (SAMPLES / name).read_bytes()
    conv = parse_chat_file(SAMPLES / name)
    assert original_bytes(conv) == data


def test_source_of_a_utf16_export_gives_back_its_bytes():
    text = "\ufeff21/06/2021, 14:00 - Ann: \u200ehello\r\n21/06/2021, 14:01 - Ben: caf\u00e9\r\n"
    for codec in ("utf-16-le", "utf-16-be"):
        data = text.encode(codec)
        conv = parse_chat_bytes(data)
        assert [m.text for m in conv.messages] == ["hello", "caf\u00e9"]
        assert original_bytes(conv) == data
        assert conv.source_text(conv.messages[0]) == "21/06/2021, 14:00 - Ann: \u200ehello\r\n"


def test_message_json_shows_the_artefacts_and_on_request_the_source():
    conv = parse_chat_file(SAMPLES / "ios_en_24h.txt")
    m = conv.messages[3]
    d = conv.message_dict(m, 3, source=True)
    assert d["text"] == ""
    assert d["artefacts"] == {
        "attachment_markers": [
            {
                "file_name": "00000012-PHOTO-2022-02-14-20-02-00.jpg",
                "words": "attached",
                "as_written": "\u200e<attached: 00000012-PHOTO-2022-02-14-20-02-00.jpg>",
            }
        ]
    }
    assert d["source"] == (
        "[14/02/2022, 20:02:00] Riley: \u200e<attached: 00000012-PHOTO-2022-02-14-20-02-00.jpg>\n"
    )
    assert "source" not in conv.message_dict(m, 3)
    assert "artefacts" not in conv.message_dict(conv.messages[2], 2)
    json.dumps(conv.to_dict(source=True))


def test_a_conversation_without_its_file_says_so():
    from drachma.evidence.chats import whatsapp

    conv = whatsapp.parse(
        lambda: __import__("io").BytesIO(b"21/06/2021, 14:00 - Ann: hi\n"),
        zone_name="Europe/London",
        zone_source="default",
    )
    with pytest.raises(ValueError, match="built without its original file"):
        conv.source_bytes(conv.messages[0])
