"""The normalized conversation every chat-export parser produces, and its JSON form.

A ``Conversation`` holds ``Message`` objects in the order the export lists them (Messenger,
which lists newest first, is the one documented exception: see ``messenger.py``). Each message
keeps the wall-clock time exactly as the export states it; the UTC instant is derived on
demand, from the export itself where it states one (Messenger, Telegram's ``date_unixtime``)
or from a time zone the caller chose or Drachma assumed (Europe/London by default).

Nothing here touches the database: uploads, the ``parse_chat`` command and the bundle all use
these objects directly.
"""

from __future__ import annotations

import codecs
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, AnyStr, BinaryIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Europe/London"
# Large enough for any real export (WhatsApp text of a decade-long group chat is tens of MB),
# small enough that a mistaken upload of a disk image is refused with a clear message.
DEFAULT_MAX_BYTES = 512 * 1024 * 1024

KINDS = ("text", "attachment", "media_omitted", "deleted", "system", "call", "reaction", "empty")

# The three formats the export can state a timestamp in; they decide ``timestamp``'s precision.
MINUTES, SECONDS, MILLISECONDS = "minutes", "seconds", "milliseconds"


class ChatParseError(ValueError):
    """A chat export could not be read. The message says what is wrong and, where known, where."""

    def __init__(self, message: str, *, line: int | None = None, format: str | None = None):
        super().__init__(message)
        self.line = line
        self.format = format


class UnknownChatFormat(ChatParseError):
    """The file is none of the formats Drachma reads; ``tried`` names them, and
    ``header_layouts_tried`` the WhatsApp header shapes tried on a text file."""

    def __init__(
        self, message: str, *, tried: tuple[str, ...], header_layouts_tried: tuple[str, ...] = ()
    ):
        super().__init__(message)
        self.tried = tried
        self.header_layouts_tried = header_layouts_tried


class ChatTooLarge(ChatParseError):
    """The file is larger than the caller's ``max_bytes``."""

    def __init__(self, size: int, limit: int):
        super().__init__(
            f"The file is {size:,} bytes, more than the limit of {limit:,} bytes. "
            "Raise the limit (max_bytes / --max-bytes) if this really is one chat export."
        )
        self.size, self.limit = size, limit


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"


def get_zone(name: str | None) -> tuple[ZoneInfo, str, str]:
    """(zone, its name, "caller" or "default") for a zone name or None."""
    if name is None:
        return ZoneInfo(DEFAULT_ZONE), DEFAULT_ZONE, "default"
    try:
        return ZoneInfo(name), name, "caller"
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"Unknown time zone {name!r}: give an IANA name such as 'Europe/London'."
        ) from None


class Message:
    """One entry of a conversation.

    ``source_index`` is the message's position in the file where that differs from its
    position in the conversation (None: the same).
    ``wall`` is the time as the export states it: naive for exports that give a local wall
    clock (WhatsApp, Telegram's ``date``), aware (UTC) for exports that give an instant
    (Messenger's ``timestamp_ms``). ``utc_stated`` is the instant where the export gives one
    alongside a wall clock (Telegram's ``date_unixtime``). ``first_line``/``last_line`` are the
    1-based lines of the original file the message came from; the original's exact bytes for
    them are ``Conversation.source_bytes(message)``.

    ``text`` is what the person wrote. What the export added around it is kept in
    ``artefacts`` (None when there is none), a dict with any of: ``direction_marks_removed``
    (the invisible direction marks taken out of the text, as ``[position, "U+200E"]`` pairs,
    positions counted in ``text`` + ``trailing_whitespace``), ``attachment_markers`` (each
    marker naming an attached file: ``file_name``, the marker's ``words``, the marker
    ``as_written``, and for an iOS document its ``document`` description), ``edited_marker``
    (the "<This message was edited>" marker as written, with the spaces before it),
    ``trailing_whitespace`` and ``empty_body_marker`` (the "." of an Android "Name:." line).
    """

    __slots__ = (
        "sender",
        "wall",
        "text",
        "kind",
        "attachments",
        "first_line",
        "last_line",
        "edited",
        "utc_stated",
        "details",
        "reactions",
        "source_index",
        "precision",
        "artefacts",
    )

    def __init__(
        self,
        sender: str | None,
        wall: datetime,
        text: str,
        kind: str,
        first_line: int,
        last_line: int,
        precision: str = SECONDS,
        attachments: tuple[str, ...] = (),
        edited: bool = False,
        details: dict[str, Any] | None = None,
        utc_stated: datetime | None = None,
        reactions: tuple[dict[str, Any], ...] = (),
        source_index: int | None = None,
        artefacts: dict[str, Any] | None = None,
    ):
        self.sender = sender
        self.wall = wall
        self.text = text
        self.kind = kind
        self.first_line = first_line
        self.last_line = last_line
        self.attachments = attachments
        self.edited = edited
        self.utc_stated = utc_stated
        self.details = details
        self.reactions = reactions
        self.source_index = source_index
        self.precision = precision
        self.artefacts = artefacts

    @property
    def timestamp(self) -> str:
        """The wall-clock time exactly as the export states it, in ISO 8601."""
        return self.wall.isoformat(timespec=self.precision)

    @property
    def source_lines(self) -> list[int]:
        return list(range(self.first_line, self.last_line + 1))

    def _artefact(self, key: str, default: Any = None) -> Any:
        return self.artefacts.get(key, default) if self.artefacts else default

    @property
    def direction_marks_removed(self) -> list[list]:
        return self._artefact("direction_marks_removed", [])

    @property
    def attachment(self) -> dict[str, Any] | None:
        """The (first) attachment marker moved out of the text, or None."""
        markers = self._artefact("attachment_markers")
        return markers[0] if markers else None

    @property
    def edited_marker(self) -> str | None:
        return self._artefact("edited_marker")

    @property
    def trailing_whitespace(self) -> str:
        return self._artefact("trailing_whitespace", "")

    def __repr__(self) -> str:
        return (
            f"Message({self.sender!r}, {self.timestamp}, {self.kind}, {self.text[:40]!r}, "
            f"lines {self.first_line}-{self.last_line})"
        )


