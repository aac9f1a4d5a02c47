"""The bank of known footage as a faiss index, kept in step with the database.

One index per process (``footage_index``): built from the ``MediaHash`` rows when a web
process starts (``warm_up``, in a background thread; a search waits for it), or on first use
elsewhere, then kept current without rebuilding (HMA rebuilds its whole index, which its
users report as its bottleneck):

* a capture committed in this process is added by ``transaction.on_commit``, so it is
  matchable as soon as its transaction ends;
* before each search the index catches up with rows other processes (the task worker,
  other web workers) committed since, by primary key: the rows above the last key it saw and
  the recent ones it has not (``LOOKBACK``); and, at most every two seconds, one check of
  the count and the sum of the keys up to the last one seen against what it has read. A row
  committed further out of order, or a row deleted, makes them differ: the index then
  compares the keys it holds with the database's and reads only the difference;
* a hash marked as a false match is removed on commit, and every hit is checked against the
  database before it is reported, so a stale entry (another process's false match, a row
  rolled back) can never produce a match.

The rules are HMA's: PDQ hashes of quality below 50 are neither stored in the index nor used
as queries; an image matches within its bank's Hamming distance (31 by default) in any of
the eight rotations and mirrorings of the query (pdqhash's dihedral hashes); a video matches
when a share (80% by default) of the query's frames of quality 50 or more each lie within
the distance of some frame of the known video.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Max, Sum

from drachma.takedown import hashing
from drachma.takedown.matcher import PDQIndex, VideoIndex, hamming
from drachma.takedown.models import (
    Capture,
    HashKind,
    MatchBank,
    MatchKind,
    MediaHash,
    MediaKind,
)

# pdqhash's order of the dihedral hashes (compute_dihedral): the first is the image as it is.
TRANSFORMS = (
    "",
    "rotated 90°",
    "rotated 180°",
    "rotated 270°",
    "mirrored left to right",
    "mirrored top to bottom",
    "flipped on the diagonal",
    "flipped on the other diagonal",
)

# How far back (in MediaHash primary keys) a catch-up looks for rows committed out of order;
# anything further back is found by the count-and-sum check.
LOOKBACK = 2000
# Keys per query when reading rows by key.
BATCH = 500

logger = logging.getLogger(__name__)


@dataclass
class HashedMedia:
    """A file's hashes, computed before anything is stored."""

    path: Path
    sha256: str
    kind: str
    size: int
    image_hashes: list = field(default_factory=list)  # the 8 dihedral ImageHash, original first
    frames: list = field(default_factory=list)  # FrameHash, one per sampled frame

    @property
    def original(self):
        return self.image_hashes[0] if self.image_hashes else None

    @property
    def matchable(self) -> bool:
        if self.kind == MediaKind.IMAGE:
            return bool(self.original and self.original.quality >= hashing.MIN_QUALITY)
        return any(f.quality >= hashing.MIN_QUALITY for f in self.frames)


@dataclass
class Match:
    """A known capture a file looks like."""

    capture_id: int
    content_item_id: int
    reference: str
    url: str
    platform: str
    kind: str
    distance: int | None = None
    frame_share: float | None = None
    transform: str = ""
    hash_id: int | None = None

    def as_dict(self) -> dict:
        return {
            "content_item": self.reference,
            "url": self.url,
            "platform": self.platform,
            "capture": self.capture_id,
            "kind": self.kind,
            "distance": self.distance,
            "frame_share": None if self.frame_share is None else round(self.frame_share, 3),
            "transform": self.transform,
        }

    @property
    def sort_key(self):
        order = {MatchKind.EXACT: 0, MatchKind.IMAGE: 1, MatchKind.VIDEO: 1}[self.kind]
        closeness = (
            self.distance if self.distance is not None else (1 - (self.frame_share or 0)) * 256
        )
        return (order, closeness, self.capture_id)


