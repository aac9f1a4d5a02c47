"""WhatsApp "Export chat" text files from Android and iOS.

The layout is detected, never asked for: Android (``31/12/2020, 23:59 - Name: text``), iOS
(``[31/12/2020, 23:59:01] Name: text``) or iOS before 2015 (``31.12.20 23.59.01: Name: text``),
12- or 24-hour clock (``11:59 PM``, ``11:59 p. m.``, with a normal, no-break, narrow no-break or
thin space before the marker), any of ``/ . -`` between the date's parts (or ``. `` with a dot
after the year, ``13. 6. 2018.``), year first or last, ``klo`` or ``à`` before the time, and
day-first or month-first dates. Every layout collected from real exports is listed, with where
it was seen, in the fixtures table ``tests/evidence/chats/variants.py``. Day-first or
month-first is decided from the whole file: the first header whose first number is above 12
makes it day-first, one whose second number is above 12 makes it month-first, and the line that
decided is reported. A file where every date could be read either way is read the way that keeps
its dates in order (day-first on a tie, the UK convention) with a warning saying so.

A message is its header line plus every following line up to the next header, joined with "\\n"
(a CRLF file's line ends are not part of the text). The text is what the person wrote: what the
export adds around it (the invisible direction marks, an attachment's marker, the "<This
message was edited>" marker, trailing whitespace) is moved into ``Message.artefacts``, and the
original's exact lines stay available through ``source_lines``. A byte-order mark is not part of
line 1.

Lines before the first header belong to no message: they are listed in ``skipped_lines`` with a
warning. An impossible date or time in a header (``23:59 PM``, a 31st of February) stops the
parse with a ``ChatParseError`` naming the line; a file with no header in a known layout is
refused naming the layouts tried. Messages stay in file order; a message dated before the one
above it is reported, never re-sorted.

The reader works on a stream in chunks: it makes one pass to settle the layout and the date
order and a second to produce messages, so ``iter_messages`` can walk a very large export
without holding all of it.
"""

from __future__ import annotations

import codecs
import gc
import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from typing import Any, BinaryIO

from . import whatsapp_strings as S
from .model import (
    MINUTES,
    SECONDS,
    ChatParseError,
    Conversation,
    Message,
    ParseWarning,
    SkippedLine,
)

FORMAT = "whatsapp"
CHUNK = 1024 * 1024
SAMPLE_LINES = 2000
MAX_REPORTED_LINES = 50

# The Unicode bidirectional controls: the invisible direction marks WhatsApp puts around names,
# numbers, notices and markers. They are export artefacts, not what anybody typed.
MARKS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_M = "[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
_MARK = re.compile(_M)
_MARK_NAMES = {mark: f"U+{ord(mark):04X}" for mark in MARKS}
_MARK_SPLIT = re.compile("(" + _M + ")").split
# A header may also start with a stray byte-order mark (tests/evidence/chats/variants.py).
_LEAD = "[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
_DROP_MARKS = str.maketrans("", "", MARKS)
_PARSED_STRIP = MARKS + " \u00a0\u202f\u2009\t"
_SP = "[ \u00a0\u202f\u2009]"
_AMPM = r"[AaPp]\.?" + _SP + r"?[Mm]\.?"
_GT12 = r"(?:1[3-9]|2\d|3[01])"

# Any header WhatsApp has been seen to write; used to learn the file's layout from a sample.
# ``ds`` may be a dot and a space ("13. 6. 2018."), ``de`` is a dot after the year, ``cl`` the
# end of a header without brackets: " - " (Android), ": " (iOS before 2015) or, only after a
# date that ends with a dot, a bare space.
GENERIC = re.compile(
    _LEAD + r"*(?P<ob>\[)?" + _M + r"*"
    r"(?P<d1>\d{1,4})(?P<ds>[./-] ?)(?P<d2>\d{1,2})(?P=ds)(?P<d3>\d{1,4})(?P<de>\.)?"
    r"(?P<dts>, à | à |, | klo | |,)"
    r"(?P<h>\d{1,2})(?P<ts>[:.])(?P<mi>\d{2})(?:(?P=ts)(?P<s>\d{2}))?"
    r"(?:" + _SP + r"?(?P<ap>" + _AMPM + r"))?"
    r"(?(ob)\] ?|(?P<cl>\.?[ \u00a0]?[-–] |: |(?(de) |(?!))))"
)
CLOSINGS = {"dash": r"\.?[ \u00a0]?[-–] ", "colon": ": ", "space": " "}
_SPACED_AMPM = re.compile(r"[ap]\. m\.")
_HEADER_LIKE = re.compile("^(?:" + GENERIC.pattern + ")", re.MULTILINE)
_DIGIT_LINE = re.compile(r"^" + _LEAD + r"*\[?" + _M + r"*\d", re.MULTILINE)
# A line that starts with a date of some sort: if no line is a known header, the first such line
# is named in the refusal.
_DATE_LIKE = re.compile(_LEAD + r"*[\[(]?" + _M + r"*\d{1,4}[./-] ?\d{1,4}[./-] ?\d{1,4}")
_TIME = re.compile(
    r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:" + _SP + r"?([AaPp])\.?" + _SP + r"?[Mm]\.?)?$"
)

