"""Telegram Desktop chat exports in JSON (``result.json`` of "Export chat history").

A single-chat export has ``name``, ``type``, ``id`` and ``messages``. Each message has ``id``,
``type`` ("message" or "service"), ``date`` (the exporting computer's local wall clock, ISO 8601
without an offset) and, in exports since 2021, ``date_unixtime`` (the instant, seconds since
1970 UTC, as a string). ``text`` is a string or an array of plain strings and entities
({"type": "bold", "text": ...}); the message text is their concatenation, unchanged. Service
messages carry ``actor`` and ``action`` (create_group, invite_members, phone_call...). Edited
messages carry ``edited`` (and ``edited_unixtime``). Media appear as ``photo`` or ``file`` (a
path inside the export, or a note in parentheses when the file was not downloaded) with
``media_type``, ``mime_type`` and ``file_name``.

Where ``date_unixtime`` is present the UTC time is the export's own; otherwise it is derived
from ``date`` in the caller's (or the default) zone and marked as such. Old exports that write
control characters as ``\\x0C`` (not valid JSON) are repaired, keeping the characters.

A message from an account since deleted has ``"from": null`` beside its ``from_id``
(mlomb/chat-analytics pipeline/parse/parsers/Telegram.d.ts: "sometimes from is null"). Its
sender is unknown: ``sender`` is None, the id is kept in ``details.sender_id`` and the message
flagged ``details.deleted_account``; the account is not made a participant.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from .jsondoc import Document, Item
from .model import SECONDS, ChatParseError, Conversation, Message, ParseWarning

FORMAT = "telegram"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CALL_ACTIONS = ("phone_call", "group_call")
_SERVICE_KEYS = (
    "action",
    "actor",
    "actor_id",
    "title",
    "members",
    "duration_seconds",
    "discard_reason",
    "message_id",
    "inviter",
    "text",
)


def looks_like(doc: Document) -> bool:
    if doc.items is None:
        return False
    if not doc.items:
        return "type" in doc.top or "name" in doc.top
    first = doc.items[0].value
    return (
        isinstance(first, dict)
        and ("date" in first or "date_unixtime" in first)
        and "timestamp_ms" not in first
    )


def is_account_export(doc: Document) -> bool:
    chats = doc.top.get("chats")
    return isinstance(chats, dict) and isinstance(chats.get("list"), list)


def account_export_error(doc: Document) -> ChatParseError:
    chats = doc.top["chats"]["list"]
    names = [str(c.get("name")) for c in chats[:10] if isinstance(c, dict)]
    more = f" and {len(chats) - 10} more" if len(chats) > 10 else ""
    return ChatParseError(
        f"This is a whole-account Telegram export holding {len(chats)} chats "
        f"({', '.join(names)}{more}). Export the one chat on its own (chat menu, "
        "'Export chat history', format JSON) and give its result.json.",
        format=FORMAT,
    )


def text_of(value: Any) -> str:
    """A message's text: a string, or the concatenation of an array of strings and entities."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(
            part
            if isinstance(part, str)
            else str(part.get("text", ""))
            if isinstance(part, dict)
            else ""
            for part in value
        )
    return ""


