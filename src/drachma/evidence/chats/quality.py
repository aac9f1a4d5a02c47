"""The evidential quality report on a conversation: facts for an investigator to weigh.

Nothing here is a verdict. The report says what the export contains and does not contain (its
span, who wrote what, silences, deletions, media referred to but not supplied, times out of
order or repeated) and, under ``partial``, the reasons the export might not be the whole
conversation, each stated with what it rests on. "looks_partial" is true when any such reason
applies; it means "worth asking for a fuller export", not "tampered with".
"""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import PurePath
from typing import Any

from .model import Conversation, Message

DEFAULT_GAP = timedelta(hours=24)
DEFAULT_REPLY_WINDOW = timedelta(hours=1)
MAX_LISTED = 500

# Words that open a reply rather than a conversation, in the four export languages.
_REPLY_OPENERS = re.compile(
    r"^(?:yes|yeah|yep|yh|no|nope|nah|ok|okay|kk|lol|haha+|hah|and|but|because|cos|"
    r"thanks|thank you|ty|sure|same|me too|ja|nein|jo|genau|und|aber|danke|"
    r"sí|si|vale|claro|pero|gracias|oui|non|ouais|d'accord|mais|merci)\b[\s,.!?]*",
    re.IGNORECASE,
)


def _iso_utc(naive_utc: datetime, precision: str) -> str:
    return naive_utc.replace(tzinfo=UTC).isoformat(timespec=precision)


def human_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes and not days:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    if not parts:
        parts.append(f"{secs} second{'s' if secs != 1 else ''}")
    return " ".join(parts)


@dataclass
class QualityReport:
    format: str
    locale: str | None
    zone: str
    zone_assumed: bool
    message_count: int
    span: dict[str, Any]
    participants: dict[str, dict[str, Any]]
    first_sender: dict[str, Any] | None
    kinds: dict[str, int]
    gap_threshold_seconds: int
    gaps: list[dict[str, Any]]
    deleted: dict[str, Any]
    edited_count: int
    media: dict[str, Any]
    order: dict[str, Any]
    partial: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    unknown_senders: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ref(conv: Conversation, m: Message, index: int) -> dict[str, Any]:
    utc, _ = conv.utc(m)
    return {
        "index": index,
        "number": index + 1,  # as the app and the bundle number the message
        "sender": m.sender,
        "timestamp": m.timestamp,
        "utc": utc.isoformat(timespec=m.precision),
        "first_line": m.first_line,
        "last_line": m.last_line,
    }


