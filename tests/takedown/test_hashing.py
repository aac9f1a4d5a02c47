import json
import re
from fractions import Fraction

import av
import numpy as np
import pytest
from PIL import Image

from drachma.takedown import hashing
from drachma.takedown.hashing import (
    MIN_QUALITY,
    PDQ_MATCH_DISTANCE,
    FrameHash,
    ImageHash,
    MediaError,
    hash_file,
    hash_image,
    hash_image_dihedral,
    hash_video,
    media_kind,
    sha256_file,
)
from drachma.takedown.matcher import hamming
from tests.takedown import media_factory as mf

HEX64 = re.compile(r"^[0-9a-f]{64}$")


@pytest.fixture
def photo_png(tmp_path):
    return mf.save(mf.photo(3), tmp_path / "photo.png")


def test_image_hash_is_pdq_hex_with_quality(photo_png):
    result = hash_image(photo_png)
    assert isinstance(result, ImageHash)
    assert HEX64.match(result.pdq)
    assert MIN_QUALITY <= result.quality <= 100
    # The same picture from bytes or from a path hashes the same.
    assert hash_image(photo_png.read_bytes()) == result
    assert hash_image(str(photo_png)) == result


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_reencoded_resized_cropped_copy_matches_and_unrelated_does_not(seed):
    original = mf.photo(seed)
    copy = mf.altered_copy(original)
    assert copy.size != original.size
    original_hash = hash_image(mf.encode(original))
    copy_hash = hash_image(mf.encode(copy, "JPEG", quality=60))
    assert copy_hash.quality >= MIN_QUALITY
    assert original_hash.pdq != copy_hash.pdq
    assert hamming(original_hash.pdq, copy_hash.pdq) <= PDQ_MATCH_DISTANCE
    unrelated = hash_image(mf.encode(mf.photo(seed + 100)))
    assert hamming(original_hash.pdq, unrelated.pdq) > PDQ_MATCH_DISTANCE


@pytest.mark.parametrize(
    "transform",
    [
        Image.Transpose.ROTATE_90,
        Image.Transpose.ROTATE_180,
        Image.Transpose.ROTATE_270,
        Image.Transpose.FLIP_LEFT_RIGHT,
        Image.Transpose.FLIP_TOP_BOTTOM,
        Image.Transpose.TRANSPOSE,
    ],
)
def test_rotated_or_mirrored_copy_matches_through_dihedral_hashes(transform):
    original = mf.photo(5)
    original_hash = hash_image(mf.encode(original)).pdq
    turned = mf.encode(original.transpose(transform), "JPEG", quality=80)
    # Compared as it is, the turned copy is a different picture ...
    assert hamming(original_hash, hash_image(turned).pdq) > PDQ_MATCH_DISTANCE
    # ... but one of its eight orientations is the original.
    variants = hash_image_dihedral(turned)
    assert len(variants) == 8
    assert len({v.pdq for v in variants}) == 8
    assert min(hamming(original_hash, v.pdq) for v in variants) <= PDQ_MATCH_DISTANCE


def test_dihedral_first_hash_is_the_plain_hash():
    data = mf.encode(mf.photo(6))
    assert hash_image_dihedral(data)[0].pdq == hash_image(data).pdq


def test_flat_image_has_low_quality():
    # A featureless picture's hash comes from rounding noise, not from what it shows: that is
    # why hashes below MIN_QUALITY are never used for matching.
    blue = hash_image(mf.encode(mf.flat((90, 120, 200))))
    red = hash_image(mf.encode(mf.flat((200, 30, 30))))
    assert blue.quality < MIN_QUALITY and red.quality < MIN_QUALITY
    assert blue.pdq != red.pdq


def test_transparent_image_hashes_like_it_looks_on_white():
    img = mf.photo(8).convert("RGBA")
    alpha = Image.new("L", img.size, 255)
    alpha.paste(0, (0, 0, 100, 100))
    img.putalpha(alpha)
    shown = Image.alpha_composite(Image.new("RGBA", img.size, "white"), img).convert("RGB")
    assert hash_image(mf.encode(img)) == hash_image(mf.encode(shown))


def test_exif_orientation_is_applied():
    # A phone stores the picture sideways with a flag saying "turn 90 degrees clockwise".
    upright = mf.photo(10)
    exif = Image.Exif()
    exif[0x0112] = 6
    sideways = mf.encode(upright.rotate(90, expand=True), "JPEG", quality=90, exif=exif.tobytes())
    shown = hash_image(mf.encode(upright, "JPEG", quality=90)).pdq
    assert hamming(hash_image(sideways).pdq, shown) <= 8


def test_grey_and_palette_images_hash():
    img = mf.photo(9)
    colour = hash_image(mf.encode(img)).pdq
    assert hamming(colour, hash_image(mf.encode(img.convert("L"))).pdq) <= PDQ_MATCH_DISTANCE
    assert hamming(colour, hash_image(mf.encode(img.convert("P"), "GIF")).pdq) <= PDQ_MATCH_DISTANCE


# --- bad input ---------------------------------------------------------------------------


def test_random_bytes_are_refused():
    noise = np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes()
    with pytest.raises(MediaError, match="unsupported or corrupt image"):
        hash_image(noise)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_truncated_image_is_refused(fmt, tmp_path):
    data = mf.truncated(mf.encode(mf.photo(1), fmt))
    with pytest.raises(MediaError, match="corrupt or truncated image"):
        hash_image(data)
    path = tmp_path / f"cut.{fmt.lower()}"
    path.write_bytes(data)
    with pytest.raises(MediaError, match="corrupt or truncated image"):
        hash_file(path)


