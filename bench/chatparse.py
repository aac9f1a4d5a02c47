"""WhatsApp export parsing: Drachma against whatstk on the same 50 MB export.

Input: a generated Android export (24-hour clock, day-first dates, "31/12/2020, 23:59 - Name:
text"), about a million messages from eight senders (two with non-ASCII names), 10% of them
running over several lines, some with emoji, written to a temporary folder. No system lines, so
both parsers should count the same messages (whatstk folds system lines into the message above).
``--artefacts F`` makes a fraction F of the messages carry what real exports add (an attachment
line with a caption, "<Media omitted>", an edit marker, direction marks around a phone number,
trailing spaces), to time the parser's slower path too.

Peer: whatstk's ``df_from_whatsapp(path, max_size=None)`` (the installed version is printed).
``--baseline REF`` adds Drachma as it was at git commit REF (its ``src`` taken with ``git
archive``), to compare a change with what came before it on the same file.

Each parser runs in a fresh subprocess so that its peak memory (``ru_maxrss``) is its own; the
figure includes the interpreter and the imports, so each child's import-only peak is printed too.
Drachma is measured twice: building the whole ``Conversation`` (the like-for-like comparison:
whatstk builds a whole DataFrame) and streaming the messages without keeping them.

Goal: at least 5x whatstk's messages per second with at most half its peak memory.

The development machine is shared, so the contenders are run ``--repeat`` times (default 3),
alternated run by run, each run printed with the machine's load average beside it; the medians
of wall-clock and CPU time are compared (peak memory: the largest seen).

Run: .venv/bin/python bench/chatparse.py [--mb 50] [--repeat 3] [--baseline REF] [--no-whatstk]
     [--artefacts 0.1] [--keep]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

SENDERS = [
    "Alice Smith",
    "Bob Jones",
    "Chloé Martin",
    "Dev Patel",
    "Eve",
    "Frank O'Neill",
    "Gül Yılmaz",
    "+44 7700 900123",
]
WORDS = [
    "the",
    "a",
    "to",
    "and",
    "you",
    "I",
    "it",
    "is",
    "that",
    "of",
    "for",
    "on",
    "we",
    "be",
    "at",
    "this",
    "can",
    "with",
    "are",
    "just",
    "not",
    "what",
    "so",
    "do",
    "get",
    "see",
    "there",
    "now",
    "then",
    "okay",
    "later",
    "tomorrow",
    "meet",
    "where",
    "park",
    "car",
    "phone",
    "home",
    "tonight",
    "yes",
    "no",
    "maybe",
    "why",
    "when",
    "sure",
    "thanks",
    "send",
    "pic",
    "call",
]
EMOJI = ["😂", "👍", "❤️", "🙂", "🤔", "🎉"]


def _with_artefacts(rnd: random.Random, t: datetime, text: str) -> str:
    """What a real export adds around a message, one kind picked at random."""
    choice = rnd.randrange(5)
    if choice == 0:
        return f"IMG-{t:%Y%m%d}-WA{rnd.randrange(10000):04d}.jpg (file attached)\n{text}"
    if choice == 1:
        return "<Media omitted>"
    if choice == 2:
        return f"{text} <This message was edited>"
    if choice == 3:
        return f"ring \u202a+44 7700 900{rnd.randrange(1000):03d}\u202c {text}"
    return f"{text}  "


def generate(path: Path, target_bytes: int, seed: int = 20240101, artefacts: float = 0.0) -> int:
    rnd = random.Random(seed)
    t = datetime(2019, 3, 1, 8, 0)
    count = 0
    size = 0
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        buf = []
        while size < target_bytes:
            t += timedelta(seconds=rnd.choice((0, 0, 20, 60, 60, 120, 300, 900, 3600)))
            sender = rnd.choice(SENDERS)
            words = rnd.choices(WORDS, k=rnd.randint(2, 7))
            text = " ".join(words)
            if rnd.random() < 0.05:
                text += " " + rnd.choice(EMOJI)
            if rnd.random() < 0.10:
                extra = rnd.randint(1, 3)
                text += "".join(
                    "\n" + " ".join(rnd.choices(WORDS, k=rnd.randint(1, 6))) for _ in range(extra)
                )
            if artefacts and rnd.random() < artefacts:
                text = _with_artefacts(rnd, t, text)
            line = f"{t:%d/%m/%Y, %H:%M} - {sender}: {text}\n"
            buf.append(line)
            size += len(line.encode("utf-8"))
            count += 1
            if len(buf) >= 10000:
                f.write("".join(buf))
                buf.clear()
        f.write("".join(buf))
    return count


CHILD = r"""
import json, resource, sys, time
mode, path, label = sys.argv[1], sys.argv[2], sys.argv[4]
if mode == "whatstk":
    import whatstk
    from whatstk import df_from_whatsapp
    version = whatstk.__version__
elif mode.startswith("drachma"):
    sys.path.insert(0, sys.argv[3])
    from drachma.evidence.chats import iter_whatsapp_messages, parse_chat_file
    version = label
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if mode == "imports-only":
    pass
t0 = time.perf_counter()
c0 = time.process_time()
if mode == "whatstk":
    count = len(df_from_whatsapp(path, max_size=None))
