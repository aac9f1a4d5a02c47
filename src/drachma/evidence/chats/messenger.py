"""Facebook Messenger and Instagram JSON downloads (``message_1.json``...).

Both use one layout: ``participants`` ([{"name": ...}]) and ``messages``, each with
``sender_name``, ``timestamp_ms`` (an instant, milliseconds since 1970 UTC) and any of
``content``, ``photos``/``videos``/``audio_files``/``files``/``gifs`` (lists of {"uri": ...}),
``sticker``, ``share``, ``reactions``, ``call_duration``, ``is_unsent``, ``type``
(Generic, Share, Call, Subscribe, Unsubscribe) and ``users``.

Facebook writes text as UTF-8 bytes each escaped as if it were a Latin-1 character ("café"
arrives as "cafÃ©"); every string that round-trips is repaired and the count reported.

Facebook lists messages newest first. When a file is in that order it is presented oldest
first (the only re-ordering Drachma does, applied to the whole file and stated in a warning);
``source_index`` keeps each message's position in the file's array and ``source_lines`` its
lines. Any message that is out of step with that order is reported, not moved.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from .jsondoc import Document, Item, fix_mojibake
from .model import MILLISECONDS, ChatParseError, Conversation, Message, ParseWarning

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MEDIA_KEYS = ("photos", "videos", "audio_files", "files", "gifs")
# Split downloads hold at most this many messages per file.
FACEBOOK_FILE_LIMIT = 10_000
_REACTION_TEXT = re.compile(
    r"^(?:Liked a message|(?:.+ )?[Rr]eacted .+ to (?:your|a|their|his|her) message)$"
)
_UNSENT_TEXT = re.compile(r"^(?:.+|You) unsent a message\.?$")


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def looks_like(doc: Document) -> bool:
    if doc.items is None:
        return False
    if not doc.items:
        return "participants" in doc.top
    first = doc.items[0].value
    return isinstance(first, dict) and ("timestamp_ms" in first or "sender_name" in first)


def _which(doc: Document, name: str | None) -> tuple[str, str]:
    uris: list[str] = []
    for item in doc.items or ():
        m = item.value
        if not isinstance(m, dict):
            continue
        for key in MEDIA_KEYS:
            for media in _list(m.get(key)):
                if isinstance(media, dict) and isinstance(media.get("uri"), str):
                    uris.append(media["uri"])
        share = m.get("share")
        if isinstance(share, dict) and isinstance(share.get("link"), str):
            uris.append(share["link"])
    thread = doc.top.get("thread_path")
    if isinstance(thread, str):
        uris.append(thread)
    joined = " ".join(uris).lower()
    if "your_instagram_activity" in joined:
        return "instagram", "media paths are under your_instagram_activity/"
    if "your_facebook_activity" in joined or "your_activity_across_facebook" in joined:
        return "messenger", "media paths are under your_facebook_activity/"
    if "thread_type" in doc.top:
        return "messenger", "the file has Messenger's thread_type"
    if name and "instagram" in name.lower():
        return "instagram", "the file's name mentions Instagram"
    if "instagram.com/" in joined and "facebook.com/" not in joined:
        return "instagram", "shared links point to instagram.com"
    return "messenger", (
        "Messenger and Instagram use the same layout and nothing in this file tells them "
        "apart; read as Messenger"
    )


class _Fixer:
    def __init__(self) -> None:
        self.repaired = 0

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            fixed = fix_mojibake(value)
            if fixed != value:
                self.repaired += 1
            return fixed
        if isinstance(value, list):
            return [self(v) for v in value]
        if isinstance(value, dict):
            return {k: self(v) for k, v in value.items()}
        return value


def parse(doc: Document, *, name: str | None, zone_name: str, zone_source: str) -> Conversation:
    fmt, basis = _which(doc, name)
    fix = _Fixer()
    participants: list[str] = []
    for p in _list(doc.top.get("participants")):
        if isinstance(p, dict) and isinstance(p.get("name"), str):
            participants.append(fix(p["name"]))
    messages = [_message(item, fix, fmt) for item in doc.items or ()]
    title = doc.top.get("title")
    title = fix(title) if isinstance(title, str) else None
    warnings: list[ParseWarning] = []

    times = [m.wall for m in messages]
    down = sum(1 for a, b in zip(times, times[1:], strict=False) if b < a)
    up = sum(1 for a, b in zip(times, times[1:], strict=False) if b > a)
    newest_first = down > up
    if newest_first:
        messages.reverse()
        warnings.append(
            ParseWarning(
                "reversed",
                "The file lists messages newest first, as Facebook and Instagram do; they are "
                "shown oldest first. source_index gives each message's position in the file.",
            )
        )
    inversions = [
        messages[i].first_line
        for i in range(1, len(messages))
        if messages[i].wall < messages[i - 1].wall
    ]
    if inversions:
        warnings.append(
            ParseWarning(
                "out_of_order",
                f"{len(inversions)} message(s) are out of step with the file's time order; they "
                "are kept where the file puts them.",
                inversions[:50],
            )
        )
    senders = list(dict.fromkeys(m.sender for m in messages if m.sender is not None))
    former = [s for s in senders if s not in participants]
    if former and participants:
        warnings.append(
            ParseWarning(
                "unlisted_senders",
                "Sent messages but are not in the file's participants list (the list is taken at "
                f"download time, so they may have left): {', '.join(former)}.",
            )
        )
    if fix.repaired:
        warnings.append(
            ParseWarning(
                "mojibake_repaired",
                f"{fix.repaired} string(s) were stored UTF-8-as-Latin-1 (Facebook's encoding bug) "
                "and have been decoded back to the characters written.",
            )
        )
    details = {
        "platform_basis": basis,
        "title": title,
        "thread_path": doc.top.get("thread_path"),
        "thread_type": doc.top.get("thread_type"),
        "is_still_participant": doc.top.get("is_still_participant"),
        "newest_first_in_file": newest_first,
        "byte_order_mark": "UTF-8" if doc.byte_order_mark else None,
        "mojibake_repaired": fix.repaired,
        "messages_in_file": len(messages),
        "file_message_limit_reached": len(messages) == FACEBOOK_FILE_LIMIT,
    }
    return Conversation(
        format=fmt,
        messages=messages,
        participants=participants + former,
        locale=None,
        zone_name=zone_name,
        zone_source=zone_source,
        warnings=warnings,
        format_details=details,
        source_name=name,
        line_count=doc.line_count,
    )


def _message(item: Item, fix: _Fixer, fmt: str) -> Message:
    m = item.value
    where = f"message {item.index} (line {item.first_line})"
    if not isinstance(m, dict):
        raise ChatParseError(f"{where} is not a JSON object.", line=item.first_line, format=fmt)
    ts = m.get("timestamp_ms")
    if isinstance(ts, bool) or not isinstance(ts, int | float):
        raise ChatParseError(
            f"{where} has no numeric timestamp_ms.", line=item.first_line, format=fmt
        )
    try:
        wall = EPOCH + timedelta(milliseconds=ts)
    except OverflowError:
        raise ChatParseError(
            f"{where} has an impossible timestamp_ms {ts}.", line=item.first_line, format=fmt
        ) from None
    sender = fix(m["sender_name"]) if isinstance(m.get("sender_name"), str) else None
    content = fix(m["content"]) if isinstance(m.get("content"), str) else ""
    attachments: list[str] = []
    for key in MEDIA_KEYS:
        for media in _list(m.get(key)):
            if isinstance(media, dict) and isinstance(media.get("uri"), str):
                attachments.append(fix(media["uri"]))
    sticker = m.get("sticker")
    if isinstance(sticker, dict) and isinstance(sticker.get("uri"), str):
        attachments.append(fix(sticker["uri"]))
    details: dict[str, Any] = {}
    if isinstance(m.get("share"), dict):
        details["share"] = fix(m["share"])
    if "call_duration" in m:
        details["call_duration"] = m["call_duration"]
    if isinstance(m.get("type"), str):
        details["type"] = m["type"]
    if _list(m.get("users")):
        details["users"] = fix(m["users"])
    if m.get("is_unsent") is not None:
        details["is_unsent"] = m["is_unsent"]
    reactions = tuple(
        {"reaction": fix(r.get("reaction")), "actor": fix(r.get("actor"))}
        for r in _list(m.get("reactions"))
        if isinstance(r, dict)
    )
    mtype = m.get("type")
    if m.get("is_unsent") or _UNSENT_TEXT.match(content):
        kind = "deleted"
    elif mtype == "Call" or "call_duration" in m:
        kind = "call"
    elif mtype in ("Subscribe", "Unsubscribe"):
        kind = "system"
        details["actor"] = sender
        sender = None
    elif attachments:
        kind = "attachment"
    elif _REACTION_TEXT.match(content):
        kind = "reaction"
    elif content or "share" in details:
        kind = "text"
    else:
        kind = "empty"
    return Message(
        sender,
        wall,
        content,
        kind,
        item.first_line,
        item.last_line,
        attachments=tuple(attachments),
        details=details or None,
        reactions=reactions,
        source_index=item.index,
        precision=MILLISECONDS,
    )