def test_corrupt_image_body_is_refused():
    data = bytearray(mf.encode(mf.photo(1), "PNG"))
    data[200:4000] = bytes(3800)  # a valid header, destroyed compressed data
    with pytest.raises(MediaError, match="corrupt or truncated image"):
        hash_image(bytes(data))


@pytest.mark.parametrize("name", ["notes.jpg", "notes.txt", "notes.mp4", "notes"])
def test_text_file_is_refused(tmp_path, name):
    # FFmpeg would read a .txt as ANSI art and a .jpg as an image sequence: not footage.
    path = tmp_path / name
    path.write_text("Statement of the officer in the case.\n" * 20)
    with pytest.raises(MediaError, match="unsupported format"):
        media_kind(path)
    with pytest.raises(MediaError, match="unsupported format"):
        hash_file(path)
    with pytest.raises(MediaError):
        hash_video(path)


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    with pytest.raises(MediaError, match="empty file"):
        hash_file(path)
    with pytest.raises(MediaError, match="empty file"):
        hash_image(b"")


def test_file_over_the_limit_is_refused_and_the_limit_is_stated(photo_png):
    size = photo_png.stat().st_size
    with pytest.raises(MediaError, match=f"{size} bytes is over the size limit of 1000 bytes"):
        hash_file(photo_png, max_bytes=1000)
    assert hash_file(photo_png, max_bytes=size)["kind"] == "image"


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(MediaError, match="file not found"):
        hash_file(tmp_path / "nowhere.png")


def test_media_error_is_a_value_error():
    assert issubclass(MediaError, ValueError)


# --- kinds and whole files -----------------------------------------------------------------


def test_kind_is_judged_by_content_not_name(tmp_path):
    image = mf.save(mf.photo(2), tmp_path / "looks-like.mp4")
    assert media_kind(image) == "image"
    movie = mf.sample_videos()["original"]
    renamed = tmp_path / "looks-like.jpg"
    renamed.write_bytes(movie.read_bytes())
    assert media_kind(renamed) == "video"


def test_hash_file_for_an_image_is_json_ready(photo_png):
    result = hash_file(photo_png)
    assert set(result) == {"sha256", "kind", "pdq", "quality"}
    assert result["kind"] == "image"
    assert result["sha256"] == sha256_file(photo_png)
    assert result["pdq"] == hash_image(photo_png).pdq
    assert json.loads(json.dumps(result)) == result


def test_sha256_file(tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes(b"abc")
    assert sha256_file(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


# --- video ------------------------------------------------------------------------------


def test_video_frames_are_hashed_once_a_second():
    frames = hash_video(mf.sample_videos()["original"])
    assert all(isinstance(f, FrameHash) for f in frames)
    assert len(frames) == 8  # an 8-second video
    assert [f.timestamp for f in frames] == pytest.approx([float(i) for i in range(8)])
    assert [f.frame for f in frames] == [i * 10 for i in range(8)]  # 10 frames a second
    assert all(HEX64.match(f.pdq) and f.quality >= MIN_QUALITY for f in frames)
    assert len({f.pdq for f in frames}) == 8  # the scene moves


def test_video_every_two_seconds():
    frames = hash_video(mf.sample_videos()["original"], seconds_per_hash=2.0)
    assert [f.timestamp for f in frames] == pytest.approx([0.0, 2.0, 4.0, 6.0])


def test_hash_file_for_a_video_is_json_ready():
    path = mf.sample_videos()["original"]
    result = hash_file(path)
    assert set(result) == {"sha256", "kind", "frames"}
    assert result["kind"] == "video"
    assert len(result["frames"]) == 8
    assert set(result["frames"][0]) == {"frame", "timestamp", "pdq", "quality"}
    assert result["frames"][3]["pdq"] == hash_video(path)[3].pdq
    assert json.loads(json.dumps(result)) == result


def test_truncated_video_is_refused(tmp_path):
    path = tmp_path / "cut.mp4"
    # The MP4 index (moov) is written last: without it nothing can be decoded.
    path.write_bytes(mf.truncated(mf.sample_videos()["original"].read_bytes(), 0.6))
    with pytest.raises(MediaError, match="corrupt or unsupported video|no decodable frames"):
        hash_file(path)


def test_video_with_garbled_frames_is_refused(tmp_path):
    data = bytearray(mf.sample_videos()["original"].read_bytes())
    noise = np.random.default_rng(3).integers(0, 256, len(data) - 2000, dtype=np.uint8)
    data[48 : 48 + len(noise)] = noise.tobytes()  # keep the file type box only
    path = tmp_path / "garbled.mp4"
    path.write_bytes(bytes(data))
    with pytest.raises(MediaError):
        hash_file(path)


def test_audio_only_file_is_not_a_video(tmp_path):
    path = tmp_path / "sound.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=8000)
        stream.layout = "mono"
        for index in range(20):
            samples = np.zeros((1, 1024), dtype=np.float32)
            frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
            frame.sample_rate = 8000
            frame.pts = index * 1024
            frame.time_base = Fraction(1, 8000)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    with pytest.raises(MediaError, match="no video stream|unsupported format"):
        hash_file(path)


def test_negative_sampling_interval_is_refused():
    with pytest.raises(MediaError, match="seconds_per_hash"):
        hash_video(mf.sample_videos()["original"], seconds_per_hash=-1)


def test_truncated_images_flag_is_not_silently_honoured(monkeypatch):
    # WeasyPrint sets this flag globally when it is imported (the statistics reports use it).
    monkeypatch.setattr(hashing.ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = mf.encode(mf.photo(1))
    with pytest.raises(MediaError, match="truncated"):
        hash_image(data[: len(data) // 2])
    assert hash_image(data).quality >= 50
    assert hashing.ImageFile.LOAD_TRUNCATED_IMAGES is True  # the caller's setting is put back
