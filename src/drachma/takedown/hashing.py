"""Perceptual hashes of captured footage: SHA-256, PDQ for images, vPDQ for video.

PDQ (Meta's image hash) turns an image into 256 bits that change little when the image is
re-encoded, resized or slightly cropped; two images are "the same picture" when their hashes
differ in at most ``PDQ_MATCH_DISTANCE`` bits. Each hash comes with a quality from 0 to 100
(how much detail the image has): hashes of flat, featureless images collide by chance, so
hashes below ``MIN_QUALITY`` are kept but never used for matching. vPDQ hashes a video as the
PDQ hashes of frames sampled every ``seconds_per_hash`` seconds. The thresholds are those of
Meta's hasher-matcher-actioner (HMA).

Every door that takes a file raises ``MediaError`` naming the problem, so that callers
(upload forms, the API, ``manage.py hash_media``) can show it and save nothing.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import filetype
import numpy as np
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

# HMA's rules (python-threatexchange / hasher-matcher-actioner).
PDQ_MATCH_DISTANCE = 31
MIN_QUALITY = 50
VIDEO_MATCH_SHARE = 0.8

# Decoding errors Pillow raises for damaged files, besides UnidentifiedImageError.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError)

Source = str | Path | bytes


class MediaError(ValueError):
    """A file that cannot be hashed; the message says why, in words a user can act on."""


@dataclass(frozen=True)
class ImageHash:
    pdq: str  # 64 hex characters, 256 bits
    quality: int


@dataclass(frozen=True)
class FrameHash:
    frame: int
    timestamp: float
    pdq: str
    quality: int


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def digests(fh) -> tuple[str, str]:
    """(SHA-256, MD5) of an open binary file, read once. MD5 is only for exchange: it is the
    file hash ThreatExchange and HMA share (``video_md5``, ``photo_md5``)."""
    sha, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
    for block in iter(lambda: fh.read(1 << 20), b""):
        sha.update(block)
        md5.update(block)
    return sha.hexdigest(), md5.hexdigest()


def _check_size(path: str | Path, max_bytes: int | None) -> int:
    try:
        size = os.path.getsize(path)
    except FileNotFoundError as exc:
        raise MediaError(f"file not found: {path}") from exc
    except IsADirectoryError as exc:  # pragma: no cover - getsize does not raise it on Linux
        raise MediaError(f"not a file: {path}") from exc
    if not os.path.isfile(path):
        raise MediaError(f"not a file: {path}")
    if size == 0:
        raise MediaError("empty file: 0 bytes, nothing to hash")
    if max_bytes is not None and size > max_bytes:
        raise MediaError(
            f"file too large: {size} bytes is over the size limit of {max_bytes} bytes"
        )
    return size


def media_kind(path: str | Path) -> Literal["image", "video"]:
    """Whether the file is an image or a video, judged by its content, not its name."""
    _check_size(path, None)
    guess = filetype.guess(str(path))
    if guess is not None:
        if guess.mime.startswith("image/"):
            return "image"
        if guess.mime.startswith("video/"):
            return "video"
    # filetype knows the common containers; Pillow and FFmpeg know the rest.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as img:
                img.format  # noqa: B018 - opening reads and checks the header
        return "image"
    except (UnidentifiedImageError, *_DECODE_ERRORS, Image.DecompressionBombError):
        pass
    if _has_video_stream(path):
        return "video"
    described = f" ({guess.mime})" if guess is not None else ""
    raise MediaError(
        f"unsupported format{described}: the file is neither an image nor a video that can "
        "be decoded"
    )


# Container formats FFmpeg recognises by their content. FFmpeg also "opens" text as ANSI art
# (tty) and any file named .jpg as a one-frame image sequence (image2); those are not videos.
VIDEO_CONTAINERS = frozenset(
    {
        "mov",
        "mp4",
        "m4a",
        "3gp",
        "3g2",
        "mj2",
        "matroska",
        "webm",
        "avi",
        "flv",
        "mpegts",
        "mpeg",
        "ogg",
        "asf",
        "dv",
        "mxf",
        "nut",
        "h264",
        "hevc",
        "m4v",
        "rm",
    }
)


def _video_container(path: str | Path):
    """Open a file as a video container, or raise MediaError saying why it is not one."""
    import av

    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError, ValueError, UnicodeDecodeError) as exc:
        raise MediaError(f"corrupt or unsupported video: {exc}") from exc
    if not VIDEO_CONTAINERS.intersection(container.format.name.split(",")):
        container.close()
        raise MediaError(
            f"unsupported format: {container.format.long_name} is not a video container"
        )
    if not container.streams.video:
        container.close()
        raise MediaError("not a video: the file has no video stream")
    return container


def _has_video_stream(path: str | Path) -> bool:
    try:
        _video_container(path).close()
    except MediaError:
        return False
    return True


_STRICT = threading.Lock()


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Pillow refusing truncated files while we decode.

    WeasyPrint (imported by the statistics reports, so in every web process) sets Pillow's
    global ``ImageFile.LOAD_TRUNCATED_IMAGES`` when it is imported; with it a truncated capture
    would decode as a grey-filled picture and be hashed. The default is restored for the
    decoding only, under a lock, and the caller's setting put back after."""
    with _STRICT:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _decode_rgb(source: Source, *, orient: bool = True) -> np.ndarray:
    """The picture as displayed, as an RGB array; raises MediaError if it cannot be decoded.

    ``load()`` decodes the whole file, so that a truncated one fails here instead of being
    hashed half grey. The EXIF orientation is applied: phones store pictures sideways with a
    flag, platforms show (and re-upload) them turned; rotations are matched anyway through the
    dihedral hashes. ``orient=False`` gives the pixels as stored, EXIF orientation not applied,
    as the reference PDQ implementations read them (``hash_image_reference``).
    """
    if isinstance(source, bytes | bytearray | memoryview):
        if len(source) == 0:
            raise MediaError("empty file: 0 bytes, nothing to hash")
        fp: io.BytesIO | str = io.BytesIO(bytes(source))
    else:
        _check_size(source, None)
        fp = str(source)
    try:
        with _strict_decoding(), warnings.catch_warnings():
            # Pillow warns (and above twice the limit raises) on decompression bombs.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fp) as img:
                img.load()
                if img.width < 1 or img.height < 1:
                    raise MediaError("image has no pixels")
                shown = ImageOps.exif_transpose(img) if orient else img
                return _to_rgb_array(shown)
    except MediaError:
        raise
    except UnidentifiedImageError as exc:
        raise MediaError("unsupported or corrupt image: not a format that can be decoded") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaError(f"image too large to decode safely: {exc}") from exc
    except _DECODE_ERRORS as exc:
        raise MediaError(f"corrupt or truncated image: {exc}") from exc


