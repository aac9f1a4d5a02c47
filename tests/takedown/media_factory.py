"""Test images and videos made on the spot with Pillow and PyAV (no fixtures on disk).

``photo(seed)`` is photo-like: smooth gradients, overlapping shapes and sensor-like noise,
so that PDQ sees real structure (quality well above 50). ``video(path, seed)`` draws shapes
moving over such a background, so every sampled frame differs from the last.
"""

from __future__ import annotations

import atexit
import functools
import io
import shutil
import tempfile
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def photo(seed: int = 0, size: tuple[int, int] = (640, 480)) -> Image.Image:
    # Drawn at one scale and resized, so a small picture has the same structure as a big one
    # (and not proportionally more pixel noise).
    rng = np.random.default_rng(seed)
    width, height = 640, 480
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, np.pi)
    ramp = (np.cos(angle) * x + np.sin(angle) * y) / (width + height)
    base = np.empty((height, width, 3), dtype=np.float32)
    for channel in range(3):
        phase = rng.uniform(0, 2 * np.pi)
        freq = rng.uniform(0.8, 2.0)
        base[..., channel] = 128 + 80 * np.sin(2 * np.pi * freq * ramp + phase)
    img = Image.fromarray(base.clip(0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(5, 8))):
        x0, y0 = rng.integers(0, width), rng.integers(0, height)
        w, h = rng.integers(width // 5, width // 2), rng.integers(height // 5, height // 2)
        colour = tuple(int(c) for c in rng.integers(0, 256, size=3))
        box = [int(x0), int(y0), int(x0 + w), int(y0 + h)]
        if rng.random() < 0.5:
            draw.ellipse(box, fill=colour)
        else:
            draw.rectangle(box, fill=colour)
    img = img.filter(ImageFilter.GaussianBlur(3))
    noise = rng.normal(0, 6, size=(height, width, 3))
    pixels = np.asarray(img, dtype=np.float32) + noise
    img = Image.fromarray(pixels.clip(0, 255).astype(np.uint8))
    return img if img.size == tuple(size) else img.resize(size, Image.LANCZOS)


def flat(colour: tuple[int, int, int] = (90, 120, 200), size=(320, 240)) -> Image.Image:
    return Image.new("RGB", size, colour)


def encode(img: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def save(img: Image.Image, path: Path, fmt: str = "PNG", **options) -> Path:
    path.write_bytes(encode(img, fmt, **options))
    return path


def altered_copy(img: Image.Image) -> Image.Image:
    """A re-upload: 1% cut from each edge (about 4% of the picture), half size, JPEG quality 60."""
    width, height = img.size
    dx, dy = int(width * 0.01), int(height * 0.01)
    cropped = img.crop((dx, dy, width - dx, height - dy))
    resized = cropped.resize((cropped.width // 2, cropped.height // 2), Image.LANCZOS)
    return Image.open(io.BytesIO(encode(resized, "JPEG", quality=60))).convert("RGB")


def video(
    path: Path,
    seed: int = 0,
    seconds: float = 8.0,
    size: tuple[int, int] = (320, 240),
    fps: int = 10,
    codec: str = "libx264",
    crop: float = 0.0,
    scale: float = 1.0,
    bit_rate: int | None = None,
    black_seconds: float = 0.0,
) -> Path:
    """A video of shapes moving over a photo-like background.

    ``crop`` (share cut from each edge) and ``scale`` make a re-upload of the same scene: the
    frames are drawn at full size and then cut and resized, as a re-encoding would.
    ``black_seconds`` starts the video with that long a black screen (a live stream starting).
    """
    rng = np.random.default_rng(seed)
    background = photo(seed, size)
    width, height = size
    shapes = [
        (
            rng.uniform(0, width),
            rng.uniform(0, height),
            rng.uniform(-40, 40),
            rng.uniform(-30, 30),
            int(rng.integers(20, 70)),
            tuple(int(c) for c in rng.integers(0, 256, size=3)),
        )
        for _ in range(6)
    ]
    dx, dy = int(width * crop), int(height * crop)
    out_w = int((width - 2 * dx) * scale) // 2 * 2
    out_h = int((height - 2 * dy) * scale) // 2 * 2
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream(codec, rate=fps)
        stream.width, stream.height = out_w, out_h
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, fps)
        if bit_rate:
            stream.bit_rate = bit_rate
        for index in range(int(seconds * fps)):
            t = index / fps
            # The background drifts slowly so that the scene changes over time.
            frame_img = background.rotate(t * 4, resample=Image.BILINEAR)
            draw = ImageDraw.Draw(frame_img)
            for x0, y0, vx, vy, r, colour in shapes:
                cx = (x0 + vx * t) % width
                cy = (y0 + vy * t) % height
                draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)
            # A camera's optics soften edges; hard-edged synthetic shapes alias when resized.
            frame_img = frame_img.filter(ImageFilter.GaussianBlur(2))
            if crop:
                frame_img = frame_img.crop((dx, dy, width - dx, height - dy))
            if (out_w, out_h) != frame_img.size:
                frame_img = frame_img.resize((out_w, out_h), Image.LANCZOS)
            if t < black_seconds:
                frame_img = Image.new("RGB", (out_w, out_h))
            frame = av.VideoFrame.from_image(frame_img)
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    return data[: int(len(data) * keep)]


_SCRATCH: Path | None = None


def _scratch() -> Path:
    global _SCRATCH
    if _SCRATCH is None:
        _SCRATCH = Path(tempfile.mkdtemp(prefix="drachma-media-"))
        atexit.register(shutil.rmtree, _SCRATCH, ignore_errors=True)
    return _SCRATCH


@functools.cache
def sample_videos() -> dict[str, Path]:
    """Made once per test process: an original, its re-upload, and an unrelated video.

    The re-upload is cut by 1% at each edge, halved in size and re-encoded with another codec
    at a low bit rate; the unrelated video is another scene made the same way.
    """
    folder = _scratch()
    size = (480, 360)
    return {
        "original": video(folder / "original.mp4", seed=1, size=size),
        "reupload": video(
            folder / "reupload.mp4",
            seed=1,
            size=size,
            crop=0.01,
            scale=0.5,
            codec="mpeg4",
            bit_rate=300_000,
        ),
        "unrelated": video(folder / "unrelated.mp4", seed=7, size=size),
    }