elif mode == "drachma":
    conv = parse_chat_file(path, max_bytes=None)
    count = len(conv.messages)
elif mode == "drachma-stream":
    count = sum(1 for _ in iter_whatsapp_messages(path, max_bytes=None))
seconds = time.perf_counter() - t0
cpu = time.process_time() - c0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"count": count, "seconds": seconds, "cpu": cpu, "peak_kb": peak,
                  "import_peak_kb": base, "version": version}))
"""


def run(mode: str, path: Path, src: Path, label: str = "worktree") -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path), str(src), label],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def checkout(ref: str, into: Path) -> Path:
    """Drachma's ``src`` as it was at git ``ref``, extracted under ``into``."""
    root = Path(__file__).resolve().parent.parent
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", "--format=tar", ref, "src"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of the generated export")
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender (medians)")
    parser.add_argument("--baseline", default=None, help="also time Drachma at this git ref")
    parser.add_argument("--no-whatstk", action="store_true", help="leave whatstk out")
    parser.add_argument(
        "--artefacts", type=float, default=0.0, help="fraction of messages with export artefacts"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    args = parser.parse_args()
    src = Path(__file__).resolve().parent.parent / "src"
    tmp = Path(tempfile.mkdtemp(prefix="chatparse-"))
    path = tmp / "WhatsApp Chat with Bench.txt"
    t0 = time.perf_counter()
    generated = generate(path, int(args.mb * 1_000_000), artefacts=args.artefacts)
    size = os.path.getsize(path)
    print(
        f"Generated {generated:,} messages, {size / 1e6:.1f} MB in "
        f"{time.perf_counter() - t0:.1f} s ({args.artefacts:.0%} with export artefacts): {path}"
    )

    contenders = [
        ("drachma", "drachma", src, "worktree"),
        ("drachma-stream", "drachma-stream", src, "worktree"),
    ]
    if args.baseline:
        base_src = checkout(args.baseline, tmp / "baseline")
        contenders += [
            (f"drachma@{args.baseline}", "drachma", base_src, f"git {args.baseline}"),
            (f"drachma-stream@{args.baseline}", "drachma-stream", base_src, f"git {args.baseline}"),
        ]
    if not args.no_whatstk:
        contenders.append(("whatstk", "whatstk", src, ""))

    runs: dict[str, list[dict]] = {label: [] for label, *_ in contenders}
    for i in range(max(1, args.repeat)):
        for label, mode, code, version in contenders:
            before = load()
            r = run(mode, path, code, version)
            runs[label].append(r)
            print(
                f"run {i + 1} {label:30} wall {r['seconds']:6.2f} s  cpu {r['cpu']:6.2f} s  "
                f"peak {r['peak_kb'] / 1024:5.0f} MB  ({before} before, {load()} after)"
            )

    print()
    results = {}
    for label, *_ in contenders:
        rs = runs[label]
        r = dict(rs[0])
        r["seconds"] = statistics.median(x["seconds"] for x in rs)
        r["cpu"] = statistics.median(x["cpu"] for x in rs)
        r["peak_kb"] = max(x["peak_kb"] for x in rs)
        results[label] = r
        print(
            f"{label:30} {r['count']:>9,} messages  median wall {r['seconds']:6.2f} s "
            f"({r['count'] / r['seconds']:>8,.0f} msg/s)  median cpu {r['cpu']:6.2f} s "
            f"({r['count'] / r['cpu']:>8,.0f} msg/s)  peak {r['peak_kb'] / 1024:5.0f} MB "
            f"(imports alone {r['import_peak_kb'] / 1024:.0f} MB)  [{r['version']}]"
        )

    print()
    counts = {label: r["count"] for label, r in results.items()}
    same = len(set(counts.values())) == 1 and generated in counts.values()
    print(
        f"Message counts: generated {generated:,}; "
        + ", ".join(f"{label} {n:,}" for label, n in counts.items())
        + f" -> {'same' if same else 'DIFFERENT (whatstk folds some lines into others)'}"
    )
    if args.baseline:
        for kind in ("drachma", "drachma-stream"):
            new, old = results[kind], results[f"{kind}@{args.baseline}"]
            wall, cpu = new["seconds"] / old["seconds"], new["cpu"] / old["cpu"]
            print(
                f"{kind} against {args.baseline}: median wall {wall:.3f}x, median cpu "
                f"{cpu:.3f}x the time, peak memory {new['peak_kb'] / old['peak_kb']:.3f}x"
            )
    if "whatstk" in results:
        w = results["whatstk"]
        for label, r in (
            ("Drachma (whole conversation)", results["drachma"]),
            ("Drachma (streaming)", results["drachma-stream"]),
        ):
            wall = (r["count"] / r["seconds"]) / (w["count"] / w["seconds"])
            cpu = (r["count"] / r["cpu"]) / (w["count"] / w["cpu"])
            memory = r["peak_kb"] / w["peak_kb"]
            verdict = "met" if min(wall, cpu) >= 5 and memory <= 0.5 else "NOT met"
            print(
                f"{label} vs whatstk: {wall:.1f}x the speed by wall clock, {cpu:.1f}x by CPU "
                f"time, {memory:.2f}x the peak memory (goal: >= 5x, <= 0.5x) -> {verdict}"
            )
    if args.keep:
        print(f"Kept {path}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
