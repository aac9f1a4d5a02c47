"""Hash lists in the formats other systems use: reading and writing, no database.

Four formats (docs/hashing.md, "Hash lists"), each as the system that uses it writes it:

* ``hma``: Meta's Hasher-Matcher-Actioner (OpenMediaMatch). HMA has no one-file bank export;
  its API answers each banked content as ``BankContentResponse`` (``id``,
  ``disable_until_ts``, ``original_media_uri``, ``signals`` (signal type -> signal string),
  ``metadata`` (``content_id``, ``content_uri``, ``json``), ``note``; facebook/ThreatExchange
  hasher-matcher-actioner/src/OpenMediaMatch/schemas/curation.py). The file is the bank
  (``{"name", "matching_enabled_ratio"}``, HMA's ``BankConfig``) and the list of its contents:
  ``{"bank": {...}, "content": [...]}``, or just the list. Each content's ``signals`` is the
  body HMA's ``POST /c/bank/<bank>/signal`` takes, so the file can be loaded into HMA as it is.
* ``te_csv``: python-threatexchange's ``threatexchange dataset -P --csv``: a header, then
  ``collab,signal_type,signal_str,category,tags`` (threatexchange/cli/dataset_cmd.py).
* ``te_file``: python-threatexchange's local-file exchange (``LocalFileSignalExchangeAPI``,
  threatexchange/exchanges/impl/file_api.py), which HMA can fetch from: one ``signal_type
  signal`` a line.
* ``csv``: plain CSV with a header: ``signal_type,signal`` (or ``hash``), and optionally
  ``content_id`` and ``note``.

Signal types are ThreatExchange's names: ``pdq`` (64 hex digits), ``vpdq`` (a JSON list of
``"pdq_hex,quality,timestamp"`` strings, python-threatexchange's ``VpdqCompactFeature``),
``video_md5`` and ``photo_md5`` (32 hex digits). ThreatExchange's indicator type ``HASH_PDQ``
is read as ``pdq``.

Reading checks every row before answering: a file with any bad row raises ``HashListError``
naming each one (``problems``), so that a caller imports all of a file or nothing.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from drachma.core import spreadsheets
from drachma.core.errors import json_depth

FORMATS = {
    "hma": "Hasher-Matcher-Actioner bank content (JSON)",
    "te_csv": "ThreatExchange dataset CSV (collab,signal_type,signal_str,category,tags)",
    "te_file": "ThreatExchange signal file ('signal_type signal' a line)",
    "csv": "plain CSV (signal_type,signal[,content_id,note])",
}
SIGNAL_TYPES = ("pdq", "vpdq", "video_md5", "photo_md5")
ALIASES = {"hash_pdq": "pdq"}
TE_CSV_COLUMNS = ["collab", "signal_type", "signal_str", "category", "tags"]
TE_CATEGORY = "POSITIVE_CLASS"
MAX_PROBLEMS = 200
# {bank, content: [{signals: {...}, metadata: {json: ...}}]}: room for metadata of its own.
HMA_MAX_DEPTH = 16
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX32 = re.compile(r"[0-9a-f]{32}")


class HashListError(ValueError):
    """A hash list that cannot be read; ``problems`` names every bad row."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = problems or []
        shown = self.problems[:MAX_PROBLEMS]
        more = len(self.problems) - len(shown)
        detail = (" " + " ".join(shown)) if shown else ""
        if more > 0:
            detail += f" ...and {more:,} more."
        super().__init__(message + detail)
        self.summary = message


@dataclass
class Frame:
    pdq: str
    quality: int
    timestamp: float


@dataclass
class ListedSignal:
    """One signal of a list, checked and in canonical form."""

    signal_type: str
    value: str
    content_id: str = ""
    label: str = ""
    frames: list[Frame] = field(default_factory=list)  # vPDQ only
    where: str = ""  # "Row 3", "Content 2", for messages


