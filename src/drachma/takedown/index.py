"""The bank of known footage: hashing a file, and matching it against every known capture.

The bank is the database itself (``MatchableHash``, searched by ``chunkindex``): one index
for every process and machine, nothing built or held per process.

* A capture's hashes are made matchable in the transaction that stores them
  (``index_capture``), so they match everywhere as soon as it commits;
* a hash marked as a false match stops matching in the transaction that marks it
  (``unindex_hashes``); a deleted capture's hashes go with it (a cascade);
* every hit is read back with its capture and bank before it is reported, so only a hash
  still stored, not marked false, within its own bank's rule, produces a match.

The rules are HMA's: PDQ hashes of quality below 50 are neither indexed nor used as queries;
an image matches within its bank's Hamming distance (31 by default) in any of the eight
rotations and mirrorings of the query (pdqhash's dihedral hashes); a video matches when a
share (80% by default) of the query's distinct frames of quality 50 or more each lie within
the distance of some frame of the known video. Banks with different rules share the index:
the search reaches the largest distance of any bank, then each hit is held to its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError

from drachma.takedown import chunkindex, hashing
from drachma.takedown.matcher import hamming
from drachma.takedown.models import (
    BankSignal,
    BankSignalHash,
    Capture,
    HashKind,
    MatchableHash,
    MatchBank,
    MatchKind,
    MediaHash,
    MediaKind,
    SignalMatchable,
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


@dataclass
class HashedMedia:
    """A file's hashes, computed before anything is stored."""

    path: Path
    sha256: str
    kind: str
    size: int
    image_hashes: list = field(default_factory=list)  # the 8 dihedral ImageHash, original first
    frames: list = field(default_factory=list)  # FrameHash, one per sampled frame
    md5: str = ""
    # An image's PDQ hash as the reference implementations compute it (EXIF orientation not
    # applied), and the orientation flag: what is exchanged with others.
    reference: hashing.ImageHash | None = None
    orientation: int = 1

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
        ranks: dict[str, int] = {MatchKind.EXACT: 0, MatchKind.IMAGE: 1, MatchKind.VIDEO: 1}
        order = ranks[self.kind]
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
        reference, orientation = None, 1
        if kind == MediaKind.IMAGE:
            images = hashing.hash_image_dihedral(path)
            reference = hashing.hash_image_reference(path)
            orientation = hashing.exif_orientation(path)
        else:
            frames = hashing.hash_video(path, seconds_per_hash=conf.seconds_per_frame_hash())
            if not frames:
                raise hashing.MediaError("The video has no frames that could be read.")
        with open(path, "rb") as fh:
            sha256, md5 = hashing.digests(fh)
    except hashing.MediaError as exc:
        message = str(exc).strip() or "The file cannot be hashed."
        raise ValidationError({"file": message[0].upper() + message[1:]}) from None
    return HashedMedia(
        path=path,
        sha256=sha256,
        kind=str(kind),
        size=size,
        image_hashes=images,
        frames=frames,
        md5=md5,
        reference=reference,
        orientation=orientation,
    )


def index_capture(capture_id: int) -> int:
    """Make a capture's hashes matchable: call it in the transaction that stores them, so that
    they are matchable everywhere as soon as it commits (and never if it rolls back). Returns
    how many were indexed (hashes of quality below 50 are kept, never matched)."""
    rows = chunkindex.matchable_rows(
        MediaHash.objects.filter(capture_id=capture_id).values_list(
            "pk", "kind", "hash", "quality", "false_match"
        )
    )
    MatchableHash.objects.bulk_create(rows, batch_size=chunkindex.BATCH, ignore_conflicts=True)
    return len(rows)


def unindex_hashes(hash_ids: Iterable[int]) -> int:
    """Stop these hashes matching (marked as false matches): call it in the transaction that
    marks them. Returns how many were matchable."""
    ids = list(hash_ids)
    gone = 0
    for start in range(0, len(ids), chunkindex.BATCH):
        gone += MatchableHash.objects.filter(
            media_hash_id__in=ids[start : start + chunkindex.BATCH]
        ).delete()[0]
    return gone


def search(media: HashedMedia, *, exclude_item_id: int | None = None) -> list[Match]:
    """Known captures ``media`` matches, best first.

    The chunk index finds every hash within the largest distance of any bank; each hit is
    then read with its capture and bank and held to its own bank's rule, on the hash as
    stored (a hash marked a false match or deleted meanwhile does not match).
    """
    banks = list(MatchBank.objects.values_list("match_distance", "video_match_share"))
    if not banks:
        return []
    max_distance = min(max(b[0] for b in banks), chunkindex.MAX_DISTANCE)
    found: dict[int, Match] = {}

    for capture in Capture.objects.filter(sha256=media.sha256).select_related("content_item"):
        found[capture.pk] = _match(capture, MatchKind.EXACT, distance=0)

    if media.kind == MediaKind.IMAGE:
        _match_images(media, max_distance, found)
    else:
        _match_videos(media, max_distance, found)
    matches = [m for m in found.values() if m.content_item_id != exclude_item_id]
    return sorted(matches, key=lambda m: m.sort_key)