def _to_rgb_array(img: Image.Image) -> np.ndarray:
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        # Transparent areas are composited on white, as a browser shows them.
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, rgba)
    return np.ascontiguousarray(np.asarray(img.convert("RGB"), dtype=np.uint8))


def _bits_to_hex(bits: np.ndarray) -> str:
    # pdqhash gives the 256 bits most significant first, the order of PDQ's hex form (and
    # of vPDQ's frame hashes), so image and frame hashes compare with each other.
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex()


def hash_image(source: Source) -> ImageHash:
    """The PDQ hash and quality of an image (a path or the file's bytes)."""
    import pdqhash

    bits, quality = pdqhash.compute(_decode_rgb(source))
    return ImageHash(pdq=_bits_to_hex(bits), quality=int(quality))


def hash_image_reference(source: Source) -> ImageHash:
    """The PDQ hash of an image as the reference implementations compute it, for exchange.

    Meta's C++ ``pdq-photo-hasher``, python-threatexchange's ``PdqSignal`` and HMA hash the
    pixels as the file stores them: they do not apply the EXIF orientation flag. Drachma's own
    hash (``hash_image``) is of the picture as displayed, so for a photo stored sideways with a
    flag the two are 128 or more bits apart; this one is what other systems hold and expect.
    A rotated copy still matches through the dihedral hashes of the query.
    """
    import pdqhash

    bits, quality = pdqhash.compute(_decode_rgb(source, orient=False))
    return ImageHash(pdq=_bits_to_hex(bits), quality=int(quality))


def exif_orientation(source: Source) -> int:
    """The EXIF orientation flag (1 to 8; 1, the default, means stored as displayed)."""
    fp: io.BytesIO | str
    fp = (
        io.BytesIO(bytes(source))
        if isinstance(source, bytes | bytearray | memoryview)
        else str(source)
    )
    try:
        with Image.open(fp) as img:
            value = img.getexif().get(0x0112, 1)
    except (UnidentifiedImageError, *_DECODE_ERRORS):
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def hash_image_dihedral(source: Source) -> list[ImageHash]:
    """PDQ hashes of the image's 8 rotations and mirror images (original first).

    Matching a query's 8 hashes against a bank of originals finds rotated or mirrored copies.
    """
    import pdqhash

    hashes, quality = pdqhash.compute_dihedral(_decode_rgb(source))
    return [ImageHash(pdq=_bits_to_hex(bits), quality=int(quality)) for bits in hashes]


def hash_video(path: str | Path, seconds_per_hash: float = 1.0) -> list[FrameHash]:
    """vPDQ: the PDQ hash of one frame every ``seconds_per_hash`` seconds."""
    import vpdq

    _check_size(path, None)
    if seconds_per_hash < 0:
        raise MediaError("seconds_per_hash must not be negative")
    _check_video_decodes(path)
    try:
        features = vpdq.computeHash(str(path), seconds_per_hash=seconds_per_hash)
    except Exception as exc:  # vpdq raises a bare Exception when FFmpeg fails mid-file
        raise MediaError(f"video could not be decoded: {exc}") from exc
    if not features:
        raise MediaError("video has no decodable frames")
    return [
        FrameHash(
            frame=int(f.frame_number),
            timestamp=round(float(f.timestamp), 3),
            pdq=str(f.hex),
            quality=int(f.quality),
        )
        for f in features
    ]


def _check_video_decodes(path: str | Path) -> None:
    """Decode the first frame with PyAV so a broken file fails with a message, not in C."""
    import av

    with _video_container(path) as container:
        try:
            for frame in container.decode(container.streams.video[0]):
                if frame.width and frame.height:
                    return
        except (av.error.FFmpegError, OSError, ValueError) as exc:
            raise MediaError(f"corrupt video: {exc}") from exc
    raise MediaError("video has no decodable frames")


def hash_file(path: str | Path, max_bytes: int | None = None) -> dict:
    """Everything Drachma keeps about a captured file's content, ready for JSON.

    ``{"sha256", "kind": "image", "pdq", "quality"}`` or
    ``{"sha256", "kind": "video", "frames": [{"frame", "timestamp", "pdq", "quality"}, ...]}``.
    """
    _check_size(path, max_bytes)
    kind = media_kind(path)
    result: dict = {"sha256": sha256_file(path), "kind": kind}
    if kind == "image":
        image_hash = hash_image(path)
        result.update(pdq=image_hash.pdq, quality=image_hash.quality)
    else:
        result["frames"] = [
            {"frame": f.frame, "timestamp": f.timestamp, "pdq": f.pdq, "quality": f.quality}
            for f in hash_video(path)
        ]
    return result
