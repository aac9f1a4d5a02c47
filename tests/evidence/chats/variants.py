"""The fixtures table of WhatsApp message-header layouts seen in real exports, each with the
repository and path (or issue) it was collected from: the public test suites and issue trackers
of whatstk, chat-miner, WhatsR, chat-analytics and whatsapp-chat-parser (and a few other
parsers' issues). ``test_whatsapp_variants`` reads one sample export per layout
(``samples/variants/<key>.txt``); ``REFUSED_HEADERS`` are collected headers Drachma refuses."""

from dataclasses import dataclass


@dataclass(frozen=True)
class HeaderVariant:
    """One message-header layout seen in real exports.

    ``example`` is a header in that layout (with its invisible characters),
    ``layout`` how Drachma describes it (``format_details["layout"]``), ``seen_in`` where it was
    collected. ``key`` names the sample export ``samples/variants/<key>.txt`` in the tests.
    """

    key: str
    example: str
    layout: str
    seen_in: tuple[str, ...]
    note: str = ""


_PUSTUR = "Pustur/whatsapp-chat-parser"
_MINER = "joweich/chat-miner"
_WHATSR = "gesiscss/WhatsR"
_WHATSTK = "lucasrodes/whatstk"
_ANALYTICS = "mlomb/chat-analytics"

