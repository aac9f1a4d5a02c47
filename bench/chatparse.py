"""WhatsApp export parsing: Drachma against whatstk on the same 50 MB export.

Input: a generated Android export (24-hour clock, day-first dates, "31/12/2020, 23:59 - Name:
text"), about a million messages from eight senders (two with non-ASCII names), 10% of them
running over several lines, some with emoji, written to a temporary folder. No system lines, so
both parsers should count the same messages (whatstk folds system lines into the message above).

Peer: whatstk's ``df_from_whatsapp(path, max_size=None)`` (the installed version is printed).

Each parser runs in a fresh subprocess so that its peak memory (``ru_maxrss``) is its own; the
figure includes the interpreter and the imports, so each child's import-only peak is printed too.
Drachma is measured twice: building the whole ``Conversation`` (the like-for-like comparison:
whatstk builds a whole DataFrame) and streaming the messages without keeping them.

Goal: at least 5x whatstk's messages per second with at most half its peak memory.

The development machine is shared, so each parser is run ``--repeat`` times (default 2) and its
best wall and CPU times kept (peak memory: the largest seen); both wall-clock and CPU-time
rates are printed and compared.

Run: .venv/bin/python bench/chatparse.py [--mb 50] [--repeat 2] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
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


def generate(path: Path, target_bytes: int, seed: int = 20240101) -> int:
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
mode, path = sys.argv[1], sys.argv[2]
if mode == "whatstk":
    import whatstk
    from whatstk import df_from_whatsapp
    version = whatstk.__version__
elif mode.startswith("drachma"):
    sys.path.insert(0, sys.argv[3])
    from drachma.evidence.chats import iter_whatsapp_messages, parse_chat_file
    version = "worktree"
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


def run(mode: str, path: Path, src: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path), str(src)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of the generated export")
    parser.add_argument("--repeat", type=int, default=2, help="runs per parser, best kept")
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    args = parser.parse_args()
    src = Path(__file__).resolve().parent.parent / "src"
    tmp = Path(tempfile.mkdtemp(prefix="chatparse-"))
    path = tmp / "WhatsApp Chat with Bench.txt"
    t0 = time.perf_counter()
    generated = generate(path, int(args.mb * 1_000_000))
    size = os.path.getsize(path)
    print(
        f"Generated {generated:,} messages, {size / 1e6:.1f} MB in "
        f"{time.perf_counter() - t0:.1f} s: {path}"
    )

    results = {}
    for mode in ("drachma", "drachma-stream", "whatstk"):
        runs = [run(mode, path, src) for _ in range(max(1, args.repeat))]
        r = dict(runs[0])
        r["seconds"] = min(x["seconds"] for x in runs)
        r["cpu"] = min(x["cpu"] for x in runs)
        r["peak_kb"] = max(x["peak_kb"] for x in runs)
        results[mode] = r
        print(
            f"{mode:15} {r['count']:>9,} messages  wall {r['seconds']:6.2f} s "
            f"({r['count'] / r['seconds']:>8,.0f} msg/s)  cpu {r['cpu']:6.2f} s "
            f"({r['count'] / r['cpu']:>8,.0f} msg/s)  peak {r['peak_kb'] / 1024:5.0f} MB "
            f"(imports alone {r['import_peak_kb'] / 1024:.0f} MB)  [{r['version']}]"
        )

    d, s, w = results["drachma"], results["drachma-stream"], results["whatstk"]
    print()
    same = d["count"] == w["count"] == s["count"] == generated
    print(
        f"Message counts: generated {generated:,}, Drachma {d['count']:,}, "
        f"Drachma streaming {s['count']:,}, whatstk {w['count']:,} -> "
        f"{'same' if same else 'DIFFERENT'}"
    )
    for label, r in (("Drachma (whole conversation)", d), ("Drachma (streaming)", s)):
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
        path.unlink()
        tmp.rmdir()


if __name__ == "__main__":
    main()