def _hits_with_captures(hash_ids: set[int], kind: str):
    """The hit hashes still matchable, with their capture, item and bank, in batches."""
    ids = sorted(hash_ids)
    for start in range(0, len(ids), chunkindex.BATCH):
        yield from MediaHash.objects.filter(
            pk__in=ids[start : start + chunkindex.BATCH],
            kind=kind,
            false_match=False,
            quality__gte=hashing.MIN_QUALITY,
        ).select_related("capture__content_item__bank")


def _match_images(media: HashedMedia, max_distance: int, found: dict[int, Match]) -> None:
    # The eight turns of the query, as HMA: a rotated or mirrored copy is near one of them.
    queries = [
        (i, h.pdq) for i, h in enumerate(media.image_hashes) if h.quality >= hashing.MIN_QUALITY
    ]
    if not queries:
        return
    hits = chunkindex.search([q for _, q in queries], kind=HashKind.PDQ, max_distance=max_distance)
    hit_ids = {pk for per_query in hits for pk, _ in per_query}
    for row in _hits_with_captures(hit_ids, HashKind.PDQ):
        distance, which = min((hamming(q, row.hash), i) for i, q in queries)
        if distance > row.capture.content_item.bank.match_distance:
            continue
        current = found.get(row.capture_id)
        # Only exact matches (distance 0) and image matches (with a distance) are found here.
        closer = (
            current is not None and current.distance is not None and distance < current.distance
        )
        if current is None or (current.kind != MatchKind.EXACT and closer):
            found[row.capture_id] = _match(
                row.capture,
                MatchKind.IMAGE,
                distance=distance,
                transform=TRANSFORMS[which] if which < len(TRANSFORMS) else "",
                hash_id=row.pk,
            )


def _match_videos(media: HashedMedia, max_distance: int, found: dict[int, Match]) -> None:
    # HMA's rule: the query's usable frames, each distinct hash once (a still scene repeats
    # one hash and must not make up the share on its own).
    query = list(dict.fromkeys(f.pdq for f in media.frames if f.quality >= hashing.MIN_QUALITY))
    if not query:
        return
    hits = chunkindex.search(query, kind=HashKind.VPDQ_FRAME, max_distance=max_distance)
    hit_ids = {pk for per_frame in hits for pk, _ in per_frame}
    rows = {row.pk: row for row in _hits_with_captures(hit_ids, HashKind.VPDQ_FRAME)}
    # Per known capture, the query frames within its bank's distance of one of its frames.
    matched: dict[int, set[int]] = defaultdict(set)
    for frame, per_frame in enumerate(hits):
        for pk, distance in per_frame:
            row = rows.get(pk)
            if row is not None and distance <= row.capture.content_item.bank.match_distance:
                matched[row.capture_id].add(frame)
    captures = {row.capture_id: row.capture for row in rows.values()}
    for capture_id, frames in matched.items():
        capture = captures[capture_id]
        share = len(frames) / len(query)
        if share >= capture.content_item.bank.video_match_share and capture_id not in found:
            found[capture_id] = _match(capture, MatchKind.VIDEO, frame_share=share)


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


def match_media(media: HashedMedia, *, exclude_item_id: int | None = None) -> list[Match]:
    return search(media, exclude_item_id=exclude_item_id)


def match_file(path, *, max_bytes: int | None = None) -> list[Match]:
    """The known footage a file matches, with distances (``manage.py match_media``)."""
    return match_media(hash_media(path, max_bytes=max_bytes))


# -- imported hash lists -------------------------------------------------------------------


@dataclass
class SignalHit:
    """A signal of an imported hash list that a file matches."""

    signal_id: int
    bank: str
    source: str
    signal_type: str
    content_id: str
    label: str
    kind: str
    distance: int | None = None
    frame_share: float | None = None
    transform: str = ""

    def as_dict(self) -> dict:
        return {
            "bank": self.bank,
            "source": self.source,
            "signal_type": self.signal_type,
            "content_id": self.content_id,
            "kind": self.kind,
            "distance": self.distance,
            "frame_share": None if self.frame_share is None else round(self.frame_share, 3),
            "transform": self.transform,
        }

    @property
    def sort_key(self):
        closeness = (
            self.distance if self.distance is not None else (1 - (self.frame_share or 0)) * 256
        )
        return (0 if self.kind == MatchKind.EXACT else 1, closeness, self.signal_id)