def quality_report(
    conversation: Conversation,
    *,
    gap_threshold: timedelta = DEFAULT_GAP,
    supplied_files: Iterable[str] | None = None,
    reply_window: timedelta = DEFAULT_REPLY_WINDOW,
) -> QualityReport:
    """Facts about ``conversation`` as evidence.

    ``gap_threshold``: silences longer than this between consecutive messages are listed.
    ``supplied_files``: names (or paths) of the media files supplied with the export; when
    given, attachments the export names but that are not among them are listed as missing.
    ``reply_window``: used only to state whether the conversation ends unanswered although
    replies usually came quicker than this.
    """
    conv = conversation
    msgs = conv.messages
    utcs = conv.utc_naive()

    # Span and counts.
    if msgs:
        first_i = min(range(len(msgs)), key=utcs.__getitem__)
        last_i = max(range(len(msgs)), key=utcs.__getitem__)
        seconds = int((utcs[last_i] - utcs[first_i]).total_seconds())
        span: dict[str, Any] = {
            "first": _ref(conv, msgs[first_i], first_i),
            "last": _ref(conv, msgs[last_i], last_i),
            "seconds": seconds,
            "length": human_duration(seconds),
        }
        span["first_in_file"] = _ref(conv, msgs[0], 0)
        span["last_in_file"] = _ref(conv, msgs[-1], len(msgs) - 1)
    else:
        span = {"first": None, "last": None, "seconds": 0, "length": "0 seconds"}

    kinds = Counter(m.kind for m in msgs)
    counts: dict[str, Counter[str]] = {}
    first_of: dict[str, int] = {}
    last_of: dict[str, int] = {}
    for i, m in enumerate(msgs):
        sender = m.sender
        if sender is None:
            continue
        by_kind = counts.get(sender)
        if by_kind is None:
            by_kind = counts[sender] = Counter()
            first_of[sender] = i
        by_kind[m.kind] += 1
        last_of[sender] = i
    per: dict[str, dict[str, Any]] = {}
    for name in [*counts, *(p for p in conv.participants if p not in counts)]:
        by_kind = counts.get(name, Counter())
        per[name] = {
            "messages": sum(by_kind.values()),
            "by_kind": dict(by_kind),
            "first": _ref(conv, msgs[first_of[name]], first_of[name]) if name in first_of else None,
            "last": _ref(conv, msgs[last_of[name]], last_of[name]) if name in last_of else None,
        }

    authored = [i for i, m in enumerate(msgs) if m.sender is not None and m.kind not in ("system",)]
    first_sender = None
    if authored:
        i = authored[0]
        first_sender = {"sender": msgs[i].sender, **_ref(conv, msgs[i], i)}

    # Silences.
    gaps = []
    for i in range(1, len(msgs)):
        delta = utcs[i] - utcs[i - 1]
        if delta > gap_threshold:
            gaps.append(
                {
                    "after_index": i - 1,
                    "before_index": i,
                    "start": _iso_utc(utcs[i - 1], msgs[i - 1].precision),
                    "end": _iso_utc(utcs[i], msgs[i].precision),
                    "start_timestamp": msgs[i - 1].timestamp,
                    "end_timestamp": msgs[i].timestamp,
                    "seconds": int(delta.total_seconds()),
                    "length": human_duration(delta.total_seconds()),
                }
            )

    deleted_refs = [_ref(conv, m, i) for i, m in enumerate(msgs) if m.kind == "deleted"]
    deleted_by: Counter[str] = Counter(m.sender or "(unknown)" for m in msgs if m.kind == "deleted")
    deleted = {
        "count": len(deleted_refs),
        "by_sender": dict(deleted_by),
        "messages": deleted_refs[:MAX_LISTED],
    }

    # Messages someone wrote whose sender the export does not name (Telegram's deleted
    # accounts): counted by the account id the export keeps, never made participants.
    unknown = [(i, m) for i, m in enumerate(msgs) if m.sender is None and m.kind != "system"]
    unknown_senders = {
        "count": len(unknown),
        "by_sender_id": dict(
            Counter(str((m.details or {}).get("sender_id", "(no id)")) for _, m in unknown)
        ),
        "messages": [_ref(conv, m, i) for i, m in unknown[:MAX_LISTED]],
    }

    media = _media(conv, msgs, supplied_files)
    order = _order(conv, msgs, utcs)
    partial = _partial(conv, msgs, utcs, authored, reply_window)

    notes = [
        "These are facts about the export as a file; none of them is a finding about the people "
        "in it.",
    ]
    if conv.zone_assumed:
        notes.append(
            f"UTC times rest on the zone {conv.zone_name} ("
            f"{'chosen by the caller' if conv.zone_source == 'caller' else 'assumed by default'}); "
            "the export itself states only the phone's local wall-clock time."
        )
    if msgs and msgs[0].precision == "minutes":
        notes.append("The export gives times to the minute; messages within a minute share a time.")

    return QualityReport(
        format=conv.format,
        locale=conv.locale,
        zone=conv.zone_name,
        zone_assumed=conv.zone_assumed,
        message_count=len(msgs),
        span=span,
        participants=per,
        first_sender=first_sender,
        kinds=dict(kinds),
        gap_threshold_seconds=int(gap_threshold.total_seconds()),
        gaps=gaps[:MAX_LISTED],
        deleted=deleted,
        edited_count=sum(1 for m in msgs if m.edited),
        media=media,
        order=order,
        partial=partial,
        notes=notes,
        unknown_senders=unknown_senders,
    )


def _base(name: str) -> str:
    return PurePath(name.replace("\\", "/")).name