def hash_media(path, *, max_bytes: int | None = None) -> HashedMedia:
    """Hash a file for the bank: SHA-256, and the dihedral PDQ hashes of an image or the vPDQ
    frame hashes of a video. ValidationError on the ``file`` field for anything unhashable."""
    from drachma.takedown import conf

    path = Path(path)
    limit = max_bytes if max_bytes is not None else conf.max_capture_bytes()
    try:
        size = path.stat().st_size
    except OSError:
        raise ValidationError({"file": f"There is no file {path.name}."}) from None
    if size == 0:
        raise ValidationError({"file": "The file is empty."})
    if size > limit:
        raise ValidationError(
            {"file": f"The file is {size:,} bytes; the limit is {limit:,} bytes."}
        )
    try:
        images, frames = [], []
        kind = hashing.media_kind(path)
        if kind == MediaKind.IMAGE:
            images = hashing.hash_image_dihedral(path)
        else:
            frames = hashing.hash_video(path, seconds_per_hash=conf.seconds_per_frame_hash())
            if not frames:
                raise hashing.MediaError("The video has no frames that could be read.")
        sha256 = hashing.sha256_file(path)
    except hashing.MediaError as exc:
        message = str(exc).strip() or "The file cannot be hashed."
        raise ValidationError({"file": message[0].upper() + message[1:]}) from None
    return HashedMedia(
        path=path, sha256=sha256, kind=str(kind), size=size, image_hashes=images, frames=frames
    )