HEADER_VARIANTS = (
    # Android: "date, time - Name: text"; the system lines have no "Name: ".
    HeaderVariant(
        "android_dmy_long_year",
        "06/03/2017, 00:45 - ",
        "DD/MM/YY, HH:MM - Name: text",
        (f"{_PUSTUR} samples/short-chat.txt",),
    ),
    HeaderVariant(
        "android_dmy_short_year",
        "30/01/19, 20:49 - ",
        "DD/MM/YY, HH:MM - Name: text",
        (f"{_MINER} test/whatsapp/test_ddmmyy_24hrs.txt",),
    ),
    HeaderVariant(
        "android_dmy_seconds",
        "21/10/21, 15:21:45 - ",
        "DD/MM/YY, HH:MM:SS - Name: text",
        (f"{_MINER} test/whatsapp/test_dateformat6.txt",),
        "that file also has a blank line between two messages",
    ),
    HeaderVariant(
        "android_mdy_24h",
        "1/29/18, 23:33 - ",
        "MM/DD/YY, HH:MM - Name: text",
        (
            f"{_WHATSR} inst/englishandroid24h.txt",
            f"{_ANALYTICS} tests/samples/whatsapp/4A_11M.txt",
            f"{_MINER} test/whatsapp/test_dateformat1.txt",
        ),
    ),
    HeaderVariant(
        "android_mdy_12h",
        "1/29/18, 11:33 PM - ",
        "MM/DD/YY, HH:MM AM/PM - Name: text",
        (f"{_WHATSR} inst/englishandroidampm.txt", f"{_MINER} issue #66"),
    ),
    HeaderVariant(
        "android_12h_narrow_space",
        "2/14/23, 10:35\u202fPM - ",
        "MM/DD/YY, HH:MM AM/PM - Name: text",
        (f"{_PUSTUR} issue #248",),
        "U+202F (narrow no-break space) before PM, Android since 2023",
    ),
    HeaderVariant(
        "android_12h_lower_case",
        "19/10/2023, 12:57\u202fpm - ",
        "DD/MM/YY, HH:MM AM/PM - Name: text",
        (f"{_WHATSTK} issue #140",),
    ),
    HeaderVariant(
        "android_dots_24h",
        "29.01.18, 23:33 - ",
        "DD.MM.YY, HH:MM - Name: text",
        (f"{_WHATSR} inst/germanandroid24h.txt",),
    ),
    HeaderVariant(
        "android_dots_12h",
        "29.01.18, 11:33 PM - ",
        "DD.MM.YY, HH:MM AM/PM - Name: text",
        (f"{_WHATSR} inst/germanandroidampm.txt",),
    ),
    HeaderVariant(
        "android_year_first",
        "2019/01/30, 20:49 - ",
        "YYYY/MM/DD, HH:MM - Name: text",
        (f"{_MINER} test/whatsapp/test_yyyymmdd_24hrs.txt",),
    ),
    HeaderVariant(
        "android_year_first_dot_after_time",
        "2022/12/14, 13:34. - ",
        "YYYY/MM/DD, HH:MM - Name: text",
        (f"{_MINER} test/whatsapp/test_dateformat3.txt",),
    ),
    HeaderVariant(
        "android_no_comma_dotted_am_pm",
        "11/27/2019 9:30 p. m. - ",
        "MM/DD/YY HH:MM AM/PM - Name: text",
        (f"{_MINER} test/whatsapp/test_dateformat2.txt",),
    ),
    HeaderVariant(
        "android_no_comma_no_break_space_am_pm",
        "20/6/2017 8:28 p.\u00a0m. - ",
        "DD/MM/YY HH:MM AM/PM - Name: text",
        (f"{_PUSTUR} issue #224",),
    ),
    HeaderVariant(
        "android_spaced_am_pm_hour_zero",
        "06/20/2020, 00:08 a. m. - ",
        "MM/DD/YY, HH:MM AM/PM - Name: text",
        (f"{_MINER} test/whatsapp/test_mmddyyyy_12hrs.txt",),
        "hour 00 with a. m. is read as just after midnight",
    ),
    HeaderVariant(
        "android_seconds_dotted_am_pm",
        "19/10/22 10:37:00 p.m. - ",
        "DD/MM/YY HH:MM:SS AM/PM - Name: text",
        (f"{_MINER} test/whatsapp/testlog.txt",),
    ),
    HeaderVariant(
        "android_dashes_seconds",
        "19-10-2022 10:37:00 p.m. - ",
        "DD-MM-YY HH:MM:SS AM/PM - Name: text",
        (f"{_MINER} test/whatsapp/testlog.txt",),
    ),
    HeaderVariant(
        "android_dashes_dot_in_time",
        "13-06-2018, 01.55 PM - ",
        "DD-MM-YY, HH.MM AM/PM - Name: text",
        (f"{_PUSTUR} tests/parser.test.ts",),
    ),
    HeaderVariant(
        "android_finnish_klo",
        "13.6.2018 klo 21.25.15 - ",
        "DD.MM.YY klo HH.MM.SS - Name: text",
        (f"{_PUSTUR} tests/parser.test.ts", f"{_PUSTUR} CHANGELOG.md (2.0.2)"),
    ),
    HeaderVariant(
        "android_french_a",
        "22/01/2021 à 15:51 - ",
        "DD/MM/YY à HH:MM - Name: text",
        ("Drachma's earlier samples (no source in the five suites)",),
    ),
    HeaderVariant(
        "spaced_dots_no_separator",
        "13. 6. 2018. 21:25:15 ",
        "DD. MM. YY. HH:MM:SS Name: text",
        (f"{_PUSTUR} tests/parser.test.ts",),
        "Central European dates: a space after each dot, nothing between time and name",
    ),
    HeaderVariant(
        "old_ios_colon",
        "13.06.18 21.25.15: ",
        "DD.MM.YY HH.MM.SS: Name: text",
        (
            f"{_PUSTUR} tests/parser.test.ts",
            "theveloped/WhatsBook issue #2",
            "nmoya/whatsapp-parser issue #4",
        ),
        "iOS exports of 2012-2014 put ': ' after the time",
    ),
    HeaderVariant(
        "stray_byte_order_mark",
        "\ufeff12/03/2021, 18:06 - ",
        "DD/MM/YY, HH:MM - Name: text",
        (f"{_WHATSR} R/parse_chat.R (deletes U+FEFF before parsing)",),
        "a byte-order mark at the start of a line other than the first",
    ),
    # iOS: "[date, time] Name: text"; newer exports put a name even on notices.
    HeaderVariant(
        "ios_dmy_24h",
        "[14/02/2022, 20:01:15] ",
        "[DD/MM/YY, HH:MM:SS] Name: text",
        ("alignerg/lappers-posts issue #133", f"{_WHATSTK} issue #135 (its notices)"),
    ),
    HeaderVariant(
        "ios_dmy_12h",
        "[17/01/2023, 10:14:09 AM] ",
        "[DD/MM/YY, HH:MM:SS AM/PM] Name: text",
        (f"{_WHATSTK} issue #135",),
    ),
    HeaderVariant(
        "ios_mdy_24h",
        "[1/29/18, 23:33:03] ",
        "[MM/DD/YY, HH:MM:SS] Name: text",
        (f"{_WHATSR} inst/englishios24h.txt",),
    ),
    HeaderVariant(
        "ios_mdy_12h",
        "[1/29/18, 11:33:03 PM] ",
        "[MM/DD/YY, HH:MM:SS AM/PM] Name: text",
        (f"{_WHATSR} inst/englishiosampm.txt", f"{_PUSTUR} issue #199"),
    ),
    HeaderVariant(
        "ios_12h_narrow_space",
        "[3/15/23, 9:41:07\u202fPM] ",
        "[MM/DD/YY, HH:MM:SS AM/PM] Name: text",
        ("ChatLab/ChatLab pull request #131", "Drachma's earlier samples"),
    ),
    HeaderVariant(
        "ios_12h_thin_space",
        "[14/10/2021, 3:34:09\u2009PM] ",
        "[DD/MM/YY, HH:MM:SS AM/PM] Name: text",
        ("ChatLab/ChatLab pull request #131",),
        "U+2009 (thin space) before PM",
    ),
    HeaderVariant(
        "ios_dots_24h",
        "[29.01.18, 23:33:03] ",
        "[DD.MM.YY, HH:MM:SS] Name: text",
        (
            f"{_WHATSR} inst/germanios24h.txt",
            f"{_PUSTUR}-website issue #3",
            f"{_PUSTUR} issue #258",
        ),
    ),
    HeaderVariant(
        "ios_dots_12h",
        "[29.01.18, 11:33:03 PM] ",
        "[DD.MM.YY, HH:MM:SS AM/PM] Name: text",
        (f"{_WHATSR} inst/germaniosampm.txt",),
    ),
    HeaderVariant(
        "ios_mdy_dots",
        "[10.21.21, 15:21:45] ",
        "[MM.DD.YY, HH:MM:SS] Name: text",
        (f"{_MINER} test/whatsapp/test_dateformat5.txt",),
    ),
    HeaderVariant(
        "ios_dots_no_comma",
        "[06.13.18 21:25:15] ",
        "[MM.DD.YY HH:MM:SS] Name: text",
        (f"{_PUSTUR} tests/parser.test.ts",),
    ),
    HeaderVariant(
        "ios_no_comma_dotted_am_pm",
        "[13/10/22 10:37:00 p.m.] ",
        "[DD/MM/YY HH:MM:SS AM/PM] Name: text",
        (f"{_MINER} test/whatsapp/testlog.txt", f"{_MINER} test/whatsapp/test_dateformat4.txt"),
    ),
    HeaderVariant(
        "ios_spaced_am_pm_mark_before_bracket",
        "\u200e[13/6/18 1:55:00 p. m.] ",
        "[DD/MM/YY HH:MM:SS AM/PM] Name: text",
        (f"{_PUSTUR} tests/parser.test.ts",),
        "U+200E before the bracket",
    ),
    HeaderVariant(
        "ios_year_first",
        "[2018/06/13, 21:25:15] ",
        "[YYYY/MM/DD, HH:MM:SS] Name: text",
        (f"{_PUSTUR} tests/parser.test.ts",),
    ),
    HeaderVariant(
        "ios_mdy_dashes",
        "[01-29-2018, 23:33:00] ",
        "[MM-DD-YY, HH:MM:SS] Name: text",
        (f"{_WHATSR} issue #32",),
    ),
    HeaderVariant(
        "ios_dashes_crlf_between_messages",
        "[22-01-20 10:00:00] ",
        "[DD-MM-YY HH:MM:SS] Name: text",
        (f"{_PUSTUR} issue #266",),
        "CR LF after each message, a bare LF between the lines of one message",
    ),
)