Source = Callable[[], BinaryIO]
_combine = datetime.combine
_OPENINGS = S.PLACEHOLDER_OPENINGS


class NotWhatsApp(ChatParseError):
    """No line of the file is a WhatsApp message header in a layout Drachma knows.

    ``why`` says what was found; ``layouts_tried`` lists the header shapes that were tried."""

    def __init__(self, why: str):
        super().__init__(
            f"This is not a WhatsApp export Drachma can read: {why} (e.g. '31/12/2020, 23:59 - "
            "Name: text' or '[31/12/2020, 23:59:01] Name: text').",
            format=FORMAT,
        )
        self.why = why
        self.layouts_tried = S.HEADER_SHAPES


def _not_whatsapp(lines: list[tuple[int, str]]) -> NotWhatsApp:
    """The refusal for a file none of whose lines is a known header, naming the first line that
    starts with a date (a header in a layout nobody has reported, or not an export at all)."""
    for number, raw in lines:
        if _DATE_LIKE.match(raw):
            return NotWhatsApp(
                f"line {number} starts like a message header ({raw[:40]!r}) but matches none "
                f"of the WhatsApp header layouts Drachma knows ({'; '.join(S.HEADER_SHAPES)})"
            )
    return NotWhatsApp("no line looks like a WhatsApp message header")


class Layout:
    """The header layout of one file, as learned from a sample of its lines."""

    def __init__(
        self,
        bracket: bool,
        year_first: bool,
        ds: str,
        dts: str,
        ts: str,
        seconds: bool,
        ampm: bool,
        date_end: str = "",
        closing: str = "dash",
    ):
        self.bracket, self.year_first, self.ds, self.dts = bracket, year_first, ds, dts
        self.ts, self.seconds, self.ampm = ts, seconds, ampm
        self.date_end = date_end
        self.closing = "bracket" if bracket else closing

    @classmethod
    def from_match(cls, m: re.Match) -> Layout | None:
        d1, d3 = m["d1"], m["d3"]
        if len(d1) == 4 and len(d3) <= 2:
            year_first = True
        elif len(d1) <= 2 and len(d3) in (2, 4):
            year_first = False
        else:
            return None
        cl = m["cl"] or ""
        closing = "dash" if "-" in cl or "–" in cl else "colon" if cl == ": " else "space"
        return cls(
            m["ob"] is not None,
            year_first,
            m["ds"],
            m["dts"],
            m["ts"],
            m["s"] is not None,
            m["ap"] is not None,
            m["de"] or "",
            closing,
        )

    def key(self) -> tuple:
        return (
            self.bracket,
            self.year_first,
            self.ds,
            self.dts,
            self.ts,
            self.seconds,
            self.ampm,
            self.date_end,
            self.closing,
        )

    def _prefix(self, first: str | None = None, second: str | None = None) -> str:
        n = r"\d{1,2}"
        ds = re.escape(self.ds)
        if self.year_first:
            date_re = r"\d{4}" + ds + n + ds + n
        else:
            date_re = (first or n) + ds + (second or n) + ds + r"(?:\d{4}|\d{2})"
        ts = re.escape(self.ts)
        time_re = n + ts + r"\d{2}" + (ts + r"\d{2}" if self.seconds else "")
        if self.ampm:
            time_re += _SP + "?" + _AMPM
        opening = r"\[" + _M + "*" if self.bracket else ""
        closing = r"\] ?" if self.bracket else CLOSINGS[self.closing]
        return (
            _LEAD
            + "*"
            + opening
            + "("
            + date_re
            + ")"
            + re.escape(self.date_end)
            + re.escape(self.dts)
            + "("
            + time_re
            + ")"
            + closing
        )

    def regex(self, first: str | None = None, second: str | None = None) -> re.Pattern:
        """The header regex: groups (date, time, rest). ``first``/``second`` narrow the date's
        first two numbers (used to find the line that decides day-first or month-first).

        It starts with the "\\n" that ends the line before, which lets the regex engine jump
        from line end to line end instead of trying every character."""
        return re.compile(r"\n" + self._prefix(first, second) + r"([^\n]*)")

    def describe(self, order: str) -> str:
        parts = {
            "day-first": ("DD", "MM", "YY"),
            "month-first": ("MM", "DD", "YY"),
            "year-first": ("YYYY", "MM", "DD"),
        }[order]
        d = self.ds.join(parts) + self.date_end
        t = self.ts.join(["HH", "MM"] + (["SS"] if self.seconds else [])) + (
            " AM/PM" if self.ampm else ""
        )
        if self.bracket:
            return f"[{d}{self.dts}{t}] Name: text"
        closing = {"dash": " - ", "colon": ": ", "space": " "}[self.closing]
        return f"{d}{self.dts}{t}{closing}Name: text"


