"""PDQ matching as a force runs it: one index in the database for every worker and machine,
against indexes that each worker process builds and holds.

Contenders, on the same bank and the same queries, alternated run by run:

- ``database``: Drachma's chunk index (the ``takedown_matchablehash`` table on PostgreSQL,
  searched by ``drachma.takedown.chunkindex.search`` through Django): the design in use;
- ``hma``: HMA's index configuration, faiss ``IndexBinaryMultiHash(256, 16, 16)`` with
  ``nflip = 1`` and ``range_search`` at radius 32 (python-threatexchange's
  ``PDQMultiHashIndex``), in process;
- ``flat``: faiss ``IndexBinaryFlat`` ``range_search`` (brute force over the whole bank), in
  process; its answers are the ground truth every contender is checked against;
- ``pdqindex``: the in-process index Drachma used before (``matcher.PDQIndex``, 16-bit
  buckets as ``for_bank_size`` picks above 250,000 hashes), in process.

Banks (``--bank``): ``uniform``, random hashes; ``skewed``, what a real bank holds: 70%
consecutive video frames (random walks of 0 to 3 flipped bits a frame, a cut every 20 to 200
frames), 25% near duplicates (clusters of 5 to 50 copies of a picture, 0 to 40 bits flipped),
5% random. All are stored as image hashes (one kind, so every query sees the whole bank).
Queries: half near copies of bank hashes (6 to 14 bits flipped; 10% of them exactly 31, the
last distance that matches, 10% exactly 32, the first that does not), half random hashes.

Printed for each bank size and bank, with the machine's load average beside each figure:
query latency (median and 95th percentile) with 1 client and with 8 concurrent clients
(threads; each database client has its own connection, so its own server process), queries
per second under 8 clients, CPU time per query (the client's thread, plus for the database
the server process's), the memory each worker process needs for matching, the time until a
newly stored hash is matchable (for the database: from the start of the storing transaction
until a search on another connection finds it), the time before a new worker can match (for
the in-process indexes: reading the bank from the database and building), and whether every
answer equals the ground truth.

Each bank is loaded once (COPY, then the indexes built) into a PostgreSQL database of its own,
``matcher_bench_<size>_<bank>``, kept for later runs (``--reload`` loads it again).

    .venv/bin/python bench/hashmatch.py [--sizes 1000000,10000000] [--banks uniform,skewed]
        [--queries N] [--clients 8] [--database-url postgres://postgres@127.0.0.1:5432]
    .venv/bin/python bench/hashmatch.py --vpdq 60   # only: time vPDQ on a 60 s 720p video
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RADIUS = 31
SEED = 2026
CLK_TCK = os.sysconf("SC_CLK_TCK")

CONTENDERS = ("database", "hma", "flat", "pdqindex")
# Resident bytes per hash each in-process index needs (measured at 1,000,000), to decide
# which of them fit in memory next to each other at 10,000,000.
BYTES_PER_HASH = {"hma": 340, "flat": 33, "pdqindex": 1100}


# --- the machine ----------------------------------------------------------------------------


def load() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def rss_mb() -> float:
    return _status("VmRSS:") / 1024


def settled_rss_mb() -> float:
    """Resident memory once freed memory has gone back to the system (else a new index
    reuses what an earlier one freed and looks smaller than it is)."""
    import ctypes

    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    return rss_mb()


def _status(field: str, pid: str = "self") -> int:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def mem_available_mb() -> float:
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    return 0.0


def process_cpu_s(pid: int) -> float:
    """User and system CPU seconds of a process (a PostgreSQL backend)."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def private_mb(pid: int) -> float:
    """Memory of a process that no other process shares (a backend's own, not the buffers)."""
    total = 0
    with open(f"/proc/{pid}/smaps_rollup") as fh:
        for line in fh:
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                total += int(line.split()[1])
    return total / 1024