# Headers real-looking files contain that Drachma refuses, and why.
REFUSED_HEADERS = (
    HeaderVariant(
        "year_in_the_middle",
        "[06/2018/13, 21:25:15] ",
        "",
        (f"{_PUSTUR} tests/parser.test.ts",),
        "the year between month and day; no export is known to write it, so the file is "
        "refused with the layouts tried rather than guessed at",
    ),
    HeaderVariant(
        "hour_above_12_with_pm",
        "1/29/18, 23:59 PM - ",
        "",
        (f"{_WHATSR} inst/englishandroidampm.txt", f"{_MINER} test/whatsapp/test_dateformat4.txt"),
        "an impossible time (hour 23 on a 12-hour clock); refused naming the line",
    ),
)


@dataclass(frozen=True)
class MarkerVariant:
    """A marker WhatsApp writes into a message, as a real export writes it.

    ``body`` follows a header of the layout ``header`` ("android" or "ios"); the message reads
    as ``kind`` with ``text`` (what the person wrote), the marker moved into ``artefact`` (None
    for a placeholder that stands for the whole message and stays its text)."""

    key: str
    header: str
    body: str
    kind: str
    text: str
    artefact: str | None
    seen_in: tuple[str, ...]


_MAZEN = "mazen160/whatsapp-chat-parser"
_WHATSBOOK = "theveloped/WhatsBook"
IOS_PHOTO = "00000012-PHOTO-2020-01-01-12-00-00.jpg"