class ZoneConverter:
    """Wall clock to UTC in one zone, deterministic across DST changes.

    A wall time that occurs twice (the hour the clocks go back) is read as its *first*
    occurrence (fold=0, summer time in the UK). A wall time that never occurs (the hour the
    clocks go forward) is read with the offset in force just *before* the change (fold=0 again,
    so 01:30 on the UK's spring-forward day becomes 01:30 UTC). Both cases are reported with a
    note. Offsets are cached per day, and on the days the clocks change per hour once the hour
    is known to be unambiguous.
    """

    def __init__(self, zone: ZoneInfo):
        self.zone = zone
        self._days: dict[int, timedelta] = {}
        self._changing_days: set[int] = set()
        self._hours: dict[tuple[int, int, int, int], timedelta] = {}

    def offset(self, wall: datetime) -> tuple[timedelta, str | None]:
        """The zone's UTC offset at this wall-clock time, and a note for a DST gap or fold."""
        day = wall.toordinal()
        offset = self._days.get(day)
        if offset is not None:
            return offset, None
        if day not in self._changing_days:
            # A day whose first and last second have one unambiguous offset has it all day
            # (no zone changes its clocks twice in a day).
            start = datetime(wall.year, wall.month, wall.day)
            ends = (start, start + timedelta(hours=23, minutes=59, seconds=59))
            offsets = {self._utcoffset(t, fold=f) for t in ends for f in (0, 1)}
            if len(offsets) == 1:
                offset = self._days[day] = offsets.pop()
                return offset, None
            self._changing_days.add(day)
        key = (wall.year, wall.month, wall.day, wall.hour)
        offset = self._hours.get(key)
        if offset is not None:
            return offset, None
        offset = self._utcoffset(wall, fold=0)
        other = self._utcoffset(wall, fold=1)
        note = None
        if other != offset:
            back = (wall - offset).replace(tzinfo=UTC).astimezone(self.zone).replace(tzinfo=None)
            if back == wall:
                note = (
                    f"ambiguous: {wall.isoformat()} happens twice in {self.zone.key} "
                    "(clocks went back); read as the first occurrence"
                )
            else:
                note = (
                    f"nonexistent: {wall.isoformat()} does not happen in {self.zone.key} "
                    "(clocks went forward); read with the offset in force before the change"
                )
        else:
            start = wall.replace(minute=0, second=0, microsecond=0)
            probes = [start + timedelta(minutes=q) for q in (0, 15, 30, 45)]
            probes.append(start + timedelta(minutes=59, seconds=59))
            same = all(self._utcoffset(t, fold=f) == offset for t in probes for f in (0, 1))
            if same:
                self._hours[key] = offset
        return offset, note

    def _utcoffset(self, wall: datetime, *, fold: int) -> timedelta:
        offset = wall.replace(tzinfo=self.zone, fold=fold).utcoffset()
        if offset is None:  # a ZoneInfo always answers; only a bare tzinfo may not
            raise ValueError(f"{self.zone.key} gives no UTC offset for {wall.isoformat()}")
        return offset

    def convert(self, wall: datetime) -> tuple[datetime, str | None]:
        offset, note = self.offset(wall)
        return (wall - offset).replace(tzinfo=UTC), note


