"""What the reporting page accepts: the allow-list, and content that matches its extension."""

import codecs
import json

import pytest

from drachma.intake.files import FileRefused, check_file, check_files
from tests.intake.conftest import CHAT_EXPORT, JPEG, MP4, PDF, PE, PNG, upload, zip_bytes


@pytest.mark.parametrize(
    ("name", "data", "kind", "detected"),
    [
        ("WhatsApp Chat with Dave.txt", CHAT_EXPORT, "chat_export", "text/plain"),
        (
            "chat-utf16.txt",
            codecs.BOM_UTF16_LE + "hi there\n".encode("utf-16-le"),
            "chat_export",
            "text/plain",
        ),
        ("chat-bom.txt", codecs.BOM_UTF8 + "héllo\n".encode(), "chat_export", "text/plain"),
        (
            "result.json",
            json.dumps({"messages": [{"from": "dave", "text": "hi"}]}).encode(),
            "chat_export",
            "application/json",
        ),
        ("messages.csv", b"date,from,text\n2026-03-12,dave,hi\n", "chat_export", "text/plain"),
        (
            "WhatsApp Chat.zip",
            zip_bytes({"_chat.txt": CHAT_EXPORT, "IMG-0001.jpg": JPEG}),
            "chat_export",
            "application/zip",
        ),
        ("Screenshot.PNG", PNG, "screenshot", "image/png"),
        ("photo.jpeg", JPEG, "image", "image/jpeg"),
        ("clip.mp4", MP4, "video", "video/mp4"),
        (
            "clip.mov",
            MP4,
            "video",
            "video/mp4",
        ),  # phones write both brands; either extension is fine
        ("letter.pdf", PDF, "document", "application/pdf"),
    ],
)
def test_accepted(name, data, kind, detected):
    checked = check_file(upload(name, data))
    assert (checked.rule.kind, checked.detected, checked.size) == (kind, detected, len(data))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("setup.exe", PE, "'.exe' files are not accepted"),
        ("chat.html", b"<html><script>alert(1)</script></html>", "'.html' files are not accepted"),
        ("README", b"hello", "Files without an extension are not accepted"),
        ("photo.jpg", PE, "its content is a Windows program, not a JPEG image"),
        ("chat.txt", zip_bytes({"a.txt": b"hi"}), "its content is a ZIP archive, not a text file"),
        ("chat.txt", PNG, "its content is a PNG image, not a text file"),
        ("chat.txt", b"\xfa\xfb binary \x80\x81" * 50, "not readable text"),
        ("chat.txt", "\ufeffbinary\x00\x01".encode("utf-16"), "binary data"),
        ("chat.txt", b"text with a NUL\x00 in it", "binary data"),
        ("result.json", b'{"messages": [1, 2,', "not valid JSON"),
        ("video.mp4", JPEG, "its content is a JPEG image, not an MP4 video"),
        ("video.mp4", b"just some text pretending", "not a format we recognise, not an MP4 video"),
        ("export.zip", b"PK\x03\x04 broken archive", "not a readable ZIP archive"),
        (
            "export.zip",
            zip_bytes({"chat.txt": b"hi", "run_me.exe": PE}),
            "programs or scripts (run_me.exe)",
        ),
        ("export.zip", zip_bytes({"bomb.txt": b"0" * 3_000_000}), "unpacks to"),
        ("empty.txt", b"", "the file is empty"),
    ],
)
def test_refused_with_the_file_and_the_reason(name, data, message):
    with pytest.raises(FileRefused) as exc:
        check_file(upload(name, data))
    assert str(exc.value).startswith(f"{name}: ")
    assert message in str(exc.value)


def test_per_file_size_limit(settings):
    settings.DRACHMA_INTAKE_MAX_FILE_BYTES = 100
    with pytest.raises(
        FileRefused, match=r"big\.txt: it is 101 bytes, larger than the limit of 100 bytes per file"
    ):
        check_file(upload("big.txt", b"x" * 101))


def test_every_problem_is_reported_at_once(settings):
    settings.DRACHMA_INTAKE_MAX_FILES = 2
    settings.DRACHMA_INTAKE_MAX_TOTAL_BYTES = 10_000
    files = [upload("a.txt", b"x" * 6000), upload("b.jpg", PE), upload("c.txt", b"y" * 6000)]
    with pytest.raises(FileRefused) as exc:
        check_files(files)
    lines = str(exc.value).split("\n")
    assert lines[0] == "You chose 3 files; at most 2 can be sent with one report."
    assert any(line.startswith("b.jpg: its content is a Windows program") for line in lines)
    assert any("together are 11.7 KB, more than the limit of 9.8 KB" in line for line in lines)


def test_no_files_is_fine():
    assert check_files([]) == []


@pytest.mark.parametrize(
    ("size", "words"),
    [(1, "1 byte"), (900, "900 bytes"), (200 * 1024 * 1024, "200 MB"), (1536, "1.5 KB")],
)
def test_sizes_read_as_words_for_the_public(size, words):
    from drachma.intake.files import human

    assert human(size) == words
