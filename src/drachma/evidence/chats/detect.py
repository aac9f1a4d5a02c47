"""Which chat export a file is, and the entry points that read one.

The format is detected from the content, never from the file name: a file that starts with a
JSON object is a Messenger/Instagram download or a Telegram result.json, told apart by their
keys; any other text is read as a WhatsApp export if its lines look like WhatsApp message
headers. Anything else is refused with ``UnknownChatFormat`` naming the formats tried.
"""

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from . import messenger, telegram, whatsapp
from .jsondoc import decode_json_text, read_document
from .model import (
    DEFAULT_MAX_BYTES,
    ChatParseError,
    ChatTooLarge,
    Conversation,
    Message,
    SourceFile,
    UnknownChatFormat,
    get_zone,
)

TRIED = (
    "WhatsApp text export (Android or iOS)",
    "Facebook Messenger JSON (message_N.json)",
    "Instagram JSON (message_N.json)",
    "Telegram Desktop JSON (result.json)",
)
HEAD = 64 * 1024


def _unknown(why: str, header_layouts: tuple[str, ...] = ()) -> UnknownChatFormat:
    return UnknownChatFormat(
        f"This is not a chat export Drachma can read: {why}. Tried: {'; '.join(TRIED)}.",
        tried=TRIED,
        header_layouts_tried=header_layouts,
    )


def _kind_of_head(head: bytes) -> str:
    """ "json", "text", or raises UnknownChatFormat for what is plainly neither."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text"
    body = head[3:] if head.startswith(codecs.BOM_UTF8) else head
    if not body.strip():
        raise _unknown("the file is empty")
    if body.startswith(b"PK\x03\x04"):
        raise _unknown("it is a ZIP archive; extract the chat's .txt or .json file from it first")
    if body.startswith(b"%PDF"):
        raise _unknown("it is a PDF document")
    if b"\x00" in body:
        raise _unknown("it is binary data, not text")
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(body, final=False)
    except UnicodeDecodeError as e:
        # A bad byte after some good lines is the export's problem, reported with its line
        # by the parser; a file that is not UTF-8 from its first line is not an export.
        if b"\n" not in body[: e.start]:
            raise _unknown("it is not UTF-8 text") from None
    return "json" if body.lstrip()[:1] == b"{" else "text"


def _from_json(data: bytes, name: str | None, zone_name: str, zone_source: str) -> Conversation:
    text, bom = decode_json_text(data)
    doc = read_document(text, bom=bom)
    if telegram.is_account_export(doc):
        raise telegram.account_export_error(doc)
    if messenger.looks_like(doc):
        return messenger.parse(doc, name=name, zone_name=zone_name, zone_source=zone_source)
    if telegram.looks_like(doc):
        return telegram.parse(doc, name=name, zone_name=zone_name, zone_source=zone_source)
    keys = ", ".join(sorted(doc.top)[:8]) or "none"
    raise _unknown(
        "it is JSON but has no 'messages' array of Messenger/Instagram or Telegram messages "
        f"(top-level keys: {keys})"
    )


def _parse(
    opener: Callable[[], BinaryIO],
    size: int,
    *,
    name: str | None,
    timezone: str | None,
    max_bytes: int | None,
    date_order: str,
    default_date_order: str,
) -> Conversation:
    zone, zone_name, zone_source = get_zone(timezone)
    if max_bytes is not None and size > max_bytes:
        raise ChatTooLarge(size, max_bytes)
    with opener() as f:
        head = f.read(HEAD)
    if _kind_of_head(head) == "json":
        with opener() as f:
            data = f.read()
        conversation = _from_json(data, name, zone_name, zone_source)
    else:
        try:
            conversation = whatsapp.parse(
                opener,
                zone_name=zone_name,
                zone_source=zone_source,
                name=name,
                date_order=date_order,
                default_date_order=default_date_order,
            )
        except whatsapp.NotWhatsApp as e:
            raise _unknown(f"{e.why} and it is not JSON", e.layouts_tried) from None
    # The original stays the source of every byte; it is read again only when asked.
    conversation.source = SourceFile(opener)
    return conversation


def parse_chat_file(
    path: str | os.PathLike,
    *,
    timezone: str | None = None,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    date_order: str = "auto",
    default_date_order: str = "day-first",
) -> Conversation:
    """Read a chat export from disk.

    ``timezone`` is the IANA zone used to derive UTC from wall-clock times the export does not
    anchor (None: Europe/London, recorded as an assumption). ``max_bytes`` refuses larger files
    with ``ChatTooLarge`` (None: no limit). ``date_order`` ("auto", "day-first", "month-first")
    overrides WhatsApp date-order detection; ``default_date_order`` breaks a tie in a file
    whose dates read both ways. Raises ``ChatParseError`` (a ValueError) for anything unreadable.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ChatParseError(f"No such file: {path}") from None
    if path.is_dir():
        raise ChatParseError(f"{path} is a directory, not a chat export file.")
    return _parse(
        lambda: open(path, "rb"),
        size,
        name=path.name,
        timezone=timezone,
        max_bytes=max_bytes,
        date_order=date_order,
        default_date_order=default_date_order,
    )


def parse_chat_bytes(
    data: bytes,
    *,
    name: str | None = None,
    timezone: str | None = None,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    date_order: str = "auto",
    default_date_order: str = "day-first",
) -> Conversation:
    """Read a chat export held in memory (an upload, a bundle member). Options as for
    ``parse_chat_file``; ``name`` is only recorded (and used to tell Instagram from Messenger
    when nothing else does)."""
    return _parse(
        lambda: io.BytesIO(data),
        len(data),
        name=name,
        timezone=timezone,
        max_bytes=max_bytes,
        date_order=date_order,
        default_date_order=default_date_order,
    )


def iter_whatsapp_messages(
    path: str | os.PathLike,
    *,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    date_order: str = "auto",
    default_date_order: str = "day-first",
) -> Iterator[Message]:
    """A WhatsApp export's messages one at a time, reading the file in chunks, for callers that
    do not need them all at once (counting, indexing, copying to a database)."""
    path = Path(path)
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise ChatTooLarge(size, max_bytes)
    try:
        reader = whatsapp.WhatsAppReader(
            lambda: open(path, "rb"),  # noqa: SIM115
            name=path.name,
            date_order=date_order,
            default_date_order=default_date_order,
        )
    except whatsapp.NotWhatsApp as e:
        raise _unknown(e.why, e.layouts_tried) from None
    return reader.iter_messages()