class FootageIndex:
    """The process's index of every known hash (see the module's docstring)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._warming = False
        self.reset()

    def reset(self) -> None:
        """Forget everything; the next use rebuilds from the database."""
        with self._lock:
            self._pdq: PDQIndex | None = None
            self._video: VideoIndex | None = None
            self._videos: dict[int, list] = {}
            self._high_water = 0
            self._high_water_hash = ""
            self._seen: set[int] = set()  # keys read within LOOKBACK of the high-water mark
            # Every key read (8 bytes each), with their count and sum: what the per-search
            # check compares with the database.
            self._ids = array("q")
            self._count = 0
            self._sum = 0
            self._checked_at = time.monotonic()

    @property
    def built(self) -> bool:
        return self._pdq is not None

    def build_in_background(self) -> threading.Thread:
        """Start building from the database in a thread and return once it holds the lock, so
        that a search from then on waits for the build instead of starting its own."""
        holding = threading.Event()

        def build() -> None:
            try:
                with self._lock:
                    holding.set()
                    if self._pdq is None:
                        self._build()
            except Exception:
                # Not fatal: the first search builds it (and reports the error if it persists).
                logger.exception(
                    "The footage index could not be built at start; it will be built on first use."
                )
                self.reset()
            finally:
                holding.set()
                self._warming = False
                connection.close()

        self._warming = True
        thread = threading.Thread(target=build, name="footage-index-warm-up", daemon=True)
        thread.start()
        holding.wait()
        return thread

    def _after_fork(self) -> None:
        # A server that loads the application before forking its workers (gunicorn --preload)
        # forks while the warm-up thread may hold the lock; that thread does not exist in the
        # child, so the child takes a new lock and, if the build was unfinished, starts again.
        self._lock = threading.RLock()
        if self._warming:
            self.reset()
            self.build_in_background()

    # --- keeping in step -------------------------------------------------------------------

    def _rows(self, queryset):
        return queryset.values_list(
            "pk", "capture_id", "kind", "hash", "quality", "frame_index", "timestamp", "false_match"
        ).order_by("pk")

    def _build(self) -> None:
        usable = MediaHash.objects.filter(false_match=False, quality__gte=hashing.MIN_QUALITY)
        images = usable.filter(kind=HashKind.PDQ).count()
        frames = usable.filter(kind=HashKind.VPDQ_FRAME).count()
        self.reset()
        # Sized for the bank as it is now (the matcher picks larger buckets for big banks).
        self._pdq = PDQIndex.for_bank_size(images)
        self._video = VideoIndex(PDQIndex.bucket_bits_for(frames))
        top = MediaHash.objects.aggregate(top=Max("pk"))["top"] or 0
        self._mark(top)
        self._load(self._rows(MediaHash.objects.filter(pk__lte=top)).iterator(chunk_size=5000))

    def _mark(self, top: int) -> None:
        if top > self._high_water:
            self._high_water = top
            self._high_water_hash = (
                MediaHash.objects.filter(pk=top).values_list("hash", flat=True).first() or ""
            )
        floor = self._high_water - LOOKBACK
        self._seen = {pk for pk in self._seen if pk > floor}

    def _load(self, rows: Iterable) -> None:
        ids, hexes = [], []
        touched: set[int] = set()
        floor = self._high_water - LOOKBACK
        for pk, capture_id, kind, hex_, quality, frame_index, timestamp, false_match in rows:
            if pk in self._seen:
                continue
            if pk > floor:
                self._seen.add(pk)
            self._ids.append(pk)
            self._count += 1
            self._sum += pk
            if false_match or quality < hashing.MIN_QUALITY:
                continue
            if kind == HashKind.PDQ:
                ids.append(pk)
                hexes.append(hex_)
                if len(ids) >= 50_000:
                    self._pdq.add(ids, hexes)
                    ids, hexes = [], []
            else:
                self._videos.setdefault(capture_id, []).append(
                    hashing.FrameHash(
                        frame=frame_index or 0,
                        timestamp=timestamp or 0.0,
                        pdq=hex_,
                        quality=quality,
                    )
                )
                touched.add(capture_id)
        if ids:
            self._pdq.add(ids, hexes)
        for capture_id in touched:
            self._video.remove_video(capture_id)
            self._video.add_video(capture_id, self._videos[capture_id])

    def _catch_up(self) -> None:
        if self._pdq is None:
            self._build()
            return
        if (
            self._high_water
            and not MediaHash.objects.filter(
                pk=self._high_water, hash=self._high_water_hash
            ).exists()
        ):
            # The last row seen was rolled back and its key reused (SQLite does): start again.
            self._build()
            return
        rows = list(
            self._rows(
                MediaHash.objects.filter(pk__gt=self._high_water - LOOKBACK).exclude(
                    pk__in=self._seen
                )
            )
        )
        if rows:
            self._load_list(rows)
        # The check costs one scan of the keys (about 0.1 s for a million rows on PostgreSQL),
        # so it runs at most once in DRACHMA_TAKEDOWN_INDEX_CHECK_SECONDS.
        now = time.monotonic()
        if now - self._checked_at >= float(
            getattr(settings, "DRACHMA_TAKEDOWN_INDEX_CHECK_SECONDS", 2.0)
        ):
            self._checked_at = now
            if not self._in_step():
                self._reconcile()

    def _in_step(self) -> bool:
        """Whether the database holds, up to the high-water mark, as many rows as the index
        has read and with the same sum of keys: one query, whatever the bank's size."""
        seen = MediaHash.objects.filter(pk__lte=self._high_water).aggregate(
            n=Count("pk"), total=Sum("pk")
        )
        return seen["n"] == self._count and int(seen["total"] or 0) == self._sum

    def _reconcile(self) -> None:
        """Read the rows the index missed and forget the ones deleted, by comparing its keys
        with the database's up to the high-water mark."""
        in_db = np.fromiter(
            MediaHash.objects.filter(pk__lte=self._high_water)
            .order_by("pk")
            .values_list("pk", flat=True)
            .iterator(chunk_size=20_000),
            dtype=np.int64,
        )
        held = np.unique(np.frombuffer(self._ids, dtype=np.int64))
        gone = np.setdiff1d(held, in_db, assume_unique=True).tolist()
        missed = np.setdiff1d(in_db, held, assume_unique=True).tolist()
        if gone:
            self._forget(gone)
        for start in range(0, len(missed), BATCH):
            self._load(self._rows(MediaHash.objects.filter(pk__in=missed[start : start + BATCH])))
        # The loads above counted their rows; the database's list is the truth for the range.
        self._ids = array("q")
        self._ids.frombytes(in_db.tobytes())
        self._count, self._sum = len(in_db), int(in_db.sum())
        logger.info(
            "Footage index caught up by key comparison: %d rows read, %d forgotten.",
            len(missed),
            len(gone),
        )

    def _forget(self, hash_ids: list[int]) -> None:
        """Drop deleted rows (a disposed capture, a rolled-back transaction's rows)."""
        self._seen.difference_update(hash_ids)
        self._pdq.remove(hash_ids)
        if self._videos:
            # Frame rows go with their capture: drop the videos that have no frames left.
            alive = set(
                MediaHash.objects.filter(kind=HashKind.VPDQ_FRAME)
                .values_list("capture_id", flat=True)
                .distinct()
            )
            for capture_id in set(self._videos) - alive:
                self._video.remove_video(capture_id)
                del self._videos[capture_id]

    def _load_list(self, rows: list) -> None:
        self._mark(max(r[0] for r in rows))
        self._load(rows)

    def add_capture(self, capture_id: int) -> None:
        """Make a committed capture's hashes matchable now (called on commit)."""
        with self._lock:
            if self._pdq is None:
                return  # built with it on first use
            rows = list(self._rows(MediaHash.objects.filter(capture_id=capture_id)))
            if rows:
                self._load_list(rows)

    def remove_hashes(self, hash_ids: list[int]) -> None:
        """Stop matching these hashes (marked as false matches)."""
        with self._lock:
            if self._pdq is None:
                return
            rows = MediaHash.objects.filter(pk__in=hash_ids).values_list("pk", "capture_id", "kind")
            pdq_ids = [pk for pk, _, kind in rows if kind == HashKind.PDQ]
            if pdq_ids:
                self._pdq.remove(pdq_ids)
            gone = set(hash_ids)
            for capture_id in {c for _, c, kind in rows if kind == HashKind.VPDQ_FRAME}:
                remaining = MediaHash.objects.filter(
                    capture_id=capture_id, false_match=False, quality__gte=hashing.MIN_QUALITY
                ).exclude(pk__in=gone)
                self._video.remove_video(capture_id)
                frames = [
                    hashing.FrameHash(
                        frame=f.frame_index or 0,
                        timestamp=f.timestamp or 0.0,
                        pdq=f.hash,
                        quality=f.quality,
                    )
                    for f in remaining
                ]
                self._videos[capture_id] = frames
                if frames:
                    self._video.add_video(capture_id, frames)

    # --- searching -------------------------------------------------------------------------

    def search(self, media: HashedMedia, *, exclude_item_id: int | None = None) -> list[Match]:
        """Known captures ``media`` matches, best first, checked against the database."""
        banks = list(MatchBank.objects.values_list("pk", "match_distance", "video_match_share"))
        if not banks:
            return []
        max_distance = max(b[1] for b in banks)
        min_share = min(b[2] for b in banks)
        found: dict[int, Match] = {}

        for capture in Capture.objects.filter(sha256=media.sha256).select_related("content_item"):
            found[capture.pk] = _match(capture, MatchKind.EXACT, distance=0)

        with self._lock:
            self._catch_up()
            if media.kind == MediaKind.IMAGE:
                queries = [h.pdq for h in media.image_hashes if h.quality >= hashing.MIN_QUALITY]
                hits = self._pdq.search_many(queries, max_distance=max_distance) if queries else []
                candidate_ids = {hid for per_query in hits for hid, _ in per_query}
            else:
                frames = [f for f in media.frames if f.quality >= hashing.MIN_QUALITY]
                candidate_ids = (
                    {
                        vid
                        for vid, _ in self._video.search(
                            frames, max_distance=max_distance, min_share=min_share
                        )
                    }
                    if frames
                    else set()
                )

        if media.kind == MediaKind.IMAGE:
            self._verify_images(media, candidate_ids, found)
        else:
            self._verify_videos(media, candidate_ids, found)
        matches = [m for m in found.values() if m.content_item_id != exclude_item_id]
        return sorted(matches, key=lambda m: m.sort_key)

    def _verify_images(
        self, media: HashedMedia, hash_ids: set[int], found: dict[int, Match]
    ) -> None:
        queries = [
            (i, h.pdq) for i, h in enumerate(media.image_hashes) if h.quality >= hashing.MIN_QUALITY
        ]
        rows = MediaHash.objects.filter(
            pk__in=hash_ids, kind=HashKind.PDQ, false_match=False, quality__gte=hashing.MIN_QUALITY
        ).select_related("capture__content_item__bank")
        for row in rows:
            distance, which = min((hamming(q, row.hash), i) for i, q in queries)
            if distance > row.capture.content_item.bank.match_distance:
                continue
            current = found.get(row.capture_id)
            if current is None or (current.kind != MatchKind.EXACT and distance < current.distance):
                found[row.capture_id] = _match(
                    row.capture,
                    MatchKind.IMAGE,
                    distance=distance,
                    transform=TRANSFORMS[which] if which < len(TRANSFORMS) else "",
                    hash_id=row.pk,
                )

    def _verify_videos(
        self, media: HashedMedia, capture_ids: set[int], found: dict[int, Match]
    ) -> None:
        # HMA's rule, as matcher.VideoIndex applies it: usable frames, each distinct hash once
        # (a still scene repeats one hash and must not make up the share on its own).
        query = list(
            dict.fromkeys(int(f.pdq, 16) for f in media.frames if f.quality >= hashing.MIN_QUALITY)
        )
        if not query:
            return
        known = defaultdict(list)
        for capture_id, hex_ in MediaHash.objects.filter(
            capture_id__in=capture_ids,
            kind=HashKind.VPDQ_FRAME,
            false_match=False,
            quality__gte=hashing.MIN_QUALITY,
        ).values_list("capture_id", "hash"):
            known[capture_id].append(int(hex_, 16))
        for capture in Capture.objects.filter(pk__in=known).select_related("content_item__bank"):
            bank = capture.content_item.bank
            frames = known[capture.pk]
            matched = sum(
                1 for q in query if any((q ^ k).bit_count() <= bank.match_distance for k in frames)
            )
            share = matched / len(query)
            if share >= bank.video_match_share and capture.pk not in found:
                found[capture.pk] = _match(capture, MatchKind.VIDEO, frame_share=share)