def parse(doc: Document, *, name: str | None, zone_name: str, zone_source: str) -> Conversation:
    messages = [_message(item) for item in doc.items or ()]
    warnings: list[ParseWarning] = []
    inversions = [
        messages[i].first_line
        for i in range(1, len(messages))
        if _instant_key(messages[i]) < _instant_key(messages[i - 1])
    ]
    if inversions:
        warnings.append(
            ParseWarning(
                "out_of_order",
                f"{len(inversions)} message(s) are dated earlier than the message before them; "
                "they are kept in file order.",
                inversions[:50],
            )
        )
    if doc.repaired_escapes:
        warnings.append(
            ParseWarning(
                "escapes_repaired",
                f"{doc.repaired_escapes} invalid '\\xNN' escape(s) (written by older Telegram "
                "Desktop versions) were read as the control characters they stand for.",
            )
        )
    missing_unix = sum(1 for m in messages if m.utc_stated is None)
    if missing_unix:
        warnings.append(
            ParseWarning(
                "no_unixtime",
                f"{missing_unix} message(s) have no date_unixtime; their UTC time is derived from "
                f"the local 'date' in the zone {zone_name}, which may not be the zone of the "
                "computer that made the export.",
            )
        )
    offsets = {
        int((m.wall - m.utc_stated.replace(tzinfo=None)).total_seconds() // 60)
        for m in messages
        if m.utc_stated is not None and m.wall.tzinfo is None
    }
    deleted_ids = list(
        dict.fromkeys(
            str(m.details["sender_id"])
            for m in messages
            if m.details and m.details.get("deleted_account") and "sender_id" in m.details
        )
    )
    if deleted_ids:
        count = sum(1 for m in messages if m.details and m.details.get("deleted_account"))
        warnings.append(
            ParseWarning(
                "deleted_accounts",
                f"{count} message(s) come from {len(deleted_ids)} account(s) the export does not "
                f"name (deleted accounts: {', '.join(deleted_ids[:10])}"
                f"{'…' if len(deleted_ids) > 10 else ''}). Their sender is unknown; each keeps "
                "the account's id in details.sender_id.",
                [m.first_line for m in messages if m.details and m.details.get("deleted_account")][
                    :50
                ],
            )
        )
    participants = list(
        dict.fromkeys(m.sender for m in messages if m.sender is not None and m.kind != "system")
    )
    details = {
        "chat_name": doc.top.get("name"),
        "chat_type": doc.top.get("type"),
        "chat_id": doc.top.get("id"),
        "byte_order_mark": "UTF-8" if doc.byte_order_mark else None,
        "escapes_repaired": doc.repaired_escapes,
        "exporter_utc_offsets_minutes": sorted(offsets),
        "deleted_account_ids": deleted_ids,
    }
    return Conversation(
        format=FORMAT,
        messages=messages,
        participants=participants,
        locale=None,
        zone_name=zone_name,
        zone_source=zone_source,
        warnings=warnings,
        format_details=details,
        source_name=name,
        line_count=doc.line_count,
    )


def _instant_key(m: Message) -> datetime:
    return m.utc_stated.replace(tzinfo=None) if m.utc_stated is not None else m.wall


def _message(item: Item) -> Message:
    m = item.value
    where = f"message {item.index} (line {item.first_line})"
    if not isinstance(m, dict):
        raise ChatParseError(f"{where} is not a JSON object.", line=item.first_line, format=FORMAT)
    date_s = m.get("date")
    unix = m.get("date_unixtime")
    utc_stated = None
    if unix is not None:
        try:
            utc_stated = EPOCH + timedelta(seconds=int(unix))
        except (TypeError, ValueError, OverflowError):
            raise ChatParseError(
                f"{where} has an unreadable date_unixtime {unix!r}.",
                line=item.first_line,
                format=FORMAT,
            ) from None
    if isinstance(date_s, str):
        try:
            wall = datetime.fromisoformat(date_s)
        except ValueError:
            raise ChatParseError(
                f"{where} has an unreadable date {date_s!r}.", line=item.first_line, format=FORMAT
            ) from None
    elif utc_stated is not None:
        wall = utc_stated
    else:
        raise ChatParseError(
            f"{where} has neither date nor date_unixtime.", line=item.first_line, format=FORMAT
        )

    text = text_of(m.get("text"))
    details: dict[str, Any] = {}
    if "id" in m:
        details["message_id"] = m["id"]
    for key in ("reply_to_message_id", "forwarded_from", "via_bot", "saved_from"):
        if m.get(key) is not None:
            details[key] = m[key]
    edited = "edited" in m or "edited_unixtime" in m
    if edited and m.get("edited"):
        details["edited_at"] = m["edited"]
    reactions = _reactions(m.get("reactions"))
    attachments: tuple[str, ...] = ()

    if m.get("type") == "service":
        action = m.get("action")
        details.update({k: m[k] for k in _SERVICE_KEYS if k in m and k != "text"})
        if m.get("actor") is None and m.get("actor_id") is not None:
            details["deleted_account"] = True
        if action in CALL_ACTIONS:
            kind, sender = "call", _named(m, "actor", "actor_id", details)
        else:
            kind, sender = "system", None
    else:
        sender = _named(m, "from", "from_id", details)
        for key in ("media_type", "mime_type", "file_name", "sticker_emoji", "duration_seconds"):
            if m.get(key) is not None:
                details[key] = m[key]
        if isinstance(m.get("poll"), dict):
            details["poll"] = m["poll"]
        if isinstance(m.get("location_information"), dict):
            details["location"] = m["location_information"]
        path = m.get("photo") or m.get("file")
        if isinstance(path, str) and path:
            if path.startswith("("):
                kind = "media_omitted"
                details["media_note"] = path
            else:
                kind = "attachment"
                attachments = (path,)
        elif text or "poll" in details or "location" in details or m.get("contact_information"):
            kind = "text"
        else:
            kind = "empty"
    return Message(
        sender,
        wall,
        text,
        kind,
        item.first_line,
        item.last_line,
        attachments=attachments,
        edited=edited,
        utc_stated=utc_stated,
        details=details or None,
        reactions=reactions,
        source_index=item.index,
        precision=SECONDS,
    )


def _named(m: dict, name_key: str, id_key: str, details: dict[str, Any]) -> str | None:
    """The sender's name; None for an account the export does not name (a deleted account:
    its id is kept in ``details`` and the message flagged)."""
    if isinstance(m.get(name_key), str):
        return m[name_key]
    if m.get(id_key) is not None:
        details["sender_id"] = m[id_key]
        details["deleted_account"] = True
    return None


def _reactions(value: Any) -> tuple[dict[str, Any], ...]:
    out: list[dict[str, Any]] = []
    for r in value if isinstance(value, list) else ():
        if not isinstance(r, dict):
            continue
        emoji = r.get("emoji") or r.get("document_id") or r.get("type")
        recent = r.get("recent") if isinstance(r.get("recent"), list) else []
        if recent:
            for who in recent:
                if isinstance(who, dict):
                    out.append(
                        {"reaction": emoji, "actor": who.get("from"), "date": who.get("date")}
                    )
        else:
            out.append({"reaction": emoji, "actor": None, "count": r.get("count")})
    return tuple(out)