def check_signal(signal_type: str, value: str) -> tuple[str, str, list[Frame]]:
    """(signal type, canonical value, vPDQ frames) of a signal, or ValueError saying why."""
    kind = (signal_type or "").strip().lower()
    kind = ALIASES.get(kind, kind)
    if kind not in SIGNAL_TYPES:
        raise ValueError(f"the signal type {signal_type!r} is not one of {', '.join(SIGNAL_TYPES)}")
    raw = (value or "").strip()
    if kind == "pdq":
        hex_ = raw.lower()
        if not _HEX64.fullmatch(hex_):
            raise ValueError(f"a pdq signal is 64 hexadecimal digits, not {_short(raw)}")
        return kind, hex_, []
    if kind in ("video_md5", "photo_md5"):
        hex_ = raw.lower()
        if not _HEX32.fullmatch(hex_):
            raise ValueError(f"a {kind} signal is 32 hexadecimal digits, not {_short(raw)}")
        return kind, hex_, []
    try:
        # A list of strings nests one deep; deeper is refused before the parser's stack is.
        if json_depth(raw) > 1:
            raise ValueError
        items = json.loads(raw)
    except ValueError:
        raise ValueError(
            "a vpdq signal is a JSON list of 'pdq_hex,quality,timestamp' strings, not "
            f"{_short(raw)}"
        ) from None
    if not isinstance(items, list) or not items:
        raise ValueError("a vpdq signal is a non-empty JSON list of frames")
    frames = []
    for n, item in enumerate(items, start=1):
        parts = item.split(",") if isinstance(item, str) else []
        try:
            pdq, quality, timestamp = parts
            frame = Frame(pdq.strip().lower(), int(quality), float(timestamp))
        except ValueError:
            raise ValueError(
                f"vpdq frame {n} is not 'pdq_hex,quality,timestamp': {_short(str(item))}"
            ) from None
        if not _HEX64.fullmatch(frame.pdq):
            raise ValueError(f"vpdq frame {n}'s hash is not 64 hexadecimal digits")
        if not 0 <= frame.quality <= 100:
            raise ValueError(f"vpdq frame {n}'s quality {frame.quality} is not 0 to 100")
        if not 0 <= frame.timestamp < 10**7:
            raise ValueError(f"vpdq frame {n}'s timestamp {frame.timestamp} is not a time")
        frames.append(frame)
    return kind, vpdq_value(frames), frames


def vpdq_value(frames: Iterable[Frame]) -> str:
    """A vPDQ signal string as python-threatexchange writes it (``vpdq_to_json``)."""
    return json.dumps([f"{f.pdq},{f.quality},{f.timestamp:.3f}" for f in frames])