MARKER_VARIANTS = (
    MarkerVariant(
        "android_file_attached",
        "android",
        "IMG-20210312-WA0007.jpg (file attached)\nthe gate",
        "attachment",
        "the gate",
        "attachment_markers",
        (f"{_WHATSR} inst/englishandroid24h.txt", f"{_PUSTUR} issue #231"),
    ),
    MarkerVariant(
        "android_datei_angehaengt",
        "android",
        "IMG-20210312-WA0007.jpg (Datei angehängt)",
        "attachment",
        "",
        "attachment_markers",
        (f"{_WHATSR} inst/germanandroid24h.txt",),
    ),
    MarkerVariant(
        "ios_attached",
        "ios",
        f"\u200e<attached: {IOS_PHOTO}>",
        "attachment",
        "",
        "attachment_markers",
        (f"{_WHATSR} inst/englishios24h.txt",),
    ),
    MarkerVariant(
        "ios_angehaengt",
        "ios",
        f"\u200e<angehängt: {IOS_PHOTO}>",
        "attachment",
        "",
        "attachment_markers",
        (f"{_WHATSR} inst/germanios24h.txt",),
    ),
    MarkerVariant(
        "ios_attached_spaces_inside",
        "ios",
        f"< attached: {IOS_PHOTO} >",
        "attachment",
        "",
        "attachment_markers",
        (f"{_PUSTUR} tests/parser.test.ts",),
    ),
    MarkerVariant(
        "ios_document_description",
        "ios",
        "Loan.pdf • 14 pages \u200e<attached: 00000002-Loan.pdf>",
        "attachment",
        "",
        "attachment_markers",
        (f"{_MAZEN} pull request #3",),
    ),
    MarkerVariant(
        "old_ios_attached",
        "ios",
        "2013-08-06-PHOTO-00000006.jpg <attached>",
        "attachment",
        "",
        "attachment_markers",
        (f"{_WHATSBOOK} issue #2",),
    ),
    MarkerVariant(
        "android_media_omitted",
        "android",
        "<Media omitted>",
        "media_omitted",
        "<Media omitted>",
        None,
        (f"{_WHATSR} inst/englishandroid24h.txt",),
    ),
    MarkerVariant(
        "android_media_omitted_lower_case",
        "android",
        "<media omitted>",
        "media_omitted",
        "<media omitted>",
        None,
        (f"{_ANALYTICS} tests/samples/whatsapp/2A_5M.txt",),
    ),
    MarkerVariant(
        "android_medien_ausgeschlossen",
        "android",
        "<Medien ausgeschlossen>",
        "media_omitted",
        "<Medien ausgeschlossen>",
        None,
        (f"{_WHATSR} inst/germanandroid24h.txt",),
    ),
    MarkerVariant(
        "ios_image_omitted",
        "ios",
        "\u200eimage omitted",
        "media_omitted",
        "image omitted",
        "direction_marks_removed",
        (f"{_ANALYTICS} pipeline/parse/parsers/WhatsApp.ts",),
    ),
    MarkerVariant(
        "message_deleted",
        "android",
        "Message deleted",
        "deleted",
        "Message deleted",
        None,
        (f"{_WHATSR} inst/Languages.csv",),
    ),
    MarkerVariant(
        "edited",
        "android",
        "on my way <This message was edited>",
        "text",
        "on my way",
        "edited_marker",
        ("Drachma's own samples (none of the five suites has an edited message)",),
    ),
    MarkerVariant(
        "edited_german_ios",
        "ios",
        "bin unterwegs \u200e<Diese Nachricht wurde bearbeitet.>",
        "text",
        "bin unterwegs",
        "edited_marker",
        ("Drachma's own samples (none of the five suites has an edited message)",),
    ),
)
