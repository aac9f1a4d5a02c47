import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from drachma.takedown.hashing import hash_image, sha256_file
from tests.takedown import media_factory as mf


def run(*args):
    out = StringIO()
    call_command("hash_media", *map(str, args), stdout=out)
    return json.loads(out.getvalue())


def test_image(tmp_path):
    path = mf.save(mf.photo(1), tmp_path / "capture.jpg", "JPEG", quality=90)
    result = run(path)
    expected = hash_image(path)
    assert result == {
        "sha256": sha256_file(path),
        "kind": "image",
        "pdq": expected.pdq,
        "quality": expected.quality,
    }


def test_video():
    path = mf.sample_videos()["original"]
    result = run(path)
    assert result["kind"] == "video"
    assert result["sha256"] == sha256_file(path)
    assert [f["timestamp"] for f in result["frames"]] == [float(i) for i in range(8)]
    assert all(len(f["pdq"]) == 64 and f["quality"] >= 50 for f in result["frames"])


def test_size_limit(tmp_path):
    path = mf.save(mf.photo(1), tmp_path / "capture.png")
    size = path.stat().st_size
    with pytest.raises(CommandError, match=f"over the size limit of {size - 1} bytes"):
        run(path, "--max-bytes", size - 1)
    assert run(path, "--max-bytes", size)["kind"] == "image"
    with pytest.raises(CommandError, match="--max-bytes must be a positive"):
        run(path, "--max-bytes", 0)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty file"),
        (b"just some words\n" * 10, "unsupported format"),
        (mf.truncated(mf.encode(mf.photo(2), "JPEG")), "corrupt or truncated image"),
    ],
)
def test_bad_files_fail_with_the_reason(tmp_path, content, message):
    path = tmp_path / "upload.jpg"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message) as caught:
        run(path)
    assert str(path) in str(caught.value)


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="file not found"):
        run(tmp_path / "nothing.png")