def _short(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _decode(data: bytes) -> str:
    if not data.strip():
        raise HashListError("The file is empty.")
    if b"\x00" in data:
        raise HashListError("The file holds binary data (NUL bytes), not a hash list.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise HashListError(f"Line {line} is not UTF-8 text; a hash list is UTF-8.") from None
    return text.removeprefix("\ufeff")


def _header(text: str) -> list[str]:
    first = text.lstrip().split("\n", 1)[0]
    try:
        row = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return []
    return [c.strip().lower() for c in row]


def detect(data: bytes) -> str:
    """The format of a hash list, from its content; HashListError naming those tried."""
    text = _decode(data)
    start = text.lstrip()[:1]
    if start in ("{", "["):
        return "hma"
    header = _header(text)
    if {"collab", "signal_type", "signal_str"} <= set(header):
        return "te_csv"
    if "signal_type" in header and ({"signal", "hash"} & set(header)):
        return "csv"
    first = text.lstrip().split("\n", 1)[0].strip()
    kind = first.split(" ", 1)[0].lower() if " " in first else ""
    if ALIASES.get(kind, kind) in SIGNAL_TYPES:
        return "te_file"
    raise HashListError(
        "The file is none of the hash-list formats Drachma reads. Tried: "
        + "; ".join(FORMATS.values())
        + "."
    )


def read(data: bytes, *, format: str = "auto") -> tuple[str, list[ListedSignal]]:
    """The format and the signals of a hash list; HashListError naming every bad row."""
    if format == "auto":
        format = detect(data)
    elif format not in FORMATS:
        raise HashListError(f"Unknown format {format!r}: one of {', '.join(FORMATS)}.")
    text = _decode(data)
    reader = {"hma": _read_hma, "te_csv": _read_te_csv, "te_file": _read_te_file, "csv": _read_csv}
    signals, problems = reader[format](text)
    if problems:
        raise HashListError(
            f"Nothing was imported: {len(problems):,} row(s) of this {FORMATS[format]} file "
            "cannot be read.",
            problems,
        )
    if not signals:
        raise HashListError(f"Nothing was imported: the {FORMATS[format]} file lists no signals.")
    return format, signals


def _add(signals, problems, where, signal_type, value, content_id="", label=""):
    try:
        kind, canonical, frames = check_signal(signal_type, value)
    except ValueError as exc:
        problems.append(f"{where}: {exc}.")
        return
    signals.append(
        ListedSignal(kind, canonical, content_id[:200], label[:500], frames, where=where)
    )


def _read_hma(text: str) -> tuple[list[ListedSignal], list[str]]:
    if json_depth(text) > HMA_MAX_DEPTH:
        raise HashListError(f"The file nests deeper than an HMA bank file ({HMA_MAX_DEPTH}).")
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise HashListError(f"The file is not valid JSON: {exc}.") from None
    contents = doc.get("content") if isinstance(doc, dict) else doc
    if not isinstance(contents, list):
        raise HashListError(
            "An HMA bank file is a JSON object with a 'content' list (or the list itself)."
        )
    signals: list[ListedSignal] = []
    problems: list[str] = []
    for n, content in enumerate(contents, start=1):
        where = f"Content {n}"
        if not isinstance(content, dict):
            problems.append(f"{where}: is not a JSON object.")
            continue
        if "id" in content:
            where += f" (id {str(content['id'])[:40]})"
        metadata = content.get("metadata") or {}
        if not isinstance(metadata, dict):
            problems.append(f"{where}: its metadata is not a JSON object.")
            continue
        content_id = str(metadata.get("content_id") or content.get("id") or "")
        note = content.get("note")
        label = str(note) if isinstance(note, str) else ""
        listed = content.get("signals")
        if not isinstance(listed, dict) or not listed:
            problems.append(f"{where}: has no 'signals' (signal type -> signal).")
            continue
        for signal_type, value in listed.items():
            if not isinstance(value, str):
                problems.append(f"{where}: the {signal_type!r} signal is not a string.")
                continue
            _add(signals, problems, where, signal_type, value, content_id, label)
    return signals, problems


def _csv_rows(text: str):
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        fields = [(f or "").strip().lower() for f in reader.fieldnames or []]
        reader.fieldnames = fields
        for row in reader:
            yield reader.line_num, row, fields
    except csv.Error as exc:
        raise HashListError(f"The CSV cannot be read: {exc}.") from None


def _row_problem(row: dict, fields: list[str]) -> str | None:
    if None in row:  # more cells than the header has columns
        return f"it has {len(fields) + len(row[None])} cells, the header {len(fields)}"
    missing = [k for k in fields if row.get(k) is None]
    if missing:
        return f"it has {len(fields) - len(missing)} cells, the header {len(fields)}"
    return None


def _read_te_csv(text: str) -> tuple[list[ListedSignal], list[str]]:
    signals: list[ListedSignal] = []
    problems: list[str] = []
    for line, row, fields in _csv_rows(text):
        if not {"collab", "signal_type", "signal_str"} <= set(fields):
            raise HashListError(
                f"A ThreatExchange dataset CSV starts with the header '{','.join(TE_CSV_COLUMNS)}'."
            )
        where = f"Line {line}"
        problem = _row_problem(row, fields)
        if problem:
            problems.append(f"{where}: {problem}.")
            continue
        label = "; ".join(
            f"{k}: {row[k].strip()}" for k in ("collab", "category", "tags") if row.get(k)
        )
        _add(signals, problems, where, row["signal_type"], row["signal_str"], "", label)
    return signals, problems


def _read_csv(text: str) -> tuple[list[ListedSignal], list[str]]:
    signals: list[ListedSignal] = []
    problems: list[str] = []
    for line, row, fields in _csv_rows(text):
        value_key = "signal" if "signal" in fields else "hash"
        if "signal_type" not in fields or value_key not in fields:
            raise HashListError("A plain CSV hash list has a header with signal_type and signal.")
        where = f"Line {line}"
        problem = _row_problem(row, fields)
        if problem:
            problems.append(f"{where}: {problem}.")
            continue
        _add(
            signals,
            problems,
            where,
            row["signal_type"],
            row[value_key],
            (row.get("content_id") or "").strip(),
            (row.get("note") or "").strip(),
        )
    return signals, problems


def _read_te_file(text: str) -> tuple[list[ListedSignal], list[str]]:
    signals: list[ListedSignal] = []
    problems: list[str] = []
    for line, raw in enumerate(text.split("\n"), start=1):
        entry = raw.strip()
        if not entry:
            continue
        signal_type, _, value = entry.partition(" ")
        if not value.strip():
            problems.append(
                f"Line {line}: expected 'signal_type signal' (a space between), not "
                f"{_short(entry)}."
            )
            continue
        _add(signals, problems, f"Line {line}", signal_type, value)
    return signals, problems


def write(signals: Iterable[ListedSignal], *, format: str, bank_name: str) -> bytes:
    """The signals as a hash list in ``format``, UTF-8."""
    signals = list(signals)
    if format == "hma":
        contents: dict[str, dict] = {}
        for s in signals:
            key = s.content_id or f"{s.signal_type}:{s.value[:64]}"
            content = contents.setdefault(
                key,
                {
                    "id": len(contents) + 1,
                    "disable_until_ts": 0,
                    "original_media_uri": None,
                    "signals": {},
                    "metadata": {"content_id": s.content_id} if s.content_id else None,
                    "note": s.label or None,
                },
            )
            content["signals"][s.signal_type] = s.value
        doc = {
            "bank": {"name": bank_name, "matching_enabled_ratio": 1.0},
            "content": list(contents.values()),
        }
        return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode()
    out = io.StringIO(newline="")
    if format == "te_csv":
        writer = spreadsheets.writer(out, lineterminator="\n")
        writer.writerow(TE_CSV_COLUMNS)
        for s in signals:
            writer.writerow([bank_name, s.signal_type, s.value, TE_CATEGORY, s.content_id])
    elif format == "csv":
        writer = spreadsheets.writer(out, lineterminator="\n")
        writer.writerow(["signal_type", "signal", "content_id", "note"])
        for s in signals:
            writer.writerow([s.signal_type, s.value, s.content_id, s.label])
    elif format == "te_file":
        for s in signals:
            out.write(f"{s.signal_type} {s.value}\n")
    else:
        raise ValueError(f"Unknown format {format!r}: one of {', '.join(FORMATS)}.")
    return out.getvalue().encode()
