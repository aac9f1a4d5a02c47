"""Exact matching of PDQ hashes (images and video frames) within a Hamming distance.

``PDQIndex`` finds every stored hash within ``max_distance`` bits of a query (recall 1.0,
not an approximation) and makes a hash matchable the moment it is added. ``VideoIndex``
applies HMA's video rule on top: a stored video matches when at least ``min_share`` of the
query's usable frames (quality >= MIN_QUALITY) match some frame of it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

import faiss
import numpy as np

from .hashing import MIN_QUALITY, PDQ_MATCH_DISTANCE, VIDEO_MATCH_SHARE, FrameHash

PDQ_BITS = 256
PDQ_BYTES = PDQ_BITS // 8


def hex_to_bits(hash_hex: str) -> np.ndarray:
    """A PDQ hex string as 32 bytes (faiss's packed binary code, most significant bit first)."""
    if len(hash_hex) != PDQ_BYTES * 2:
        raise ValueError(f"a PDQ hash is 64 hex characters, not {len(hash_hex)}: {hash_hex!r}")
    try:
        return np.frombuffer(bytes.fromhex(hash_hex), dtype=np.uint8)
    except ValueError as exc:
        raise ValueError(f"a PDQ hash is hexadecimal: {hash_hex!r}") from exc


def hexes_to_bits(hashes_hex: Iterable[str]) -> np.ndarray:
    hashes = list(hashes_hex)
    if not hashes:
        return np.empty((0, PDQ_BYTES), dtype=np.uint8)
    return np.stack([hex_to_bits(h) for h in hashes])


def hamming(a_hex: str, b_hex: str) -> int:
    """The number of bits in which two PDQ hashes differ."""
    return int(np.bitwise_count(np.bitwise_xor(hex_to_bits(a_hex), hex_to_bits(b_hex))).sum())


class PDQIndex:
    """Exact Hamming range search over 256-bit PDQ hashes, keyed by caller-supplied int64 ids.

    The guarantee (multi-index hashing, Norouzi et al.): the 256 bits are cut into ``NHASH``
    disjoint chunks of ``CHUNK_BITS`` bits, each with its own hash table. If two hashes differ
    in at most ``r`` bits overall, then by the pigeonhole principle at least one chunk differs
    in at most ``floor(r / NHASH)`` bits; otherwise every chunk would differ in
    ``floor(r / NHASH) + 1`` or more and the total would exceed ``r``. Looking up every key
    within ``nflip = floor(r / NHASH)`` bit flips of each query chunk therefore reaches every
    stored hash within ``r`` bits, and each candidate is then checked on all 256 bits, so the
    result is exact: recall 1.0, no false matches. Chunks may leave a few bits uncovered; the
    bound still holds because a distance over fewer bits can only be smaller.

    faiss's hash tables grow in place, so ``add`` makes a hash matchable at once. ``remove``
    hides ids immediately and compacts the tables when hidden rows pile up.
    """

    NHASH = 11
    CHUNK_BITS = 23

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._reset()

    def _reset(self) -> None:
        self._index = faiss.IndexBinaryMultiHash(PDQ_BITS, self.NHASH, self.CHUNK_BITS)
        self._codes = np.empty((0, PDQ_BYTES), dtype=np.uint8)
        self._row_ids = np.empty(0, dtype=np.int64)  # faiss row -> caller's id
        self._live = np.empty(0, dtype=bool)
        self._row_of: dict[int, int] = {}  # caller's id -> faiss row

    def __len__(self) -> int:
        with self._lock:
            return len(self._row_of)

    def __contains__(self, id_: int) -> bool:
        with self._lock:
            return int(id_) in self._row_of

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
        with self._lock:
            self._hide([i for i in ids if i in self._row_of])
            start = len(self._row_ids)
            self._index.add(codes)
            self._codes = np.concatenate([self._codes, codes])
            self._row_ids = np.concatenate([self._row_ids, np.asarray(ids, dtype=np.int64)])
            self._live = np.concatenate([self._live, np.ones(len(ids), dtype=bool)])
            for offset, id_ in enumerate(ids):
                self._row_of[id_] = start + offset
            self._maybe_compact()

    def remove(self, ids: Iterable[int]) -> int:
        """Stop matching these ids at once; returns how many were present."""
        with self._lock:
            removed = self._hide([int(i) for i in ids if int(i) in self._row_of])
            self._maybe_compact()
            return removed

    def _hide(self, ids: list[int]) -> int:
        for id_ in ids:
            self._live[self._row_of.pop(id_)] = False
        return len(ids)

    def _maybe_compact(self) -> None:
        dead = len(self._live) - len(self._row_of)
        if dead > 1024 and dead > len(self._live) // 4:
            keep = self._live
            codes, ids = self._codes[keep], self._row_ids[keep]
            self._reset()
            if len(ids):
                self._index.add(codes)
                self._codes, self._row_ids = codes, ids
                self._live = np.ones(len(ids), dtype=bool)
                self._row_of = {int(i): row for row, i in enumerate(ids.tolist())}

    def search(self, hash_hex: str, max_distance: int = PDQ_MATCH_DISTANCE) -> list[tuple[int, int]]:
        """(id, distance) of every stored hash within ``max_distance`` bits, nearest first."""
        return self.search_many([hash_hex], max_distance)[0]

    def search_many(
        self, hashes_hex: Sequence[str], max_distance: int = PDQ_MATCH_DISTANCE
    ) -> list[list[tuple[int, int]]]:
        queries = hexes_to_bits(hashes_hex)
        if max_distance < 0 or max_distance >= PDQ_BITS:
            raise ValueError(f"max_distance must be between 0 and {PDQ_BITS - 1}")
        results: list[list[tuple[int, int]]] = [[] for _ in range(len(queries))]
        with self._lock:
            if not len(queries) or not self._row_of:
                return results
            self._index.nflip = max_distance // self.NHASH
            # faiss returns distances strictly below the radius.
            lims, distances, rows = self._index.range_search(queries, max_distance + 1)
            live = self._live[rows]
            found_ids = self._row_ids[rows]
        for q in range(len(queries)):
            lo, hi = lims[q], lims[q + 1]
            keep = live[lo:hi]
            pairs = sorted(
                zip(found_ids[lo:hi][keep].tolist(), distances[lo:hi][keep].tolist(), strict=True),
                key=lambda p: (p[1], p[0]),
            )
            results[q] = pairs
        return results


class VideoIndex:
    """Videos as sets of frame hashes, matched by HMA's rule for vPDQ.

    A stored video matches a query when at least ``min_share`` of the query's frames of
    quality >= MIN_QUALITY are within ``max_distance`` of some usable frame of that video.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._frames = PDQIndex()
        self._frame_video = np.empty(0, dtype=np.int64)  # frame key -> video id
        self._video_keys: dict[int, list[int]] = {}
        self._next_key = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._video_keys)

    def add_video(self, video_id: int, frames: Iterable[FrameHash | dict]) -> int:
        """Index a video's usable frames; returns how many were indexed."""
        video_id = int(video_id)
        usable = [f for f in map(_frame, frames) if f.quality >= MIN_QUALITY]
        with self._lock:
            self.remove_video(video_id)
            keys = list(range(self._next_key, self._next_key + len(usable)))
            self._next_key += len(usable)
            growth = self._next_key - len(self._frame_video)
            if growth > 0:
                self._frame_video = np.concatenate(
                    [self._frame_video, np.full(max(growth, 1024), -1, dtype=np.int64)]
                )
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
        usable = [f for f in map(_frame, frames) if f.quality >= MIN_QUALITY]
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


def _frame(frame: FrameHash | dict) -> FrameHash:
    if isinstance(frame, FrameHash):
        return frame
    return FrameHash(
        frame=int(frame["frame"]),
        timestamp=float(frame["timestamp"]),
        pdq=str(frame["pdq"]),
        quality=int(frame["quality"]),
    )