class WhatsAppReader:
    """Reads one WhatsApp export. Iterate it for messages; the conversation-level facts
    (participants, warnings, skipped lines, locale...) are complete once iteration ends."""

    def __init__(
        self,
        source: Source,
        *,
        name: str | None = None,
        date_order: str = "auto",
        default_date_order: str = "day-first",
    ):
        if date_order not in ("auto", "day-first", "month-first"):
            raise ValueError("date_order must be 'auto', 'day-first' or 'month-first'")
        if default_date_order not in ("day-first", "month-first"):
            raise ValueError("default_date_order must be 'day-first' or 'month-first'")
        self.source = source
        self.name = name
        self.requested_order = date_order
        self.default_order = default_date_order
        self.warnings: list[ParseWarning] = []
        self.skipped: list[SkippedLine] = []
        self.senders: dict[str, str] = {}
        self.authors: dict[str, None] = {}
        self.lang_hits: Counter[str] = Counter()
        self.inversions: list[tuple[int, int]] = []  # (line, line of the message before)
        self.header_like: list[int] = []
        self.header_like_count = 0
        self.line_count = 0
        self.bom: str | None = None
        self.crlf = 0
        self._encoding = "utf-8"
        self._prepare()

    # -- reading -------------------------------------------------------------------------

    def _chunks(self) -> Iterator[str]:
        """The file as text in chunks, BOM removed, CRLF turned into LF, never splitting a CRLF."""
        with self.source() as stream:
            head = stream.read(CHUNK)
            skip = 0
            if head.startswith(codecs.BOM_UTF8):
                self.bom, skip = "UTF-8", 3
            elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                self.bom, self._encoding = "UTF-16", "utf-16"
            decoder = codecs.getincrementaldecoder(self._encoding)("strict")
            lines_before = 0
            held = ""
            data = head[skip:]
            while True:
                final = not data
                try:
                    text = decoder.decode(data, final=final)
                except UnicodeDecodeError as e:
                    # ``e.object`` is the decoder's pending bytes plus ``data``.
                    line = lines_before + e.object[: e.start].count(b"\n") + 1
                    what = (
                        f"byte 0x{e.object[e.start]:02x}"
                        if e.start < len(e.object)
                        else "the file ends inside a character"
                    )
                    raise ChatParseError(
                        f"Line {line} is not valid {self._encoding.upper()} text ({what}); "
                        "a WhatsApp export is UTF-8.",
                        line=line,
                        format=FORMAT,
                    ) from None
                lines_before += data.count(b"\n")
                text = held + text
                held = ""
                if not final and text.endswith("\r"):
                    text, held = text[:-1], "\r"
                if "\r\n" in text:
                    self.crlf += text.count("\r\n")
                    text = text.replace("\r\n", "\n")
                if text:
                    yield text
                if final:
                    return
                data = stream.read(CHUNK)

    def _complete_lines(self) -> Iterator[tuple[str, int]]:
        """("\\n" + whole lines, line number of the first of them), the sentinel "\\n" standing
        for the end of the line before; the last piece may lack its final newline."""
        carry = ""
        line = 1
        for chunk in self._chunks():
            text = carry + chunk
            end = text.rfind("\n") + 1
            if end == 0:
                carry = text
                continue
            yield "\n" + text[:end], line
            line += text.count("\n", 0, end)
            carry = text[end:]
        if carry:
            yield "\n" + carry, line
        self.line_count = line if carry else line - 1

    # -- layout and date order -----------------------------------------------------------

    def _prepare(self) -> None:
        votes: Counter[tuple] = Counter()
        layouts: dict[tuple, Layout] = {}
        seen = 0
        sample: list[tuple[int, str]] = []
        for piece, _ in self._complete_lines():
            for raw in piece.split("\n")[1:]:
                seen += 1
                if not votes:
                    sample.append((seen, raw))
                m = GENERIC.match(raw)
                if m:
                    layout = Layout.from_match(m)
                    if layout is not None:
                        votes[layout.key()] += 1
                        layouts.setdefault(layout.key(), layout)
                if seen >= SAMPLE_LINES:
                    break
            if seen >= SAMPLE_LINES or sum(votes.values()) >= 200:
                break
        if not votes:
            raise _not_whatsapp(sample)
        (best, _), *rest = votes.most_common()
        self.layout = layouts[best]
        if rest:
            others = sum(count for _, count in rest)
            self.warnings.append(
                ParseWarning(
                    "mixed_header_layouts",
                    f"{others} of the first {sum(votes.values())} header-like lines use a "
                    "different date/time layout from the rest; lines in another layout are read "
                    "as part of the message above them.",
                )
            )
        self.header = self.layout.regex()
        self.order, self.order_basis = self._decide_order()
        self._prepare_warnings = list(self.warnings)

    def _decide_order(self) -> tuple[str, str]:
        if self.layout.year_first:
            return "year-first", "the dates start with a four-digit year"
        if self.requested_order != "auto":
            return self.requested_order, "chosen by the caller"
        day_re = self.layout.regex(first=_GT12)
        month_re = self.layout.regex(second=_GT12)
        for piece, line in self._complete_lines():
            day = day_re.search(piece)
            month = month_re.search(piece)
            if day and (not month or day.start() < month.start()):
                self._decided_at = line + piece.count("\n", 1, day.start() + 1)
                return "day-first", f"line {self._decided_at} has a first number above 12"
            if month:
                self._decided_at = line + piece.count("\n", 1, month.start() + 1)
                return "month-first", f"line {self._decided_at} has a second number above 12"
        # A later line that reads only the other way is caught when it is parsed: its date is
        # impossible in this order, and the error names both lines.
        return self._guess_ambiguous_order()

    def _guess_ambiguous_order(self) -> tuple[str, str]:
        """Every date reads both ways: prefer the reading that keeps the dates in order."""
        dates: list[tuple[int, int, int]] = []
        last = None
        ds = self.layout.ds
        for piece, _ in self._complete_lines():
            for m in self.header.finditer(piece):
                if m.group(1) != last:
                    last = m.group(1)
                    a, b, y = last.split(ds)
                    dates.append((int(a), int(b), int(y)))

        def backwards(day_first: bool) -> int:
            keys = [(y, b, a) if day_first else (y, a, b) for a, b, y in dates]
            return sum(1 for x, y in zip(keys, keys[1:], strict=False) if y < x)

        day_back, month_back = backwards(True), backwards(False)
        if day_back < month_back:
            order, why = (
                "day-first",
                f"read day-first it has {day_back} backward steps, month-first {month_back}",
            )
        elif month_back < day_back:
            order, why = (
                "month-first",
                f"read month-first it has {month_back} backward steps, day-first {day_back}",
            )
        else:
            order = self.default_order
            why = f"both readings keep the dates equally in order; {order} is the default"
        self.warnings.append(
            ParseWarning(
                "ambiguous_dates",
                f"Every date in the file can be read day-first or month-first (no day above 12). "
                f"Read {order}: {why}. Check against a date you know, or pass date_order.",
            )
        )
        return order, f"ambiguous; {why}"

    # -- messages ------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Message]:
        return self.iter_messages()

    def iter_messages(self) -> Iterator[Message]:
        for batch in self.iter_batches():
            yield from batch

    def iter_batches(self) -> Iterator[list[Message]]:
        """The messages, a chunk of the file at a time (lists of up to some tens of thousands)."""
        self._reset()
        finditer, search = self.header.finditer, self.header.search
        message = self._builder()
        # ``buf`` always starts with "\n", standing for the end of the line before line
        # ``base``; it holds the unfinished last message of the previous chunk, then the new
        # chunk.
        buf, base, started = "\n", 1, False
        chunks = self._chunks()
        while True:
            chunk = next(chunks, None)
            eof = chunk is None
            if chunk is None:
                limit = len(buf)
            else:
                buf += chunk
                limit = buf.rfind("\n")  # lines after this one are not complete yet
                if limit == 0:
                    continue
            if not started:
                first = search(buf, 0, limit)
                if first is None:
                    # No header yet: every complete line so far belongs to no message.
                    seg = buf[1:limit]
                    if eof:
                        if seg.endswith("\n"):
                            seg = seg[:-1]
                        if seg:
                            self._skip(seg.split("\n"), base)
                        break
                    lines = seg.split("\n")
                    self._skip(lines, base)
                    base += len(lines)
                    buf = buf[limit:]
                    continue
                start = first.start()
                if start:
                    self._skip(buf[1:start].split("\n"), base)
                    base += buf.count("\n", 1, start + 1)
                    buf, limit = buf[start:], limit - start
                started = True
            # The header matches: a message runs from its header to the next one. The buffer
            # starts with a header (the carried message, or the first header found above).
            matches = finditer(buf, 0, limit)
            prev = next(matches, None)
            if prev is None:  # pragma: no cover - a header was found at 0 before
                raise AssertionError("lost a message header")
            batch: list[Message] = []
            append = batch.append
            line = base
            # Building tens of thousands of small objects keeps triggering the cyclic garbage
            # collector, though none of them can be in a cycle: pause it for the batch.
            collecting = gc.isenabled()
            gc.disable()
            try:
                for m in matches:
                    start, end = m.start(), prev.end()
                    date_s, time_s, rest = prev.groups()
                    if start > end:
                        n = buf.count("\n", end, start)
                        append(message(date_s, time_s, rest, line, buf[end + 1 : start], n))
                        line += 1 + n
                    else:
                        append(message(date_s, time_s, rest, line, None, 0))
                        line += 1
                    prev = m
                if eof:
                    # The last message runs to the end of the file; the file's final newline
                    # ends its last line rather than starting another.
                    date_s, time_s, rest = prev.groups()
                    region = buf[prev.end() + 1 :]
                    if not region:
                        cont, n = None, 0
                    elif region.endswith("\n"):
                        cont, n = region[:-1], region.count("\n")
                    else:
                        cont, n = region, region.count("\n") + 1
                    append(message(date_s, time_s, rest, line, cont, n))
                    line += 1 + n
            finally:
                if collecting:
                    gc.enable()
            yield batch
            if eof:
                self.line_count = line - 1
                break
            buf = buf[prev.start() :]
            base = line
        if not started:  # pragma: no cover - _prepare found a header
            raise NotWhatsApp("the file has no WhatsApp message header")
        self._finish()

    def _skip(self, lines: list[str], first: int) -> None:
        """Record lines that belong to no message."""
        self.skipped.extend(SkippedLine(first + i, raw) for i, raw in enumerate(lines))

    def _builder(self) -> Callable[[str, str, str, int, str | None, int], Message]:
        """The function that turns one header match (and its continuation lines) into a
        Message. A closure, because this runs a million times for a large export and local
        variables are much cheaper than attributes."""
        dates, times, heads = self._dates, self._times, self._heads
        parse_date, parse_time, new_sender = self._parse_date, self._parse_time, self._sender
        check_continuation, classify = self._check_continuation, self._classify
        system_details = self._system_details
        inversions, hits, authors = self.inversions, self.lang_hits, self.authors
        precision = self._precision
        edited_marker, edited_lang = S.EDITED_MARKER, S.EDITED_LANG
        special_endings = S.SPECIAL_ENDINGS
        digit_line = _DIGIT_LINE.search
        has_mark = _MARK.search
        clean, remove_markers = _clean, _remove_markers
        bracket = self.layout.bracket
        last_wall, last_line = datetime.min, 0
        last_date = last_time = ""

        def make(
            date_s: str, time_s: str, rest: str, line: int, cont: str | None, n: int
        ) -> Message:
            nonlocal last_wall, last_line, last_date, last_time
            if time_s != last_time or date_s != last_date:
                # Messages of the same minute share one (immutable) datetime.
                wall = _combine(
                    dates.get(date_s) or parse_date(date_s, line),
                    times.get(time_s) or parse_time(time_s, line),
                )
                if wall < last_wall:
                    inversions.append((line, last_line))
                last_wall, last_date, last_time = wall, date_s, time_s
            else:
                wall = last_wall
            last_line = line
            last = line + n if n else line
            if cont is not None and digit_line(cont):
                check_continuation(cont, line)

            # "Name: text"; a line with no "Name: " is a system line, and so is a known system
            # line with ": " inside a quoted group name or subject.
            colon = rest.find(": ")
            empty_marker = None
            if colon >= 0:
                head = rest[:colon]
                try:
                    sender = heads[head]
                except KeyError:  # once per distinct head: cheaper than a lookup per message
                    sender = new_sender(head, rest)
                body = rest if sender is None else rest[colon + 2 :]
            elif rest.endswith(":") and rest.count(":") == 1:
                sender, body = new_sender(rest[:-1], rest), ""
            elif rest.endswith(":.") and rest.count(":") == 1:
                # "Name:." stands for a message with nothing in it (chat-miner issue #92).
                sender, body, empty_marker = new_sender(rest[:-2], rest), "", "."
            else:
                sender, body = None, rest
            text = body if cont is None else body + "\n" + cont
            # Plain text, the common case, first: no "<" means no edit or attachment marker,
            # no placeholder opening and no direction mark first means nothing to classify.
            if (
                sender is not None
                and body
                and body[:5] not in _OPENINGS  # S.OPENING_LENGTH characters
                and body[0] not in MARKS
                and not body.endswith(special_endings)
                and "<" not in text
                and not (
                    bracket
                    and body.startswith(sender)
                    and body[len(sender) : len(sender) + 1] == " "
                )
            ):
                if sender not in authors:
                    authors[sender] = None
                # ASCII has no direction marks, and its whitespace sorts before "!".
                if text.isascii():
                    if text[-1] > " ":
                        return Message(sender, wall, text, "text", line, last, precision)
                elif not text[-1].isspace() and not has_mark(text):
                    return Message(sender, wall, text, "text", line, last, precision)
                # Direction marks inside it, or whitespace after it: still plain text.
                artefacts: dict[str, Any] = {}
                text = clean(text, artefacts)
                return Message(
                    sender, wall, text, "text" if text else "empty", line, last, precision,
                    (), False, None, None, (), None, artefacts,
                )  # fmt: skip

            # Everything else: take the export's artefacts out of the text into ``artefacts``.
            artefacts = {}
            if empty_marker:
                artefacts["empty_body_marker"] = empty_marker
            edited = False
            if text.endswith(">"):
                tail = text[-80:]
                em = edited_marker.search(tail)
                if em:
                    edited = True
                    cut = len(text) - len(tail) + em.start()
                    artefacts["edited_marker"] = text[cut:]
                    text = text[:cut]
                    if cont is None:
                        body = text
                    hits[edited_lang[em["word"].casefold()]] += 1
            # Only non-ASCII text can hold a direction mark; ASCII whitespace sorts before "!".
            if sender is None:
                if text and not (text.isascii() and text[-1] > " "):
                    text = clean(text, artefacts)
                details = system_details(text)
                return Message(
                    None, wall, text, "system", line, last, precision, (), edited, details,
                    None, (), None, artefacts or None,
                )  # fmt: skip
            kind, attachments, details, markers = classify(text, body, cont is None, sender)
            if markers:
                text = remove_markers(text, markers)
                artefacts["attachment_markers"] = [record for _, _, record in markers]
            if text and not (text.isascii() and text[-1] > " "):
                text = clean(text, artefacts)
            if kind == "system":
                # An iOS notice: the "sender" is the chat's name (or the actor), not an author.
                assert details is not None  # _classify says "system" only with the details
                details["header_name"] = sender
                sender = None
            else:
                if kind == "text" and not text:
                    kind = "empty"
                if sender not in authors:
                    authors[sender] = None
            return Message(
                sender, wall, text, kind, line, last, precision, attachments, edited, details,
                None, (), None, artefacts or None,
            )  # fmt: skip

        return make

    def _sender(self, head: str, rest: str) -> str | None:
        """The sender named by ``head`` (the text before ": "), or None when the whole line is
        a system message with ": " inside its quoted group name or subject, or one that ends
        its own words with ": " (a community's name)."""
        cleaned = head.translate(_DROP_MARKS)
        if (
            any(q in cleaned for q in '"“”„«»')
            and S.COLON_SYSTEM.match(rest.translate(_DROP_MARKS))
        ) or cleaned.endswith(S.COLON_SYSTEM_HEADS):
            self._heads[head] = None
            return None
        sender = cleaned.strip()
        sender = self.senders.setdefault(sender, sender)
        self._heads[head] = sender
        return sender

    def _classify(
        self, text: str, body: str, single: bool, sender: str
    ) -> tuple[str, tuple[str, ...], dict | None, list[tuple[int, int, dict]]]:
        """Kind, attachments, details and attachment markers (spans of ``text`` to move out of
        it, with what they say) of an authored message that may be more than text. ``body`` is
        its first line; ``single`` says whether it is the only line."""
        if not text:
            return "empty", (), None, []
        hits = self.lang_hits
        stripped = body.strip(_PARSED_STRIP)
        low = stripped.casefold()
        if len(low) <= S.MAX_PLACEHOLDER:
            hit = S.PLACEHOLDERS.get(low.rstrip("."))
            # Media placeholders may have a caption or file name on the next lines.
            if hit and (single or hit[0] == "media_omitted"):
                hits[hit[1]] += 1
                return hit[0], (), None, []
        if (
            single
            and low.startswith(S.ADMIN_DELETION_OPENINGS)
            and S.DELETED_BY_ADMIN.match(stripped)
        ):
            return "deleted", (), None, []
        if body.endswith(")"):
            am = S.ATTACHED_ANDROID.match(stripped.translate(_DROP_MARKS))
            if am:
                # The whole first line is the marker; a caption follows on the next lines.
                hits[S.ATTACHED_WORD_LANG[am["word"].casefold()]] += 1
                name = _file_name(am["name"])
                record = {"file_name": name, "words": am["word"], "as_written": body}
                return "attachment", (name,), None, [(0, len(body), record)]
        if "<" in text:
            markers = []
            for m in S.ATTACHED_IOS.finditer(text):
                start = m.start()
                record = {"file_name": _file_name(m["name"]), "words": m["word"]}
                # An iOS document describes itself before the marker: "a.pdf • 3 pages".
                line_start = text.rfind("\n", 0, start) + 1
                dm = S.DOCUMENT_DESCRIPTION.search(text, line_start, start)
                if dm and dm.start() == line_start:
                    record["document"] = dm["document"].translate(_DROP_MARKS).strip()
                    start = line_start
                record["as_written"] = text[start : m.end()]
                markers.append((start, m.end(), record))
            if markers:
                hits[S.ATTACHED_WORD_LANG[markers[0][2]["words"].casefold()]] += 1
                return "attachment", tuple(r["file_name"] for _, _, r in markers), None, markers
            om = S.ATTACHED_OLD_IOS.match(stripped.translate(_DROP_MARKS))
            if om:
                hits["en"] += 1
                name = _file_name(om["name"])
                record = {"file_name": name, "words": om["word"], "as_written": body}
                return "attachment", (name,), None, [(0, len(body), record)]
        if body.endswith(S.SPECIAL_ENDINGS[1:]):
            dm = S.DOCUMENT_OMITTED.match(stripped.translate(_DROP_MARKS))
            if dm:
                hits[S.DOCUMENT_OMITTED_LANG[dm["word"].casefold()]] += 1
                return "media_omitted", (), {"file_name": _file_name(dm["name"])}, []
        if single and low.startswith(S.CALL_PREFIXES):
            for phrase in S.CALL_PREFIXES:
                if low.startswith(phrase) and S.CALL_DETAIL.match(stripped[len(phrase) :]):
                    hits[S.CALL_KEYS[phrase]] += 1
                    return "call", (), None, []
        if self.layout.bracket and single:
            # iOS puts a name in the sender position of its own notices: the chat's, or the
            # person the notice is about. It marks the notice with a direction mark, except
            # (in some versions) for the encryption notice and a notice about the named person.
            probe = text.translate(_DROP_MARKS).strip()
            about_sender = probe.startswith(sender + " ")
            if text[0] in MARKS or about_sender or probe.startswith(S.NOTICE_OPENINGS):
                details = self._system_details(text, strict=True)
                if details is not None and (
                    text[0] in MARKS or about_sender or details["event"] == "encryption_notice"
                ):
                    if about_sender and details["event"] in S.ATTRIBUTED_EVENTS:
                        details["actor"] = sender
                    return "system", (), details, []
        return "text", (), None, []

    def _system_details(self, text: str, strict: bool = False) -> dict | None:
        """What a notice is about: ``event``, and ``actor`` when it names who did it."""
        probe = text.translate(_DROP_MARKS).strip()
        for event, lang, pattern in S.SYSTEM_PATTERNS:
            if pattern.search(probe):
                self.lang_hits[lang] += 1
                details = {"event": event}
                if event in S.ATTRIBUTED_EVENTS:
                    am = S.ACTOR.match(probe)
                    if am and am["actor"] not in S.FIRST_PERSON:
                        details["actor"] = am["actor"]
                return details
        return None if strict else {"event": "other"}

    def _check_continuation(self, cont: str, line: int) -> None:
        """A continuation line shaped like a header of another layout is kept in the message
        but reported: it may be pasted text, or lines from another export."""
        for m in _HEADER_LIKE.finditer(cont):
            self.header_like_count += 1
            if len(self.header_like) < MAX_REPORTED_LINES:
                self.header_like.append(line + 1 + cont.count("\n", 0, m.start()))

    # -- dates and times -----------------------------------------------------------------

    def _parse_date(self, text: str, line: int) -> date:
        a, b, c = (int(x) for x in text.split(self.layout.ds))
        if self.order == "year-first":
            y, mo, d = a, b, c
        elif self.order == "day-first":
            d, mo, y = a, b, c
        else:
            mo, d, y = a, b, c
        if y < 100:
            y += 2000
        try:
            value = date(y, mo, d)
        except ValueError:
            why = ""
            if self.order in ("day-first", "month-first") and mo > 12 and d <= 12:
                why = (
                    f" It reads only {'month' if self.order == 'day-first' else 'day'}-first, "
                    f"but the file was read {self.order} ({self.order_basis}); the file may join "
                    "exports from phones with different date settings."
                )
            raise ChatParseError(
                f"Line {line}: the date {text!r} is impossible read {self.order} "
                f"(year {y}, month {mo}, day {d}).{why}",
                line=line,
                format=FORMAT,
            ) from None
        self._dates[text] = value
        return value

    def _parse_time(self, text: str, line: int) -> time:
        m = _TIME.match(text.translate(_DROP_MARKS))
        if not m:  # pragma: no cover - the header regex only lets times through
            raise ChatParseError(
                f"Line {line}: cannot read the time {text!r}.", line=line, format=FORMAT
            )
        h, mi = int(m[1]), int(m[2])
        s = int(m[3]) if m[3] else 0
        ap = m[4]
        if ap:
            if h > 12:
                raise ChatParseError(
                    f"Line {line}: the time {text.strip()!r} is impossible: hour {h} on a "
                    f"12-hour clock with {'AM' if ap in 'Aa' else 'PM'}.",
                    line=line,
                    format=FORMAT,
                )
            if ap in "Pp" and h != 12:
                h += 12
            elif ap in "Aa" and h == 12:
                h = 0
        if h > 23 or mi > 59 or s > 59:
            raise ChatParseError(
                f"Line {line}: the time {text.strip()!r} is impossible.", line=line, format=FORMAT
            )
        value = time(h, mi, s)
        self._times[text] = value
        if ap and _SPACED_AMPM.search(text):
            self._dotted_ampm += 1  # "a. m." / "p. m." is how Spanish-language phones write it
        return value

    # -- conversation-level facts --------------------------------------------------------

    def _reset(self) -> None:
        self._heads: dict[str, str | None] = {}
        self.warnings = list(self._prepare_warnings)
        self.skipped = []
        self.senders = {}
        self.authors = {}
        self.lang_hits = Counter()
        self.inversions = []
        self.header_like = []
        self.header_like_count = 0
        self.crlf = 0
        self._dates: dict[str, date] = {}
        self._times: dict[str, time] = {}
        self._dotted_ampm = 0
        self._precision = SECONDS if self.layout.seconds else MINUTES

    def _finish(self) -> None:
        if self._dotted_ampm:
            self.lang_hits["es"] += 1
        if self.inversions:
            first = self.inversions[0]
            self.warnings.append(
                ParseWarning(
                    "out_of_order",
                    f"{len(self.inversions)} message(s) are dated earlier than the message before "
                    f"them (first at line {first[0]}, after line {first[1]}). They are kept in "
                    "file order.",
                    [line for line, _ in self.inversions[:MAX_REPORTED_LINES]],
                )
            )
        if self.skipped:
            blank = all(not s.text.strip(_PARSED_STRIP) for s in self.skipped)
            self.warnings.append(
                ParseWarning(
                    "skipped_lines",
                    f"{len(self.skipped)} line(s) before the first message header belong to no "
                    "message" + (" (all blank)" if blank else "") + "; they are listed in "
                    "skipped_lines.",
                    [s.line for s in self.skipped[:MAX_REPORTED_LINES]],
                )
            )
        if self.header_like_count:
            self.warnings.append(
                ParseWarning(
                    "header_like_continuation",
                    f"{self.header_like_count} line(s) inside messages look like message headers "
                    "but not in this file's layout; they are kept as part of the message above. "
                    "They may be pasted text or lines from another export.",
                    self.header_like,
                )
            )

    @property
    def locale(self) -> str | None:
        """The language whose fixed strings (or "a. m."/"p. m.") the file uses most; None when
        nothing in it is language-specific."""
        if not self.lang_hits:
            return None
        (lang, _), *_ = self.lang_hits.most_common()
        return lang

    def format_details(self) -> dict:
        return {
            "platform": "ios" if self.layout.bracket else "android",
            "layout": self.layout.describe(self.order),
            "date_order": self.order,
            "date_order_basis": self.order_basis,
            "clock": "12-hour" if self.layout.ampm else "24-hour",
            "seconds": self.layout.seconds,
            "encoding": "UTF-16" if self._encoding == "utf-16" else "UTF-8",
            "byte_order_mark": self.bom,
            "line_endings": "CRLF" if self.crlf else "LF",
            "locale_evidence": dict(self.lang_hits),
        }