def index_signals(signal_ids: Iterable[int]) -> int:
    """Make imported signals' hashes matchable (in the transaction that imports them)."""
    ids = list(signal_ids)
    total = 0
    for start in range(0, len(ids), chunkindex.BATCH):
        hashes = BankSignalHash.objects.filter(
            signal_id__in=ids[start : start + chunkindex.BATCH]
        ).values_list("pk", "kind", "hash", "quality")
        rows = chunkindex.matchable_rows(
            ((pk, kind, hex_, quality, False) for pk, kind, hex_, quality in hashes),
            model=SignalMatchable,
        )
        SignalMatchable.objects.bulk_create(rows, batch_size=chunkindex.BATCH)
        total += len(rows)
    return total


def search_signals(media: HashedMedia) -> list[SignalHit]:
    """Signals of imported hash lists ``media`` matches, best first, by the rules the force's
    own bank is matched by: the file's MD5 exactly; an image's eight dihedral PDQ hashes within
    each bank's distance (so a list's reference hash of a photo stored sideways matches the
    photo as displayed); a video's distinct frames of quality 50 or more, a share of which
    must each lie within the distance of one of the signal's frames."""
    banks = list(MatchBank.objects.exclude(source="").values_list("match_distance", flat=True))
    if not banks:
        return []
    max_distance = min(max(banks), chunkindex.MAX_DISTANCE)
    found: dict[int, SignalHit] = {}
    if media.md5:
        md5_type = "video_md5" if media.kind == MediaKind.VIDEO else "photo_md5"
        exact = BankSignal.objects.filter(digest=media.md5, signal_type=md5_type)
        for signal in exact.select_related("bank"):
            found[signal.pk] = _hit(signal, MatchKind.EXACT, distance=0)
    if media.kind == MediaKind.IMAGE:
        queries = [
            (i, h.pdq) for i, h in enumerate(media.image_hashes) if h.quality >= hashing.MIN_QUALITY
        ]
        if queries:
            hits = chunkindex.search(
                [q for _, q in queries],
                kind=HashKind.PDQ,
                max_distance=max_distance,
                model=SignalMatchable,
            )
            ids = {pk for per_query in hits for pk, _ in per_query}
            for row in _signal_hashes(ids, HashKind.PDQ):
                distance, which = min((hamming(q, row.hash), i) for i, q in queries)
                signal = row.signal
                if distance > signal.bank.match_distance:
                    continue
                current = found.get(signal.pk)
                if current is None or (
                    current.kind != MatchKind.EXACT and distance < (current.distance or 0)
                ):
                    found[signal.pk] = _hit(
                        signal,
                        MatchKind.IMAGE,
                        distance=distance,
                        transform=TRANSFORMS[which] if which < len(TRANSFORMS) else "",
                    )
    else:
        query = list(dict.fromkeys(f.pdq for f in media.frames if f.quality >= hashing.MIN_QUALITY))
        if query:
            hits = chunkindex.search(
                query, kind=HashKind.VPDQ_FRAME, max_distance=max_distance, model=SignalMatchable
            )
            ids = {pk for per_frame in hits for pk, _ in per_frame}
            rows = {row.pk: row for row in _signal_hashes(ids, HashKind.VPDQ_FRAME)}
            matched: dict[int, set[int]] = defaultdict(set)
            for frame, per_frame in enumerate(hits):
                for pk, distance in per_frame:
                    row = rows.get(pk)
                    if row is not None and distance <= row.signal.bank.match_distance:
                        matched[row.signal_id].add(frame)
            signals = {row.signal_id: row.signal for row in rows.values()}
            for signal_id, frames in matched.items():
                signal = signals[signal_id]
                share = len(frames) / len(query)
                if share >= signal.bank.video_match_share and signal_id not in found:
                    found[signal_id] = _hit(signal, MatchKind.VIDEO, frame_share=share)
    return sorted(found.values(), key=lambda h: h.sort_key)


def _signal_hashes(ids: set[int], kind: str):
    keys = sorted(ids)
    for start in range(0, len(keys), chunkindex.BATCH):
        yield from BankSignalHash.objects.filter(
            pk__in=keys[start : start + chunkindex.BATCH], kind=kind
        ).select_related("signal__bank")


def _hit(signal: BankSignal, kind: str, **details) -> SignalHit:
    return SignalHit(
        signal_id=signal.pk,
        bank=signal.bank.name,
        source=signal.bank.source,
        signal_type=signal.signal_type,
        content_id=signal.content_id,
        label=signal.label,
        kind=str(kind),
        **details,
    )
