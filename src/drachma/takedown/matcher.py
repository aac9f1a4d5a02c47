"""Exact matching of PDQ hashes (images and video frames) within a Hamming distance, in memory.

``PDQIndex`` finds every stored hash within ``max_distance`` bits of a query (recall 1.0,
not an approximation) and makes a hash matchable the moment it is added. ``VideoIndex``
applies HMA's video rule on top: a stored video matches when at least ``min_share`` of the
query's usable frames (quality >= MIN_QUALITY) match some frame of it.

The takedown app's bank is not held here but in the database (``chunkindex``), one index for
every process; these are for hashes held in one process's memory (and are the benchmark's
in-process contender, ``bench/hashmatch.py``).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Sequence
from itertools import combinations

import faiss
import numpy as np

from .hashing import MIN_QUALITY, PDQ_MATCH_DISTANCE, VIDEO_MATCH_SHARE, FrameHash

PDQ_BITS = 256
PDQ_BYTES = PDQ_BITS // 8
PARALLEL_FROM = 16  # queries in one search before faiss spreads them over the cores
SEARCH_SLICE = 4096  # queries handed to faiss at once


def hex_to_bits(hash_hex: str) -> np.ndarray:
    """A PDQ hex string as 32 bytes (faiss's packed binary code, most significant bit first)."""
    if len(hash_hex) != PDQ_BYTES * 2:
        raise ValueError(f"a PDQ hash is 64 hex characters, not {len(hash_hex)}: {hash_hex!r}")
    try:
        data = bytes.fromhex(hash_hex)
    except ValueError as exc:
        raise ValueError(f"a PDQ hash is hexadecimal: {hash_hex!r}") from exc
    if len(data) != PDQ_BYTES:
        raise ValueError(f"a PDQ hash is 64 hex characters without spaces: {hash_hex!r}")
    return np.frombuffer(data, dtype=np.uint8)


def hexes_to_bits(hashes_hex: Iterable[str]) -> np.ndarray:
    """(n, 32) bytes; a bad hash raises ValueError naming it."""
    hashes = hashes_hex if isinstance(hashes_hex, list) else list(hashes_hex)
    if not hashes:
        return np.empty((0, PDQ_BYTES), dtype=np.uint8)
    # One conversion for the lot (a bank load is a million hashes). fromhex skips spaces
    # between bytes, so a short result means some hash was not 64 hex digits: find which.
    try:
        joined = "".join(hashes)
        data = bytes.fromhex(joined) if len(joined) == len(hashes) * PDQ_BYTES * 2 else b""
    except (TypeError, ValueError):
        data = b""
    if len(data) != len(hashes) * PDQ_BYTES:
        for h in hashes:
            if not isinstance(h, str):
                raise ValueError(f"a PDQ hash is a hex string, not {type(h).__name__}")
            hex_to_bits(h)
        raise ValueError("a PDQ hash is 64 hex characters without spaces")
    return np.frombuffer(data, dtype=np.uint8).reshape(len(hashes), PDQ_BYTES).copy()


def hamming(a_hex: str, b_hex: str) -> int:
    """The number of bits in which two PDQ hashes differ."""
    return int(np.bitwise_count(np.bitwise_xor(hex_to_bits(a_hex), hex_to_bits(b_hex))).sum())


class PDQIndex:
    """Exact Hamming range search over 256-bit PDQ hashes, keyed by caller-supplied int64 ids.

    **Why it is exact (multi-index hashing, Norouzi et al., with the pigeonhole principle).**
    The 256 bits are cut into 16 disjoint chunks of 16 bits. If two hashes differ in at most
    ``r`` bits in all, at least one chunk differs in at most ``floor(r / 16)`` bits: were every
    chunk ``floor(r / 16) + 1`` or more apart, the total would be at least
    ``16 * (floor(r / 16) + 1) > r``. For HMA's ``r = 31`` that is one bit. So every stored
    hash within ``r`` of a query shares, in some chunk ``t``, a value within ``floor(r / 16)``
    flipped bits of the query's chunk ``t``. Each hash is filed in 16 buckets, one per chunk
    (bucket = chunk number and the chunk's value; with fewer ``bucket_bits`` than 16, the
    value's low bits, so a bucket holds several values); a search opens the buckets of the
    query's chunk values and of all their variants with up to ``floor(r / 16)`` bits flipped
    (at most 16 x 17 = 272 buckets at ``r = 31``) and compares every hash found there with the
    query on all 256 bits. Nothing within ``r`` can be missed and nothing farther is returned:
    recall 1.0 and precision 1.0 (``tests/takedown/test_matcher.py`` checks this against a
    NumPy brute force, at distances 31 and 32 among others).

    HMA uses the same guarantee through faiss's ``IndexBinaryMultiHash(256, 16, 16)`` with one
    flip, whose buckets hold ids in hash maps and whose candidates go through a hash set
    before each is compared. Here the buckets are the inverted lists of a faiss
    ``IndexBinaryIVF`` (one list per bucket, 16 x 2^bucket_bits lists) holding the codes
    themselves, so a search streams through contiguous codes in C++, across all cores. The
    price is memory: each hash is stored 16 times (about 640 MB for a million hashes).

    ``add`` appends to the 16 lists of each hash, so a hash is matchable as soon as ``add``
    returns; ``remove`` takes it out of its 16 lists. Nothing is ever rebuilt. All calls take
    one lock, so the index can be shared between threads.

    ``bucket_bits`` (1 to 16) sets how many bits of each chunk pick its bucket. Fewer bits mean
    fewer, fuller buckets: still exact (every candidate is checked on all 256 bits), slower on
    a big bank, lighter when empty. The default, 12 bits, has 65,536 lists (about 10 MB empty)
    and is still several times HMA's speed at a million hashes; 16 bits has 1,048,576 lists
    (about 160 MB empty) and is the fastest on a big bank. ``for_bank_size(n)`` picks for an
    expected size.
    """

    CHUNKS = 16
    CHUNK_BITS = 16
    MAX_DISTANCE = 63  # 4 flips per chunk: beyond this the search opens too many buckets
    DEFAULT_BUCKET_BITS = 12

    @classmethod
    def bucket_bits_for(cls, expected: int) -> int:
        """The default up to ~250,000 hashes, 16-bit buckets above (there the emptier buckets
        pay for their memory)."""
        return cls.CHUNK_BITS if expected > 250_000 else cls.DEFAULT_BUCKET_BITS

    @classmethod
    def for_bank_size(cls, expected: int) -> PDQIndex:
        """An index sized for about ``expected`` hashes (see ``bucket_bits_for``)."""
        return cls(cls.bucket_bits_for(expected))

    def __init__(self, bucket_bits: int = DEFAULT_BUCKET_BITS) -> None:
        if not 1 <= bucket_bits <= self.CHUNK_BITS:
            raise ValueError(f"bucket_bits must be between 1 and {self.CHUNK_BITS}")
        self.bucket_bits = bucket_bits
        self._bucket_mask = (1 << bucket_bits) - 1
        self._lock = threading.RLock()
        self._quantizer = faiss.IndexBinaryFlat(PDQ_BITS)  # required, never used: lists are given
        self._ivf = faiss.IndexBinaryIVF(self._quantizer, PDQ_BITS, self.CHUNKS << bucket_bits)
        self._ivf.is_trained = True
        self._lists = faiss.downcast_InvertedLists(self._ivf.invlists)
        self._codes: dict[int, bytes] = {}  # id -> code, to find its 16 lists on removal

    def __len__(self) -> int:
        with self._lock:
            return len(self._codes)

    def __contains__(self, id_: object) -> bool:
        try:
            key = int(id_)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return False
        with self._lock:
            return key in self._codes

    def _chunks(self, codes: np.ndarray) -> np.ndarray:
        chunks = np.ascontiguousarray(codes).view(np.uint16).reshape(len(codes), self.CHUNKS)
        return chunks.astype(np.int64)

    def _list_numbers(self, codes: np.ndarray) -> np.ndarray:
        """(n, 16) inverted list numbers: chunk t of a code goes to list t * 2^bucket_bits +
        the chunk's value (its low ``bucket_bits`` bits)."""
        offsets = np.arange(self.CHUNKS, dtype=np.int64) << self.bucket_bits
        return (self._chunks(codes) & self._bucket_mask) + offsets

    def _probes(self, codes: np.ndarray, max_distance: int) -> np.ndarray:
        """(n, nprobe) lists to open: each chunk value with up to floor(r/16) bits flipped."""
        masks = _flip_masks(self.CHUNK_BITS, max_distance // self.CHUNKS, self._bucket_mask)
        keys = (self._chunks(codes) & self._bucket_mask)[:, :, None] ^ masks[None, None, :]
        keys += (np.arange(self.CHUNKS, dtype=np.int64) << self.bucket_bits)[None, :, None]
        return keys.reshape(len(codes), -1)

    def add(self, ids: Sequence[int], hashes_hex: Sequence[str]) -> None:
        """Add hashes under the given ids; an id already present gets the new hash."""
        ids = [int(i) for i in ids]
        codes = hexes_to_bits(hashes_hex)
        if len(ids) != len(codes):
            raise ValueError(f"{len(ids)} ids for {len(codes)} hashes")
        if len(set(ids)) != len(ids):
            raise ValueError("ids must be unique within one add")
        if not ids:
            return
        id_array = np.asarray(ids, dtype=np.int64)
        chunks = self._chunks(codes) & self._bucket_mask
        with self._lock:
            self._remove_locked([i for i in ids if i in self._codes])
            for table in range(self.CHUNKS):
                self._file(table, chunks[:, table], codes, id_array)
            self._ivf.ntotal = self._ivf.ntotal + len(ids) * self.CHUNKS
            self._codes.update(zip(ids, (row.tobytes() for row in codes), strict=True))

    def _file(self, table: int, values: np.ndarray, codes: np.ndarray, ids: np.ndarray) -> None:
        """Append the codes to their lists of one chunk table, one call per list.

        Grouping by list makes a bulk load allocate each list once, at its final size, and
        costs one faiss call per list touched rather than per entry.
        """
        order = np.argsort(values.astype(np.uint16), kind="stable")  # a radix sort
        values = values[order]
        codes = np.ascontiguousarray(codes[order])
        ids = np.ascontiguousarray(ids[order])
        starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
        ends = np.r_[starts[1:], len(values)]
        base = table << self.bucket_bits
        # Raw addresses into the sorted arrays: slicing a million times costs more than filing.
        id_address, code_address = ids.ctypes.data, codes.ctypes.data
        add_entries, id_ptr, code_ptr = (
            self._lists.add_entries,
            faiss.cast_integer_to_idx_t_ptr,
            # In faiss's SWIG module, missing from the stubs it ships.
            faiss.cast_integer_to_uint8_ptr,  # type: ignore[attr-defined]
        )
        for start, end, value in zip(
            starts.tolist(), ends.tolist(), values[starts].tolist(), strict=True
        ):
            add_entries(
                base + value,
                end - start,
                id_ptr(id_address + start * 8),
                code_ptr(code_address + start * PDQ_BYTES),
            )

    def remove(self, ids: Iterable[int]) -> int:
        """Stop matching these ids at once; returns how many were present."""
        with self._lock:
            return self._remove_locked([int(i) for i in ids if int(i) in self._codes])

    def _remove_locked(self, ids: list[int]) -> int:
        for id_ in ids:
            code = np.frombuffer(self._codes.pop(id_), dtype=np.uint8)
            for list_no in self._list_numbers(code[None, :])[0].tolist():
                self._drop_from_list(list_no, id_)
        if ids:
            self._ivf.ntotal = self._ivf.ntotal - len(ids) * self.CHUNKS
        return len(ids)

    def _drop_from_list(self, list_no: int, id_: int) -> None:
        # Swap with the last entry and shrink: order within a list does not matter.
        size = self._lists.list_size(list_no)
        list_ids = faiss.rev_swig_ptr(self._lists.get_ids(list_no), size)
        for position in np.flatnonzero(list_ids == id_)[::-1].tolist():
            last = size - 1
            if position != last:
                last_code = faiss.rev_swig_ptr(self._lists.get_codes(list_no), size * PDQ_BYTES)
                # InvertedLists.update_entry is in faiss's SWIG module, missing from its stubs.
                self._lists.update_entry(  # type: ignore[attr-defined]
                    list_no,
                    position,
                    int(list_ids[last]),
                    faiss.swig_ptr(np.array(last_code[last * PDQ_BYTES : size * PDQ_BYTES])),
                )
            self._lists.resize(list_no, last)
            size = last
            list_ids = faiss.rev_swig_ptr(self._lists.get_ids(list_no), size)

    def search(
        self, hash_hex: str, max_distance: int = PDQ_MATCH_DISTANCE
    ) -> list[tuple[int, int]]:
        """(id, distance) of every stored hash within ``max_distance`` bits, nearest first."""
        return self.search_many([hash_hex], max_distance)[0]

    def search_many(
        self, hashes_hex: Sequence[str], max_distance: int = PDQ_MATCH_DISTANCE
    ) -> list[list[tuple[int, int]]]:
        """``search`` for each hash, in one pass spread over the cores."""
        if not 0 <= max_distance <= self.MAX_DISTANCE:
            raise ValueError(f"max_distance must be between 0 and {self.MAX_DISTANCE} bits")
        queries = hexes_to_bits(hashes_hex)
        results: list[list[tuple[int, int]]] = []
        # In slices, so that the list of buckets to open (272 per query) stays small and an
        # insert waiting for the lock gets in between.
        for start in range(0, len(queries), SEARCH_SLICE):
            results.extend(self._search(queries[start : start + SEARCH_SLICE], max_distance))
        return results

    def _search(self, queries: np.ndarray, max_distance: int) -> list[list[tuple[int, int]]]:
        results: list[list[tuple[int, int]]] = [[] for _ in range(len(queries))]
        probes = self._probes(queries, max_distance)
        with self._lock:
            if not self._codes:
                return results
            self._ivf.nprobe = probes.shape[1]
            # A few queries finish faster on this thread than it takes to wake the others (on
            # a busy machine, milliseconds). omp_set_num_threads affects the calling thread only.
            threads = faiss.omp_get_max_threads()
            if len(queries) < PARALLEL_FROM:
                faiss.omp_set_num_threads(1)
            try:
                # faiss returns the hashes strictly closer than the radius it is given.
                lims, distances, ids = self._ivf.range_search_preassigned(
                    queries, max_distance + 1, probes, None
                )
            finally:
                faiss.omp_set_num_threads(threads)
        if not len(ids):
            return results
        # A hash near the query in several chunks was found once per chunk: keep one.
        query_of = np.repeat(np.arange(len(queries)), np.diff(lims).astype(np.int64))
        order = np.lexsort((ids, distances, query_of))
        query_of, distances, ids = query_of[order], distances[order], ids[order]
        first = np.ones(len(ids), dtype=bool)
        first[1:] = (query_of[1:] != query_of[:-1]) | (ids[1:] != ids[:-1])
        for q, id_, distance in zip(
            query_of[first].tolist(), ids[first].tolist(), distances[first].tolist(), strict=True
        ):
            results[q].append((id_, distance))
        return results

    def search_best(
        self, hashes_hex: Sequence[str], max_distance: int = PDQ_MATCH_DISTANCE
    ) -> list[tuple[int, int]]:
        """Stored hashes near any of several query hashes, each once with its least distance.

        For an image's eight dihedral hashes: a rotated or mirrored copy of a stored image is
        near one of them.
        """
        best: dict[int, int] = {}
        for hits in self.search_many(hashes_hex, max_distance):
            for id_, distance in hits:
                if distance < best.get(id_, PDQ_BITS + 1):
                    best[id_] = distance
        return sorted(best.items(), key=lambda p: (p[1], p[0]))


@functools.cache
def _flip_masks(bits: int, max_flips: int, keep: int) -> np.ndarray:
    """Every ``bits``-bit mask with at most ``max_flips`` bits set, cut to the bits in ``keep``.

    Flips of bits that do not pick the bucket land in the same bucket: it is opened once.
    """
    masks = [0]
    for count in range(1, max_flips + 1):
        masks.extend(sum(1 << b for b in combo) for combo in combinations(range(bits), count))
    unique = np.unique(np.asarray(masks, dtype=np.int64) & keep)
    unique.flags.writeable = False
    return unique


class VideoIndex:
    """Videos as sets of frame hashes, matched by HMA's rule for vPDQ.

    A stored video matches a query when at least ``min_share`` of the query's distinct frame
    hashes of quality >= MIN_QUALITY are within ``max_distance`` of some usable frame of that
    video (python-threatexchange's ``match_VPDQ_hash_brute`` and its faiss index: frames
    filtered by quality and deduplicated, 80% of the query's frames).
    """

    def __init__(self, bucket_bits: int = PDQIndex.DEFAULT_BUCKET_BITS) -> None:
        self._lock = threading.RLock()
        self._frames = PDQIndex(bucket_bits)
        self._frame_video = np.empty(0, dtype=np.int64)  # frame key -> video id
        self._video_keys: dict[int, list[int]] = {}
        self._next_key = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._video_keys)

    def add_video(self, video_id: int, frames: Iterable[FrameHash | dict]) -> int:
        """Index a video's usable frames (quality >= 50, each distinct hash once); returns how
        many were indexed."""
        video_id = int(video_id)
        usable = _usable(frames)
        hexes_to_bits([f.pdq for f in usable])  # a bad hash fails before anything changes
        with self._lock:
            self.remove_video(video_id)
            keys = list(range(self._next_key, self._next_key + len(usable)))
            self._next_key += len(usable)
            if self._next_key > len(self._frame_video):
                # Grown by doubling, so that adding videos one by one stays linear.
                size = max(self._next_key, 2 * len(self._frame_video), 1024)
                grown = np.full(size, -1, dtype=np.int64)
                grown[: len(self._frame_video)] = self._frame_video
                self._frame_video = grown
            self._frame_video[keys] = video_id
            self._frames.add(keys, [f.pdq for f in usable])
            self._video_keys[video_id] = keys
            return len(keys)

    def remove_video(self, video_id: int) -> bool:
        with self._lock:
            keys = self._video_keys.pop(int(video_id), None)
            if keys is None:
                return False
            self._frames.remove(keys)
            return True

    def search(
        self,
        frames: Iterable[FrameHash | dict],
        max_distance: int = PDQ_MATCH_DISTANCE,
        min_share: float = VIDEO_MATCH_SHARE,
    ) -> list[tuple[int, float]]:
        """(video id, share of the query's usable frames matched), best first."""
        usable = _usable(frames)
        if not usable:
            return []
        with self._lock:
            hits = self._frames.search_many([f.pdq for f in usable], max_distance)
            matched: dict[int, int] = {}
            for frame_hits in hits:
                for video_id in {int(self._frame_video[key]) for key, _ in frame_hits}:
                    matched[video_id] = matched.get(video_id, 0) + 1
        shares = [(vid, count / len(usable)) for vid, count in matched.items()]
        return sorted(
            [(vid, share) for vid, share in shares if share >= min_share],
            key=lambda p: (-p[1], p[0]),
        )


def _usable(frames: Iterable[FrameHash | dict]) -> list[FrameHash]:
    """HMA's preparation of vPDQ frames: quality >= MIN_QUALITY, each distinct hash once.

    A still scene gives the same hash second after second; counted once, it cannot make up
    the 80% on its own.
    """
    seen: set[str] = set()
    usable = []
    for frame in map(_frame, frames):
        if frame.quality >= MIN_QUALITY and frame.pdq not in seen:
            seen.add(frame.pdq)
            usable.append(frame)
    return usable


def _frame(frame: FrameHash | dict) -> FrameHash:
    if isinstance(frame, FrameHash):
        return frame
    try:
        return FrameHash(
            frame=int(frame["frame"]),
            timestamp=float(frame["timestamp"]),
            pdq=str(frame["pdq"]),
            quality=int(frame["quality"]),
        )
    except KeyError as exc:
        raise ValueError(
            f"a video frame needs frame, timestamp, pdq and quality: {exc} is missing"
        ) from None
    except (TypeError, ValueError) as exc:
        raise ValueError(f"a video frame's values are not right: {exc}") from None