def _media(
    conv: Conversation, msgs: list[Message], supplied: Iterable[str] | None
) -> dict[str, Any]:
    referenced = []
    for i, m in enumerate(msgs):
        for name in m.attachments:
            referenced.append((name, i, m))
    placeholders = [(i, m) for i, m in enumerate(msgs) if m.kind == "media_omitted"]
    out: dict[str, Any] = {
        "referenced_count": len(referenced),
        "referenced": [name for name, _, _ in referenced][:MAX_LISTED],
        "placeholders_count": len(placeholders),
        "placeholders": [
            {
                **_ref(conv, m, i),
                "text": m.text.split("\n", 1)[0],
                **(
                    {"file_name": m.details["file_name"]}
                    if m.details and "file_name" in m.details
                    else {}
                ),
            }
            for i, m in placeholders[:MAX_LISTED]
        ],
        "supplied_checked": supplied is not None,
    }
    if supplied is None:
        out["note"] = (
            "No list of supplied files was given, so attachments named by the export were not "
            "checked against files; media_omitted placeholders are media the export left out."
        )
        return out
    supplied_names = {_base(s) for s in supplied}
    folded = {s.casefold(): s for s in supplied_names}
    missing, matched, case_only = [], set(), []
    for name, i, m in referenced:
        base = _base(name)
        if base in supplied_names:
            matched.add(base)
        elif base.casefold() in folded:
            matched.add(folded[base.casefold()])
            case_only.append(base)
        else:
            missing.append({"name": name, **_ref(conv, m, i)})
    out["supplied_count"] = len(supplied_names)
    out["missing_count"] = len(missing)
    out["missing"] = missing[:MAX_LISTED]
    out["matched_only_ignoring_case"] = case_only[:MAX_LISTED]
    out["unreferenced_supplied"] = sorted(supplied_names - matched)[:MAX_LISTED]
    return out


def _order(conv: Conversation, msgs: list[Message], utcs: list[datetime]) -> dict[str, Any]:
    out_of_order = []
    same_as_previous = 0
    for i in range(1, len(msgs)):
        if utcs[i] < utcs[i - 1]:
            item = {
                **_ref(conv, msgs[i], i),
                "previous": _ref(conv, msgs[i - 1], i - 1),
                "earlier_by_seconds": int((utcs[i - 1] - utcs[i]).total_seconds()),
            }
            notes = [n for n in (conv.utc(msgs[i])[1], conv.utc(msgs[i - 1])[1]) if n]
            if any(n.startswith("ambiguous") for n in notes):
                item["note"] = "falls in the hour the clocks went back; it may be the repeated hour"
            out_of_order.append(item)
        elif utcs[i] == utcs[i - 1]:
            same_as_previous += 1
    groups: dict[tuple, list[int]] = defaultdict(list)
    seen: dict[tuple, int] = {}
    for i, m in enumerate(msgs):
        # What the export added around the text tells copies apart as the text used to when it
        # still held them; a deleted account's id tells apart unnamed senders.
        key = (
            m.wall,
            m.sender,
            m.text,
            m.kind,
            json.dumps(m.artefacts, sort_keys=True) if m.artefacts else None,
            m.details.get("sender_id") if m.sender is None and m.details else None,
        )
        first = seen.setdefault(key, i)
        if first != i:
            if key not in groups:
                groups[key].append(first)
            groups[key].append(i)
    duplicates = [
        {
            "indexes": idx,
            "sender": msgs[idx[0]].sender,
            "timestamp": msgs[idx[0]].timestamp,
            "text": msgs[idx[0]].text[:200],
            "lines": [msgs[i].first_line for i in idx],
        }
        for idx in groups.values()
    ]
    return {
        "out_of_order_count": len(out_of_order),
        "out_of_order": out_of_order[:MAX_LISTED],
        "duplicate_count": len(duplicates),
        "duplicates": duplicates[:MAX_LISTED],
        "same_time_as_previous_count": same_as_previous,
        "note": "Messages are kept in the order the file gives them; none has been re-sorted.",
    }