def _line_starts(data: AnyStr, newline: AnyStr, start: int) -> array:
    """Where each line of ``data`` begins: at ``start``, and after every ``newline``."""
    starts = array("q", [start])
    find = data.find
    i = find(newline, start)
    while i != -1:
        starts.append(i + 1)
        i = find(newline, i + 1)
    return starts


class SourceFile:
    """The original file, line by line and byte for byte: what ``source_lines`` point at.

    Parsing never keeps the file; it is read again, through ``opener``, the first time a line
    is asked for, and the start of every line noted then. Lines end at LF: a CR before it, and
    every other byte, belongs to the line, so joining lines 1 to N gives back the file exactly
    (after its byte-order mark, which is not part of line 1: see ``byte_order_mark``). A
    UTF-16 file is decoded to find its lines and each line encoded again, which gives back the
    same bytes.
    """

    def __init__(self, opener: Callable[[], BinaryIO]):
        self._opener = opener
        self._data: bytes | str | None = None
        self._starts: array | None = None
        self.encoding = "utf-8"
        self.byte_order_mark = b""

    def _load(self) -> tuple[bytes | str, array]:
        if self._data is None or self._starts is None:
            with self._opener() as f:
                raw = f.read()
            data: bytes | str
            if raw.startswith(codecs.BOM_UTF8):
                self.byte_order_mark, data = raw[:3], raw
            elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                self.byte_order_mark = raw[:2]
                self.encoding = "utf-16-le" if raw.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
                data = raw[2:].decode(self.encoding)
            else:
                data = raw
            if isinstance(data, str):
                starts = _line_starts(data, "\n", 0)
            else:
                starts = _line_starts(data, b"\n", len(self.byte_order_mark))
            self._data, self._starts = data, starts
        return self._data, self._starts

    @property
    def line_count(self) -> int:
        data, starts = self._load()
        return len(starts) - (1 if starts[-1] == len(data) else 0)

    def _slice(self, first: int, last: int) -> bytes | str:
        data, starts = self._load()
        count = len(starts) - (1 if starts[-1] == len(data) else 0)
        if not 1 <= first <= last <= count:
            raise ValueError(f"Lines {first}-{last} are not in the file (it has {count} lines).")
        end = starts[last] if last < len(starts) else len(data)
        return data[starts[first - 1] : end]

    def line_bytes(self, first: int, last: int | None = None) -> bytes:
        """Lines ``first`` to ``last`` (1-based, inclusive) exactly as the file holds them."""
        piece = self._slice(first, first if last is None else last)
        return piece.encode(self.encoding) if isinstance(piece, str) else piece

    def line_text(self, first: int, last: int | None = None) -> str:
        """The same lines as text, line ends (CR LF or LF) included."""
        piece = self._slice(first, first if last is None else last)
        return piece if isinstance(piece, str) else piece.decode(self.encoding)


@dataclass
class ParseWarning:
    """Something an investigator should know about how the file was read."""

    code: str
    message: str
    lines: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.lines:
            d["lines"] = self.lines
        return d


@dataclass
class SkippedLine:
    """A line of the file that belongs to no message (e.g. before the first message header)."""

    line: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "text": self.text}