def _match(capture: Capture, kind: str, **details) -> Match:
    item = capture.content_item
    return Match(
        capture_id=capture.pk,
        content_item_id=item.pk,
        reference=item.reference,
        url=item.url,
        platform=item.platform,
        kind=str(kind),
        **details,
    )


footage_index = FootageIndex()
os.register_at_fork(after_in_child=footage_index._after_fork)


def warm_up() -> threading.Thread | None:
    """Start building the index in the background, so that the first search after a web
    process starts does not wait for a whole build (called from ``drachma.wsgi``, which
    ``runserver`` and WSGI servers load, and not by migrate, the tests or other commands).
    ``DRACHMA_TAKEDOWN_WARM_INDEX = False`` leaves it to be built on first use."""
    if not getattr(settings, "DRACHMA_TAKEDOWN_WARM_INDEX", True) or footage_index.built:
        return None
    return footage_index.build_in_background()


def match_media(media: HashedMedia, *, exclude_item_id: int | None = None) -> list[Match]:
    return footage_index.search(media, exclude_item_id=exclude_item_id)


def match_file(path, *, max_bytes: int | None = None) -> list[Match]:
    """The known footage a file matches, with distances (``manage.py match_media``)."""
    return match_media(hash_media(path, max_bytes=max_bytes))