def pct(values, q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else float("nan")


# --- banks and queries ----------------------------------------------------------------------


def flip_masks(rng, n: int, counts: np.ndarray) -> np.ndarray:
    """(n, 32) masks with counts[i] random bits set (a repeated position cancels: rare)."""
    masks = np.zeros((n, 32), dtype=np.uint8)
    for k in range(int(counts.max(initial=0))):
        rows = np.flatnonzero(counts > k)
        positions = rng.integers(0, 256, size=len(rows))
        np.bitwise_xor.at(
            masks, (rows, positions // 8), (1 << (7 - positions % 8)).astype(np.uint8)
        )
    return masks


def uniform_bank(n: int, rng) -> np.ndarray:
    return rng.integers(0, 256, size=(n, 32), dtype=np.uint8)


def skewed_bank(n: int, rng) -> np.ndarray:
    n_frames, n_copies = int(n * 0.70), int(n * 0.25)
    parts = [video_frames(n_frames, rng), near_duplicates(n_copies, rng)]
    parts.append(uniform_bank(n - n_frames - n_copies, rng))
    return np.concatenate(parts)


def video_frames(n: int, rng, block: int = 1_000_000) -> np.ndarray:
    out = np.empty((n, 32), dtype=np.uint8)
    for start in range(0, n, block):
        size = min(block, n - start)
        masks = flip_masks(rng, size, rng.choice(4, size=size, p=[0.3, 0.3, 0.25, 0.15]))
        # A cut starts a new scene: its frame is a new random hash, and the walk goes on.
        cuts = np.cumsum(rng.integers(20, 201, size=size // 20 + 2))
        cuts = np.concatenate([[0], cuts[cuts < size]])
        masks[cuts] = rng.integers(0, 256, size=(len(cuts), 32), dtype=np.uint8)
        walked = np.bitwise_xor.accumulate(masks, axis=0)
        # Undo what came before each scene's cut (the XOR of all earlier masks).
        scene = np.searchsorted(cuts, np.arange(size), side="right") - 1
        before = np.zeros((len(cuts), 32), dtype=np.uint8)
        before[1:] = walked[cuts[1:] - 1]
        out[start : start + size] = walked ^ before[scene]
    return out


def near_duplicates(n: int, rng) -> np.ndarray:
    sizes = rng.integers(5, 51, size=n // 5 + 1)
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), n) + 1]
    sizes[-1] -= sizes.sum() - n
    bases = rng.integers(0, 256, size=(len(sizes), 32), dtype=np.uint8)
    copies = np.repeat(bases, sizes, axis=0)
    return copies ^ flip_masks(rng, n, rng.integers(0, 41, size=n))


def make_queries(bank: np.ndarray, n: int, rng) -> np.ndarray:
    n_near = n // 2
    flips = rng.integers(6, 15, size=n_near)
    flips[: n_near // 10] = 31
    flips[n_near // 10 : n_near // 5] = 32
    sources = bank[rng.integers(0, len(bank), size=n_near)]
    bits = np.unpackbits(sources, axis=1)
    for row, k in enumerate(flips):
        bits[row, rng.choice(256, size=int(k), replace=False)] ^= 1
    queries = np.concatenate([np.packbits(bits, axis=1), uniform_bank(n - n_near, rng)])
    return queries[rng.permutation(n)]


def make_bank(size: int, kind: str) -> np.ndarray:
    rng = np.random.default_rng([SEED, size, 0 if kind == "uniform" else 1])
    return uniform_bank(size, rng) if kind == "uniform" else skewed_bank(size, rng)


# --- the database ---------------------------------------------------------------------------


def database_name(size: int, kind: str) -> str:
    label = f"{size // 1_000_000}m" if size % 1_000_000 == 0 else str(size)
    return f"matcher_bench_{label}_{kind}"


def setup_django(url: str, workdir: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DRACHMA_DEBUG"] = "0"  # no query log growing with every search
    os.environ["DRACHMA_VAR_DIR"] = workdir
    os.environ["DRACHMA_EVIDENCE_ROOT"] = str(Path(workdir) / "evidence")
    os.environ.setdefault("DRACHMA_ENV", "development")  # the demo's settings
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drachma.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def bank_in_database(bank: np.ndarray, reload: bool) -> tuple[int, dict]:
    """Load the bank into takedown_matchablehash (and the MediaHash rows it belongs to) unless
    it is there already; returns the MediaHash key of bank row 0 and what the load took."""
    from django.core.management import call_command
    from django.db import connection

    from drachma.takedown.models import MatchableHash, MediaHash

    try:
        loaded = MatchableHash.objects.count() == len(bank)
    except Exception:
        loaded = False
        connection.close()
    if loaded and not reload:
        first = MediaHash.objects.order_by("pk").values_list("pk", "hash").first()
        assert first[1] == bank[0].tobytes().hex(), "the stored bank is not this bank: --reload"
        return first[0], {}

    took = {}
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    took["migrate"] = time.perf_counter() - start
    capture = _one_capture()
    names = [index.name for index in MatchableHash._meta.indexes]
    first = 1
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE takedown_matchablehash, takedown_mediahash")
        for name in names:  # loaded without them, then built once
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        raw = cursor.connection
        with raw.cursor() as cur:
            for block in range(0, len(bank), 1_000_000):
                part = bank[block : block + 1_000_000]
                hexes = [row.tobytes().hex() for row in part]
                chunks = part.view(">u2").reshape(len(part), 16).tolist()
                with cur.copy(
                    "COPY takedown_mediahash (id, capture_id, kind, hash, quality, false_match,"
                    " false_match_reason) FROM STDIN"
                ) as copy:
                    for i, hex_ in enumerate(hexes):
                        copy.write_row((first + block + i, capture.pk, "pdq", hex_, 90, False, ""))
                columns = ", ".join(f"chunk_{i}" for i in range(16))
                with cur.copy(
                    f"COPY takedown_matchablehash (media_hash_id, code, {columns}) FROM STDIN"
                ) as copy:
                    for i, hex_ in enumerate(hexes):
                        copy.write_row((first + block + i, "x" + hex_, *chunks[i]))
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('takedown_mediahash', 'id'),"
                " (SELECT max(id) FROM takedown_mediahash))"
            )
    took["copy"] = time.perf_counter() - start
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
    with connection.schema_editor() as editor:
        for index in MatchableHash._meta.indexes:
            editor.add_index(MatchableHash, index)
    took["index"] = time.perf_counter() - start
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE takedown_mediahash")
        cursor.execute("VACUUM ANALYZE takedown_matchablehash")
    took["vacuum"] = time.perf_counter() - start
    return first, took


def _one_capture():
    """The capture the bank's hashes belong to (one item, one exhibit: a generated picture)."""
    from PIL import Image

    from drachma.takedown import services
    from drachma.takedown.models import Capture

    existing = Capture.objects.order_by("pk").first()
    if existing is not None:
        return existing
    path = Path(os.environ["DRACHMA_VAR_DIR"]) / "seed.png"
    pixels = np.random.default_rng(1).integers(0, 256, size=(64, 64, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path)
    item = services.create_content_item(
        user=None, url="https://video.example/bench", platform="youtube", file=path
    )
    return item.captures.get()


def database_sizes() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_total_relation_size('takedown_matchablehash'),"
            " pg_relation_size('takedown_matchablehash'),"
            " pg_total_relation_size('takedown_mediahash'),"
            " current_setting('shared_buffers'), version()"
        )
        total, heap, media, buffers, version = cursor.fetchone()
    return dict(total=total, heap=heap, media=media, buffers=buffers, version=version.split()[1])


def backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


# --- the contenders -------------------------------------------------------------------------


class Contender:
    name = ""
    in_process = True
    memory_mb = float("nan")
    build_s = float("nan")

    def search(self, query: np.ndarray) -> set:
        raise NotImplementedError

    def search_file(self, queries: np.ndarray) -> int:
        """All of one file's hashes at once (an image's 8 turns, a video's frames); hits."""
        raise NotImplementedError

    def add(self, key: int, code: np.ndarray) -> None:
        raise NotImplementedError

    def server_cpu_s(self) -> float:
        return 0.0

    def close_thread(self) -> None:
        pass


def from_range(lims, distances, labels) -> set:
    part = slice(int(lims[0]), int(lims[1]))
    return set(zip(labels[part].tolist(), distances[part].tolist(), strict=True))


class Flat(Contender):
    name = "flat"

    def __init__(self, bank: np.ndarray) -> None:
        import faiss

        self.index = faiss.IndexBinaryFlat(256)
        self.index.add(bank)

    def search(self, query):
        return from_range(*self.index.range_search(query[None, :], RADIUS + 1))

    def search_file(self, queries):
        return len(self.index.range_search(queries, RADIUS + 1)[2])

    def search_all(self, queries) -> list[set]:
        lims, distances, labels = self.index.range_search(queries, RADIUS + 1)
        return [from_range(lims[i : i + 2], distances, labels) for i in range(len(queries))]

    def add(self, key, code):
        assert key == self.index.ntotal
        self.index.add(code[None, :])


class HMA(Contender):
    name = "hma"

    def __init__(self, bank: np.ndarray) -> None:
        import faiss

        self.index = faiss.IndexBinaryMultiHash(256, 16, 16)
        self.index.nflip = RADIUS // 16
        self.index.add(bank)

    def search(self, query):
        return from_range(*self.index.range_search(query[None, :], RADIUS + 1))

    def search_file(self, queries):
        return len(self.index.range_search(queries, RADIUS + 1)[2])

    def add(self, key, code):
        assert key == self.index.ntotal
        self.index.add(code[None, :])


class OldIndex(Contender):
    name = "pdqindex"

    def __init__(self, bank: np.ndarray) -> None:
        sys.path.insert(0, str(ROOT / "src"))
        from drachma.takedown.matcher import PDQIndex

        self.index = PDQIndex.for_bank_size(len(bank))
        step = 1_000_000
        for start in range(0, len(bank), step):
            part = bank[start : start + step]
            self.index.add(range(start, start + len(part)), [row.tobytes().hex() for row in part])

    def search(self, query):
        return set(self.index.search(query.tobytes().hex(), RADIUS))

    def search_file(self, queries):
        hits = self.index.search_many([q.tobytes().hex() for q in queries], RADIUS)
        return sum(len(h) for h in hits)

    def add(self, key, code):
        self.index.add([key], [code.tobytes().hex()])


class Database(Contender):
    name = "database"
    in_process = False

    def __init__(self, first_key: int) -> None:
        self.first = first_key
        self.pids: dict[int, int] = {}  # thread -> its connection's backend

    def _pid(self) -> int:
        ident = threading.get_ident()
        if ident not in self.pids:
            self.pids[ident] = backend_pid()
        return self.pids[ident]

    def search(self, query):
        from drachma.takedown import chunkindex

        [hits] = chunkindex.search([query.tobytes().hex()], kind="pdq", max_distance=RADIUS)
        return {(key - self.first, distance) for key, distance in hits}

    def search_file(self, queries):
        from drachma.takedown import chunkindex

        hexes = [q.tobytes().hex() for q in queries]
        return sum(len(h) for h in chunkindex.search(hexes, kind="pdq", max_distance=RADIUS))

    def server_cpu_s(self) -> float:
        return process_cpu_s(self._pid())

    def close_thread(self) -> None:
        from django.db import connections

        self.pids.pop(threading.get_ident(), None)
        connections.close_all()


# --- measurements ---------------------------------------------------------------------------


def one_client(contenders: list[Contender], queries: np.ndarray, truth: list[set]) -> dict:
    """Every query through every contender, the order rotated query by query."""
    figures = {c.name: {"lat": [], "cpu": 0.0, "wrong": 0} for c in contenders}
    for c in contenders:  # the connection is opened and the code paths loaded before timing
        c.search(queries[0])
        c.server_cpu_s()
    for j, query in enumerate(queries):
        for c in contenders[j % len(contenders) :] + contenders[: j % len(contenders)]:
            server = c.server_cpu_s()
            cpu = time.thread_time()
            start = time.perf_counter()
            found = c.search(query)
            took = time.perf_counter() - start
            f = figures[c.name]
            f["lat"].append(took)
            f["cpu"] += time.thread_time() - cpu + c.server_cpu_s() - server
            f["wrong"] += found != truth[j]
    for f in figures.values():
        f["cpu_ms"] = f["cpu"] / len(queries) * 1000
    return figures


def many_clients(
    contenders: list[Contender], queries: np.ndarray, truth: list[set], clients: int, rounds: int
) -> dict:
    """``clients`` threads at once, each its share of the queries; every contender in turn,
    the order rotated round by round."""
    figures = {c.name: {"lat": [], "cpu": 0.0, "wrong": 0, "wall": 0.0} for c in contenders}
    shares = np.array_split(np.arange(len(queries)), clients)
    for r in range(rounds):
        for c in contenders[r % len(contenders) :] + contenders[: r % len(contenders)]:
            f = figures[c.name]
            ready = threading.Barrier(clients + 1)
            lock = threading.Lock()

            def client(rows, c=c, f=f, ready=ready, lock=lock):
                try:
                    import faiss

                    faiss.omp_set_num_threads(1)
                    c.search(queries[rows[0]])  # connect first
                    lat, wrong = [], 0
                    server = c.server_cpu_s()
                    ready.wait()
                    cpu = time.thread_time()
                    for j in rows:
                        start = time.perf_counter()
                        found = c.search(queries[j])
                        lat.append(time.perf_counter() - start)
                        wrong += found != truth[j]
                    used = time.thread_time() - cpu + c.server_cpu_s() - server
                    with lock:
                        f["lat"] += lat
                        f["cpu"] += used
                        f["wrong"] += wrong
                finally:
                    c.close_thread()

            threads = [threading.Thread(target=client, args=(rows,)) for rows in shares]
            for t in threads:
                t.start()
            ready.wait()
            start = time.perf_counter()
            for t in threads:
                t.join()
            f["wall"] += time.perf_counter() - start
    for f in figures.values():
        f["qps"] = len(queries) * rounds / f["wall"]
        f["cpu_ms"] = f["cpu"] / (len(queries) * rounds) * 1000
    return figures


def whole_files(contenders: list[Contender], bank: np.ndarray, n: int = 20) -> dict:
    """Whole files, as a capture or a look-up searches them: an image (its 8 turns, unrelated
    hashes) and a 60-second video (60 frames walking from a bank hash, 0 to 3 bits a frame)."""
    rng = np.random.default_rng(SEED + 11)
    files = []
    for _ in range(n):
        files.append(("image", rng.integers(0, 256, size=(8, 32), dtype=np.uint8)))
        steps = flip_masks(rng, 60, rng.choice(4, size=60))
        steps[0] = bank[rng.integers(0, len(bank))]
        files.append(("video", np.bitwise_xor.accumulate(steps, axis=0)))
    figures = {(c.name, kind): [] for c in contenders for kind in ("image", "video")}
    hits = {}
    for j, (kind, queries) in enumerate(files):
        for c in contenders[j % len(contenders) :] + contenders[: j % len(contenders)]:
            start = time.perf_counter()
            found = c.search_file(queries)
            figures[(c.name, kind)].append(time.perf_counter() - start)
            hits.setdefault(j, set()).add(found)
    agree = all(len(found) == 1 for found in hits.values())
    return {key: statistics.median(t) for key, t in figures.items()} | {"agree": agree}


def insert_until_matchable(contenders: list[Contender], bank_size: int, n: int) -> dict:
    """A new hash stored, then searched for (a near copy, 3 bits away) until found: for the
    database, stored by this connection in a transaction of its own and searched for by
    another connection (another worker), which must find it on its first search."""
    rng = np.random.default_rng(SEED + 7)
    other = OtherWorker(next(c for c in contenders if not c.in_process))
    figures = {c.name: [] for c in contenders}
    misses = {c.name: 0 for c in contenders}
    for i in range(n):
        code = rng.integers(0, 256, size=32, dtype=np.uint8)
        near = code.copy()
        near[0] ^= 0b1011
        key = bank_size + i
        for c in contenders[i % len(contenders) :] + contenders[: i % len(contenders)]:
            if c.in_process:
                start = time.perf_counter()
                c.add(key, code)
                found = (key, 3) in c.search(near)
                figures[c.name].append(time.perf_counter() - start)
            else:
                took, found = store_and_find_elsewhere(c, other, code, near)
                figures[c.name].append(took)
            misses[c.name] += not found
    other.stop()
    return {
        name: dict(median=statistics.median(t), worst=max(t), misses=misses[name])
        for name, t in figures.items()
    }


class OtherWorker:
    """Another web worker: a thread with its own database connection, searching on demand."""

    def __init__(self, db: Database) -> None:
        import queue

        self.db, self.asks, self.answers = db, queue.Queue(), queue.Queue()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.search(np.zeros(32, dtype=np.uint8))  # connected before anything is timed

    def _run(self) -> None:
        try:
            while (query := self.asks.get()) is not None:
                hits = self.db.search(query)
                self.answers.put((hits, time.perf_counter()))
        finally:
            self.db.close_thread()

    def search(self, query: np.ndarray) -> tuple[set, float]:
        self.asks.put(query)
        return self.answers.get()

    def stop(self) -> None:
        self.asks.put(None)
        self.thread.join()


def store_and_find_elsewhere(
    db: Database, other: OtherWorker, code: np.ndarray, near: np.ndarray
) -> tuple[float, bool]:
    from django.db import transaction

    from drachma.takedown.index import index_capture
    from drachma.takedown.models import Capture, MediaHash

    template = Capture.objects.order_by("pk").first()
    start = time.perf_counter()
    with transaction.atomic():
        capture = Capture.objects.create(
            content_item_id=template.content_item_id,
            evidence_id=template.evidence_id,
            sha256=code.tobytes().hex(),
            media_kind="image",
        )
        row = MediaHash.objects.create(
            capture=capture, kind="pdq", hash=code.tobytes().hex(), quality=90
        )
        index_capture(capture.pk)
    hits, found_at = other.search(near)
    found = (row.pk - db.first, 3) in hits
    Capture.objects.filter(pk=capture.pk).delete()
    return found_at - start, found


def read_bank_from_database() -> tuple[np.ndarray, float]:
    """What a worker does before it can build an in-process index: read every hash."""
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor, cursor.connection.cursor() as cur:
        chunks = []
        with cur.copy(
            "COPY (SELECT h.hash FROM takedown_matchablehash m JOIN takedown_mediahash h"
            " ON h.id = m.media_hash_id ORDER BY m.media_hash_id) TO STDOUT"
        ) as copy:
            for data in copy:
                chunks.append(bytes(data))
    text = b"".join(chunks).replace(b"\n", b"")
    codes = np.frombuffer(bytes.fromhex(text.decode()), dtype=np.uint8).reshape(-1, 32)
    return codes, time.perf_counter() - start


def worker_memory(url: str) -> tuple[float, float]:
    """What matching adds to a fresh worker process (after Django is set up and connected),
    and the private memory of its database server process, after 200 searches."""
    import json

    out = subprocess.run(
        [sys.executable, __file__, "--worker-memory", url],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    return figures["added"], figures["backend"]


def _worker_memory_child(url: str) -> None:
    import json

    setup_django(url, tempfile.mkdtemp(prefix="hashmatch-"))
    base_key = backend_pid()  # connected
    before = rss_mb()
    db = Database(0)
    rng = np.random.default_rng(5)
    for query in rng.integers(0, 256, size=(200, 32), dtype=np.uint8):
        db.search(query)
    print(json.dumps({"added": rss_mb() - before, "backend": private_mb(base_key)}))


def first_search_on_a_new_connection(db: Database, query: np.ndarray) -> float:
    """A worker just started: connect and search (there is nothing to build)."""
    out = {}

    def fresh():
        try:
            start = time.perf_counter()
            db.search(query)
            out["took"] = time.perf_counter() - start
        finally:
            db.close_thread()

    thread = threading.Thread(target=fresh)
    thread.start()
    thread.join()
    return out["took"]


# --- one bank -------------------------------------------------------------------------------


def run_bank(args, size: int, kind: str) -> None:
    import faiss

    faiss.omp_set_num_threads(1)
    name = database_name(size, kind)
    workdir = tempfile.mkdtemp(prefix="hashmatch-")
    _create_database(args.database_url, name)
    setup_django(f"{args.database_url}/{name}", workdir)

    start = time.perf_counter()
    bank = make_bank(size, kind)
    made = time.perf_counter() - start
    first, loading = bank_in_database(bank, args.reload)
    if args.load_only:
        print(f"{size:,} {kind} bank in {name}: {loading or 'already loaded'}")
        return
    sizes = database_sizes()
    n_queries = args.queries or (400 if size <= 1_000_000 else 200)
    queries = make_queries(bank, n_queries, np.random.default_rng([SEED, size, 99]))
    print(
        f"\n=== {size:,} hashes, {kind} bank; PostgreSQL {sizes['version']} "
        f"(shared_buffers {sizes['buffers']}), {os.cpu_count()} cores; {load()} ==="
    )
    print(f"bank generated in {made:.1f} s", end="")
    if loading:
        print(
            f"; loaded into {name}: migrate {loading['migrate']:.0f} s, COPY "
            f"{loading['copy']:.0f} s, 16 indexes {loading['index']:.0f} s, VACUUM ANALYZE "
            f"{loading['vacuum']:.0f} s",
            end="",
        )
    else:
        print(f"; already in {name}", end="")
    print(
        f"\ndatabase index: {sizes['total'] / 2**20:,.0f} MB on disk for the table and its 16 "
        f"indexes (the table {sizes['heap'] / 2**20:,.0f} MB), shared by every process and "
        f"cached by the operating system; the hashes' own table {sizes['media'] / 2**20:,.0f} MB"
    )

    db = Database(first)
    codes, read_s = read_bank_from_database()
    assert np.array_equal(codes, bank), "the database holds another bank"
    del codes
    gc.collect()

    # The ground truth, checked against NumPy on a sample.
    before = settled_rss_mb()
    start = time.perf_counter()
    flat = Flat(bank)
    flat.build_s = time.perf_counter() - start
    flat.memory_mb = settled_rss_mb() - before
    faiss.omp_set_num_threads(2)
    truth = flat.search_all(queries)
    faiss.omp_set_num_threads(1)
    for j in range(0, len(queries), max(1, len(queries) // 10)):
        d = np.bitwise_count(bank ^ queries[j]).sum(axis=1)
        assert truth[j] == {(int(i), int(d[i])) for i in np.flatnonzero(d <= RADIUS)}
    pairs = sum(len(t) for t in truth)
    print(
        f"queries: {len(queries):,}; ground truth {pairs:,} (query, hash) pairs within "
        f"{RADIUS} bits (faiss flat, checked against NumPy on a tenth of the queries); "
        f"most hits for one query {max(len(t) for t in truth):,}"
    )

    # Build the in-process indexes that fit next to each other; the rest in a second group.
    groups, group, room = [], ["flat"], mem_available_mb() - 2048 - sizes["total"] / 2**20
    for which in ("hma", "pdqindex"):
        need = BYTES_PER_HASH[which] * size / 2**20
        if need < room:
            group.append(which)
            room -= need
        else:
            groups.append(group)
            group, room = [which], mem_available_mb() - 2048 - sizes["total"] / 2**20
    groups.append(group)
    results = {}
    for names in groups:
        built = {"flat": flat} if "flat" in names else {}
        for which in names:
            if which in built:
                continue
            before = settled_rss_mb()
            start = time.perf_counter()
            built[which] = {"hma": HMA, "pdqindex": OldIndex}[which](bank)
            built[which].build_s = time.perf_counter() - start
            built[which].memory_mb = settled_rss_mb() - before
        contenders = [db] + [built[n] for n in names]
        if len(groups) > 1:
            print(f"(measured together: {', '.join(c.name for c in contenders)}; {load()})")
        results[tuple(names)] = measure(args, contenders, bank, queries, truth)
        for which in names:
            if which != "flat":
                del built[which]
        del contenders, built
        gc.collect()

    client_mb, backend_mb = worker_memory(f"{args.database_url}/{name}")
    first_search = statistics.median(
        first_search_on_a_new_connection(db, queries[j]) for j in range(5)
    )
    report(results, read_s, first_search, backend_mb, client_mb)


def _create_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{url}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def measure(args, contenders, bank, queries, truth) -> dict:
    out = {"load_before": os.getloadavg()}
    out["one"] = one_client(contenders, queries, truth)
    out["load_one"] = os.getloadavg()
    out["many"] = many_clients(contenders, queries, truth, args.clients, args.rounds)
    out["load_many"] = os.getloadavg()
    out["files"] = whole_files(contenders, bank)
    out["load_files"] = os.getloadavg()
    out["insert"] = insert_until_matchable(contenders, len(bank), args.inserts)
    out["load_insert"] = os.getloadavg()
    out["built"] = {c.name: (c.build_s, c.memory_mb) for c in contenders}
    return out


def report(results, read_s, first_search, backend_mb, client_mb) -> None:
    label = {
        "database": "database chunk index (in use)",
        "hma": "HMA: faiss IndexBinaryMultiHash nflip=1",
        "flat": "faiss IndexBinaryFlat (brute force)",
        "pdqindex": "in-process PDQIndex, 16-bit (before)",
    }
    print(
        f"\n{'contender':<42} {'1 client ms':>15} {'8 clients ms':>16} {'q/s':>6} "
        f"{'CPU ms/q':>9} {'memory/worker':>14} {'new hash ms':>14} {'worker ready':>13} "
        f"{'wrong':>6}"
    )
    print(f"{'':<42} {'median / p95':>15} {'median / p95':>16} {'at 8':>6} {'(1 / 8)':>9}")
    for names, r in results.items():
        for c in ["database", *names]:
            one, many, ins = r["one"][c], r["many"][c], r["insert"][c]
            if c == "database":
                memory = f"{client_mb:.0f}+{backend_mb:.0f} MB"
                ready = f"{first_search * 1000:.0f} ms"
            else:
                build, mem = r["built"][c]
                memory = f"{mem:,.0f} MB"
                ready = f"{read_s + build:.1f} s"
            one_ms = [np.median(one["lat"]) * 1000, pct(one["lat"], 95) * 1000]
            many_ms = [np.median(many["lat"]) * 1000, pct(many["lat"], 95) * 1000]
            print(
                f"{label[c]:<42} {one_ms[0]:>7.2f} / {one_ms[1]:<6.2f}"
                f" {many_ms[0]:>7.2f} / {many_ms[1]:<7.2f}"
                f" {many['qps']:>6.0f} {one['cpu_ms']:>4.1f}/{many['cpu_ms']:<4.1f}"
                f" {memory:>14} {ins['median'] * 1000:>6.2f}/{ins['worst'] * 1000:<7.1f}"
                f" {ready:>13} {one['wrong'] + many['wrong'] + ins['misses']:>6}"
            )
        files = r["files"]
        print(
            "  a whole file, median ms (image: 8 turns / video: 60 frames): "
            + "; ".join(
                f"{c} {files[(c, 'image')] * 1000:.1f} / {files[(c, 'video')] * 1000:.1f}"
                for c in ["database", *names]
            )
            + ("" if files["agree"] else "  (HIT COUNTS DIFFER)")
        )
        print(
            "  load average: before {:.1f}, after 1 client {:.1f}, after 8 clients {:.1f}, after "
            "inserts {:.1f}".format(
                r["load_before"][0], r["load_one"][0], r["load_many"][0], r["load_insert"][0]
            )
        )
    print(
        "(latency: one query hash per search, nothing batched; 8 clients: threads at once, "
        "each database client on its own connection; CPU: the searching thread's, plus the "
        "database server process's for the database; memory/worker: what each web worker "
        "holds for matching (the database: what 200 searches add to a fresh worker process + "
        "its server process's private memory; the index itself is shared, on disk and in the "
        "page cache); new hash: "
        "median/worst ms from storing a hash until a search finds it (database: stored and "
        "committed by one connection, found by another on its first search; in process: added "
        "to the index in this process only, every other worker must read it too); worker "
        f"ready: before a new worker can match (in process: read the bank from the database, "
        f"{read_s:.1f} s here by COPY, and build; the database: connect and search); wrong: "
        "answers that differ from the ground truth, plus new hashes not found)"
    )


# --- vPDQ: hashing a video --------------------------------------------------------------


def make_video(
    path: Path, seconds: int, width: int = 1280, height: int = 720, fps: int = 25
) -> None:
    """Moving shapes over a drifting gradient, H.264, like a phone's 720p footage."""
    import av

    y, x = np.mgrid[0:height, 0:width]
    base = np.stack(
        [(x * 255 // width), (y * 255 // height), ((x + y) * 255 // (width + height))], axis=-1
    )
    base = base.astype(np.uint8)
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=fps, options={"preset": "veryfast"})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = Fraction(1, fps)
        for i in range(seconds * fps):
            frame = np.roll(base, i * 3, axis=1)
            cx, cy = (i * 7) % (width - 200), (i * 5) % (height - 150)
            frame[cy : cy + 150, cx : cx + 200] = (i * 3 % 256, 40, 200)
            out = av.VideoFrame.from_ndarray(frame, format="rgb24")
            out.pts = i
            for packet in stream.encode(out):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


# getrusage's maxrss survives fork and exec (a child starts with its parent's peak), so the
# child also reads VmHWM, the peak of its own address space, which exec resets.
CHILD = """
import json, resource, sys, time
def hwm_kb():
    with open("/proc/self/status") as fh:
        return next(int(l.split()[1]) for l in fh if l.startswith("VmHWM:"))
sys.path.insert(0, {src!r})
from drachma.takedown.hashing import hash_video
import vpdq  # noqa: F401  (loaded before the baseline is read)
base = hwm_kb()
start = time.perf_counter()
frames = hash_video({path!r}, seconds_per_hash=1.0)
took = time.perf_counter() - start
print(json.dumps(dict(seconds=took, frames=len(frames), base_kb=base, peak_kb=hwm_kb(),
                      maxrss_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)))
"""


def bench_video(seconds: int) -> dict:
    import json

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "footage.mp4"
        start = time.perf_counter()
        make_video(path, seconds)
        made = time.perf_counter() - start
        size = path.stat().st_size
        out = subprocess.run(
            [sys.executable, "-c", CHILD.format(src=str(ROOT / "src"), path=str(path))],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result.update(made=made, size=size)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--banks", default="uniform,skewed")
    parser.add_argument("--queries", type=int, default=None, help="400 (1M), 200 (10M)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--inserts", type=int, default=30)
    parser.add_argument("--reload", action="store_true", help="load the bank again")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--load-only", action="store_true", help="load the banks, measure nothing")
    parser.add_argument(
        "--vpdq", type=int, metavar="SECONDS", help="only time vPDQ on a 720p video this long"
    )
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--worker-memory", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker_memory:
        return _worker_memory_child(args.worker_memory)
    if args.one:
        return run_bank(args, int(args.one[0]), args.one[1])
    if args.vpdq:
        video = bench_video(args.vpdq)
        print(
            f"vPDQ: a {args.vpdq} s 1280x720 25 fps H.264 video ({video['size'] / 1e6:.1f} MB, "
            f"made in {video['made']:.1f} s) hashed at one frame a second: {video['frames']} "
            f"frames in {video['seconds']:.2f} s; peak memory {video['peak_kb'] / 1024:.0f} MB "
            f"(VmHWM; {video['base_kb'] / 1024:.0f} MB of it interpreter and libraries before "
            f"hashing; getrusage maxrss {video['maxrss_kb'] / 1024:.0f} MB); {load()}"
        )
        return
    print(
        f"bench/hashmatch.py: exact PDQ matching within {RADIUS} bits; numpy {np.__version__}; "
        f"started {time.strftime('%Y-%m-%d %H:%M')}; {load()}"
    )
    for size in [int(s) for s in args.sizes.split(",")]:
        for kind in args.banks.split(","):
            # One process per bank: its own Django settings (database) and its memory freed.
            start = time.perf_counter()
            command = [sys.executable, __file__, *sys.argv[1:], "--one", str(size), kind]
            subprocess.run(command, check=True)
            print(f"({size:,} {kind}: {time.perf_counter() - start:.0f} s in all)", flush=True)


if __name__ == "__main__":
    main()
