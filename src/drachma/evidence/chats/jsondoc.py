"""Reading the JSON chat downloads (Messenger, Instagram, Telegram) with the position of each
message in the file, so that every message can be traced to the lines it came from."""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from typing import Any

from .model import ChatParseError

_WS = re.compile(r"[ \t\n\r]*")
# Telegram Desktop has written control characters as "\x0C" (not a JSON escape). Turn them into
# the JSON escape for the same character, "\u000c", so the text is kept rather than dropped. An
# escaped backslash before the x (an even run of backslashes) is left alone.
_X_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\x([0-9A-Fa-f]{2})")


@dataclass
class Item:
    """One element of the top-level "messages" array and where it sits in the file."""

    value: Any
    index: int
    first_line: int
    last_line: int


@dataclass
class Document:
    top: dict[str, Any]  # every top-level key except "messages"
    items: list[Item] | None  # None when there is no top-level "messages" array
    byte_order_mark: bool
    repaired_escapes: int
    line_count: int


def decode_json_text(data: bytes, *, format: str | None = None) -> tuple[str, bool]:
    """The text of a JSON download and whether it began with a byte-order mark."""
    bom = data.startswith(codecs.BOM_UTF8)
    if bom:
        data = data[3:]
    try:
        return data.decode("utf-8"), bom
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise ChatParseError(
            f"Line {line} is not valid UTF-8 (byte 0x{data[e.start]:02x}); the download is "
            "expected to be UTF-8 JSON.",
            line=line,
            format=format,
        ) from None


def _error(text: str, pos: int, what: str, format: str | None) -> ChatParseError:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return ChatParseError(
        f"Invalid JSON at line {line}, column {column}: {what}.", line=line, format=format
    )


def read_document(text: str, *, bom: bool = False, format: str | None = None) -> Document:
    """Walk the top-level object, decoding each value with the standard library's decoder and
    recording where each element of "messages" starts and ends."""
    try:
        return _walk(text, bom=bom, repaired=0, format=format)
    except json.JSONDecodeError as e:
        if e.msg.startswith("Invalid \\escape") and _X_ESCAPE.search(text):
            fixed, count = _X_ESCAPE.subn(r"\1\\u00\2", text)
            try:
                return _walk(fixed, bom=bom, repaired=count, format=format)
            except json.JSONDecodeError as e2:
                raise _error(fixed, e2.pos, e2.msg, format) from None
        raise _error(text, e.pos, e.msg, format) from None


def _skip_whitespace(text: str, i: int) -> int:
    """The index of the first character at or after ``i`` that is not JSON whitespace."""
    m = _WS.match(text, i)
    return m.end() if m else i  # the pattern matches the empty string, so m is never None


def _walk(text: str, *, bom: bool, repaired: int, format: str | None) -> Document:
    decoder = json.JSONDecoder(strict=False)
    decode = decoder.raw_decode
    ws = _skip_whitespace
    i = ws(text, 0)
    if text[i : i + 1] != "{":
        raise _error(text, i, "expected the file to be one JSON object ('{')", format)
    i = ws(text, i + 1)
    top: dict[str, Any] = {}
    items: list[Item] | None = None
    line, counted = 1, 0
    if text[i : i + 1] == "}":
        i += 1
    else:
        while True:
            if text[i : i + 1] != '"':
                raise _error(text, i, "expected a key in double quotes", format)
            key, i = decode(text, i)
            i = ws(text, i)
            if text[i : i + 1] != ":":
                raise _error(text, i, "expected ':' after a key", format)
            i = ws(text, i + 1)
            if key == "messages" and text[i : i + 1] == "[":
                items = []
                i = ws(text, i + 1)
                if text[i : i + 1] == "]":
                    i += 1
                else:
                    while True:
                        start = i
                        value, i = decode(text, i)
                        line += text.count("\n", counted, start)
                        first = line
                        line += text.count("\n", start, i)
                        counted = i
                        items.append(Item(value, len(items), first, line))
                        i = ws(text, i)
                        c = text[i : i + 1]
                        if c == ",":
                            i = ws(text, i + 1)
                        elif c == "]":
                            i += 1
                            break
                        else:
                            raise _error(
                                text, i, "expected ',' or ']' in the messages array", format
                            )
            else:
                top[key], i = decode(text, i)
            i = ws(text, i)
            c = text[i : i + 1]
            if c == ",":
                i = ws(text, i + 1)
            elif c == "}":
                i += 1
                break
            else:
                raise _error(text, i, "expected ',' or '}'", format)
    i = ws(text, i)
    if i != len(text):
        raise _error(text, i, "unexpected text after the JSON object", format)
    line_count = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    return Document(top, items, bom, repaired, line_count)


def fix_mojibake(value: str) -> str:
    """Undo Facebook's encoding bug: UTF-8 bytes written as if each were a Latin-1 character.
    Only a string that round-trips (encodes to Latin-1, decodes as UTF-8) is changed."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value
