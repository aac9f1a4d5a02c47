"""Files of every sort (good and bad) for the intake tests; reports are made with the shared
``make_report`` fixture (tests/conftest.py)."""

import datetime
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

CHAT_EXPORT = (
    b"[12/03/2026, 19:02:11] Jess: hi who is this\n"
    b"[12/03/2026, 19:03:40] dave_k: you look older than 13\n"
    b"[12/03/2026, 19:04:02] Jess: im 13 tho\n"
    b"[12/03/2026, 19:05:15] dave_k: dont tell your mum we talk\n"
)
# Smallest files each format's magic bytes are recognised in.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\x00" * 64
    + b"\xff\xd9"
)
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08free" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A Windows program's header: "MZ", then the PE signature where the header says.
PE = b"MZ" + b"\x90\x00" * 29 + b"\x80\x00\x00\x00" + b"\x00" * 64 + b"PE\x00\x00" + b"\x00" * 200


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(
    name: str, data: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def incident_fields() -> dict:
    """What turning a report into an incident needs: a doorstep in Bolton three hours ago."""
    now = timezone.now()
    return {
        "occurred_at": now - datetime.timedelta(hours=3),
        "received_at": now,
        "source": "public",
        "kind": "doorstep",
        "summary": "From a report.",
        "place": "Bolton",
    }