def _partial(
    conv: Conversation,
    msgs: list[Message],
    utcs: list[datetime],
    authored: list[int],
    reply_window: timedelta,
) -> dict[str, Any]:
    reasons: list[str] = []
    checks: dict[str, Any] = {}
    if conv.format == "whatsapp":
        events = [m.details.get("event") for m in msgs[:3] if m.kind == "system" and m.details]
        starts = any(e in ("encryption_notice", "group_created") for e in events)
        checks["starts_with_encryption_notice_or_group_creation"] = starts
        if msgs and not starts:
            reasons.append(
                "It does not begin with WhatsApp's end-to-end encryption notice or a "
                "group-creation line, which an export of a chat from its start usually does "
                "(exports after 'Clear chat', from a phone added later, or with an old history "
                "cut by the export's own limit also lack them)."
            )
        if conv.skipped_lines:
            reasons.append(
                f"{len(conv.skipped_lines)} line(s) come before the first message header, as if "
                "the start of the file had been cut or edited."
            )
    if conv.format in ("messenger", "instagram"):
        if conv.format_details.get("file_message_limit_reached"):
            reasons.append(
                "The file holds exactly 10,000 messages, the most Facebook puts in one "
                "message_N.json; other files of the same download probably hold the rest."
            )
        name = conv.source_name or ""
        m = re.fullmatch(r"message_(\d+)\.json", name)
        if m and m.group(1) != "1":
            reasons.append(
                f"The file is {name}: Facebook splits long conversations into message_1.json, "
                "message_2.json…, newest first, so this is not the newest part."
            )
    if conv.format == "telegram":
        ids = [
            message_id
            for m in msgs
            if m.details and isinstance(message_id := m.details.get("message_id"), int)
        ]
        chat_type = conv.format_details.get("chat_type") or ""
        if ids and ("supergroup" in chat_type or "channel" in chat_type):
            missing = sum(b - a - 1 for a, b in zip(ids, ids[1:], strict=False) if b > a + 1)
            checks["message_id_numbers_skipped"] = missing
            if missing:
                reasons.append(
                    f"Message ids in this {chat_type} skip {missing} number(s); in a group or "
                    "channel Telegram numbers messages in sequence, so messages were deleted "
                    "or left out of the export."
                )

    if authored:
        first = msgs[authored[0]]
        checks["first_authored_message"] = first.text[:120]
        stripped = first.text.lstrip()
        if first.kind == "text" and stripped:
            # A lower-case start is recorded but is no reason: many people never capitalise.
            checks["first_authored_message_starts_lower_case"] = stripped[0].islower()
            why = None
            if stripped.startswith(("...", "…")):
                why = "starts with an ellipsis"
            elif _REPLY_OPENERS.match(stripped):
                why = "opens with a word that usually answers something"
            if why:
                reasons.append(
                    f"The first message (from {first.sender}) {why}, as a reply or continuation "
                    "would; the messages before it may be missing."
                )

    # Does it end in the middle of a live exchange: a question asked within ``reply_window``
    # of the other side's last message, and no answer?
    delays = []
    for a, b in zip(authored, authored[1:], strict=False):
        if msgs[a].sender != msgs[b].sender and utcs[b] >= utcs[a]:
            delays.append((utcs[b] - utcs[a]).total_seconds())
    if delays:
        checks["median_reply_seconds"] = int(statistics.median(delays))
    if len(authored) >= 2:
        last_i = authored[-1]
        last = msgs[last_i]
        before = next((i for i in reversed(authored) if msgs[i].sender != last.sender), None)
        active = before is not None and timedelta(0) <= utcs[last_i] - utcs[before] <= reply_window
        question = last.kind == "text" and last.text.rstrip().endswith(("?", "¿", "？"))
        checks["last_authored_message_from"] = last.sender
        checks["ends_in_active_exchange"] = active
        checks["last_message_is_question"] = question
        if before is not None and active and question:
            gap = human_duration((utcs[last_i] - utcs[before]).total_seconds())
            reasons.append(
                f"It ends with a question from {last.sender}, asked {gap} after "
                f"{msgs[before].sender}'s message, that nobody answers; the export may have been "
                "made before the answer, or its end may be missing."
            )
    return {"looks_partial": bool(reasons), "reasons": reasons, "checks": checks}