def _remove_markers(text: str, markers: list[tuple[int, int, dict]]) -> str:
    """``text`` without the marker spans; a marker that was a whole line takes its line break
    with it, so a caption on the next line becomes the text."""
    if len(markers) == 1 and markers[0][0] == 0:
        end = markers[0][1]
        if end == len(text):
            return ""
        if text[end] == "\n":  # the first line: Android's marker, the caption after it
            return text[end + 1 :]
    for start, end, _ in sorted(markers, reverse=True):
        whole_line = (start == 0 or text[start - 1] == "\n") and (
            end == len(text) or text[end] == "\n"
        )
        if whole_line:
            if end < len(text):
                end += 1
            elif start > 0:
                start -= 1
        text = text[:start] + text[end:]
    return text


def _clean(text: str, artefacts: dict) -> str:
    """``text`` without direction marks and trailing whitespace, both noted in ``artefacts``:
    each mark as [its position in the text (with the trailing whitespace), "U+200E"]."""
    if not text.isascii():
        # One regex pass: the pieces between the marks, and the marks themselves.
        pieces = _MARK_SPLIT(text)
        if len(pieces) > 1:
            marks, position = [], 0
            for i in range(0, len(pieces) - 1, 2):
                position += len(pieces[i])
                marks.append([position, _MARK_NAMES[pieces[i + 1]]])
            artefacts["direction_marks_removed"] = marks
            text = "".join(pieces[0::2])
    stripped = text.rstrip()
    if len(stripped) != len(text):
        artefacts["trailing_whitespace"] = text[len(stripped) :]
        text = stripped
    return text