@dataclass
class Conversation:
    format: str  # "whatsapp", "messenger", "instagram", "telegram"
    messages: list[Message]
    participants: list[str]
    locale: str | None = None
    zone_name: str = DEFAULT_ZONE
    zone_source: str = "default"  # "default" or "caller"
    warnings: list[ParseWarning] = field(default_factory=list)
    skipped_lines: list[SkippedLine] = field(default_factory=list)
    format_details: dict[str, Any] = field(default_factory=dict)
    source_name: str | None = None
    line_count: int = 0
    source: SourceFile | None = field(default=None, repr=False, compare=False)
    _converter: ZoneConverter | None = field(default=None, repr=False)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.zone_name)

    @property
    def zone_assumed(self) -> bool:
        """True when any message's UTC time depends on the zone rather than on the export."""
        return any(m.wall.tzinfo is None and m.utc_stated is None for m in self.messages)

    def utc(self, message: Message) -> tuple[datetime, str | None]:
        """The message's UTC instant and, for DST gaps and folds, a note saying how it was read."""
        if message.utc_stated is not None:
            return message.utc_stated, None
        if message.wall.tzinfo is not None:
            return message.wall.astimezone(UTC), None
        if self._converter is None:
            self._converter = ZoneConverter(self.zone)
        return self._converter.convert(message.wall)

    def utc_naive(self) -> list[datetime]:
        """Every message's UTC instant as a naive datetime, in message order: the fast form
        for comparing and subtracting times across a whole conversation."""
        if self._converter is None:
            self._converter = ZoneConverter(self.zone)
        offset_of = self._converter.offset
        out: list[datetime] = []
        append = out.append
        # The last naive wall time converted and its UTC instant (runs of messages often
        # share one datetime object); ``last`` is read only once ``last_wall`` is set.
        last_wall: datetime | None = None
        last = datetime.min
        for m in self.messages:
            wall = m.wall
            if m.utc_stated is not None:
                append(m.utc_stated.replace(tzinfo=None))
            elif wall.tzinfo is not None:
                append(wall.astimezone(UTC).replace(tzinfo=None))
            elif wall is last_wall:
                append(last)
            else:
                last_wall, last = wall, wall - offset_of(wall)[0]
                append(last)
        return out

    def local(self, message: Message) -> datetime:
        """The message's time on a wall clock in this conversation's zone."""
        if message.wall.tzinfo is None and message.utc_stated is None:
            return message.wall
        return self.utc(message)[0].astimezone(self.zone).replace(tzinfo=None)

    def _source(self) -> SourceFile:
        if self.source is None:
            raise ValueError(
                "This conversation was built without its original file, so its source lines "
                "cannot be shown."
            )
        return self.source

    def source_bytes(self, message: Message) -> bytes:
        """The message's lines (``source_lines``) exactly as the original file holds them."""
        return self._source().line_bytes(message.first_line, message.last_line)

    def source_text(self, message: Message) -> str:
        """The message's lines as text, exactly as written: marks, markers and line ends kept."""
        return self._source().line_text(message.first_line, message.last_line)

    def message_dict(self, message: Message, index: int, *, source: bool = False) -> dict[str, Any]:
        """The message as JSON-ready data; ``source=True`` adds its lines exactly as written."""
        utc, note = self.utc(message)
        stated = message.utc_stated is not None or message.wall.tzinfo is not None
        d: dict[str, Any] = {
            "index": index,
            # The number a reader cites ("message 12"): the same in the app and the bundle.
            "number": index + 1,
            "sender": message.sender,
            "timestamp": message.timestamp,
            "utc": utc.isoformat(timespec=message.precision),
            "utc_basis": "stated" if stated else "zone",
            "text": message.text,
            "kind": message.kind,
            "edited": message.edited,
            "attachments": list(message.attachments),
            "source_lines": message.source_lines,
            "source_index": index if message.source_index is None else message.source_index,
        }
        if note:
            d["utc_note"] = note
        if message.reactions:
            d["reactions"] = [dict(r) for r in message.reactions]
        if message.details:
            d["details"] = message.details
        if message.artefacts:
            d["artefacts"] = message.artefacts
        if source:
            d["source"] = self.source_text(message)
        return d

    def iter_message_dicts(self, *, source: bool = False) -> Iterator[dict[str, Any]]:
        for index, message in enumerate(self.messages):
            yield self.message_dict(message, index, source=source)

    def artefact_counts(self) -> dict[str, int]:
        """How many messages had each kind of export artefact moved out of their text
        (``direction_marks``, ``attachment_markers``, ``edited_marker``,
        ``trailing_whitespace``, ``empty_body_marker``), and how many messages come from an
        unknown sender (``unknown_sender``: Telegram's deleted accounts). Only kinds present
        are listed."""
        counts: dict[str, int] = {}
        keys = {"direction_marks_removed": "direction_marks"}
        for m in self.messages:
            if m.artefacts:
                for key in m.artefacts:
                    name = keys.get(key, key)
                    counts[name] = counts.get(name, 0) + 1
            if m.details and m.details.get("deleted_account"):
                counts["unknown_sender"] = counts.get("unknown_sender", 0) + 1
        return counts

    def header_dict(self) -> dict[str, Any]:
        """Everything but the messages (and the quality report)."""
        return {
            "format": self.format,
            "locale": self.locale,
            "participants": list(self.participants),
            "zone": self.zone_name,
            "zone_source": self.zone_source,
            "zone_assumed": self.zone_assumed,
            "message_count": len(self.messages),
            "line_count": self.line_count,
            "source_name": self.source_name,
            "format_details": self.format_details,
            "warnings": [w.to_dict() for w in self.warnings],
            "skipped_lines": [s.to_dict() for s in self.skipped_lines],
        }

    def to_dict(self, *, source: bool = False) -> dict[str, Any]:
        d = self.header_dict()
        d["messages"] = list(self.iter_message_dicts(source=source))
        return d