def _file_name(raw: str) -> str:
    """The file name from an attachment line, without marks or the " • 3 pages" suffix."""
    name = raw.translate(_DROP_MARKS).strip()
    if " • " in name:
        name = name.split(" • ", 1)[0].strip()
    return name


def iter_messages(source: Source, **options) -> Iterator[Message]:
    """Messages of a WhatsApp export one at a time, without keeping them."""
    yield from WhatsAppReader(source, **options).iter_messages()


def parse(
    source: Source,
    *,
    zone_name: str,
    zone_source: str,
    name: str | None = None,
    date_order: str = "auto",
    default_date_order: str = "day-first",
) -> Conversation:
    reader = WhatsAppReader(
        source,
        name=name,
        date_order=date_order,
        default_date_order=default_date_order,
    )
    # The list of all messages grows to a million objects: keep the collector paused while it
    # does (see iter_batches), or every few batches it would walk them all again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        messages: list[Message] = []
        for batch in reader.iter_batches():
            messages.extend(batch)
    finally:
        if collecting:
            gc.enable()
    return Conversation(
        format=FORMAT,
        messages=messages,
        participants=list(reader.authors),
        locale=reader.locale,
        zone_name=zone_name,
        zone_source=zone_source,
        warnings=reader.warnings,
        skipped_lines=reader.skipped,
        format_details=reader.format_details(),
        source_name=name,
        line_count=reader.line_count,
    )
