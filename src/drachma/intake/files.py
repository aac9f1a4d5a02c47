"""What files the reporting page accepts, and the checks each passes before anything is stored.

A file is accepted when its extension is on the allow-list and its content is what the
extension says: binary formats by their magic bytes (``filetype``), text exports by decoding
them (UTF-8 or UTF-16, and JSON must parse). A ``.jpg`` that is a Windows program or a
``.txt`` that is a ZIP archive is refused, and the refusal names the file and what it is.

Every file of a report is checked, for count, size and content, before any is stored, so a
refused report leaves nothing behind. ``LimitedUploadHandler`` refuses oversize files while
they are still arriving, so that they are never written to a temporary file at all.
"""

import codecs
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

import filetype
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from drachma.evidence.models import EvidenceKind
from drachma.intake import conf


@dataclass(frozen=True)
class FileRule:
    label: str  # what the extension promises, for messages: "a JPEG image"
    kind: str  # the exhibit kind the file becomes
    mimes: frozenset = frozenset()  # what filetype may detect in it; empty for text formats
    text: str = ""  # "text" or "json" for text formats


def _rule(label, kind, *mimes):
    return FileRule(label, kind, frozenset(mimes))


ISO_VIDEO = ("video/mp4", "video/quicktime", "video/x-m4v", "video/3gpp")
RULES: dict[str, FileRule] = {
    # Chat exports: WhatsApp (.txt, or .zip with media), Telegram and Facebook (.json),
    # tools (.csv).
    "txt": FileRule("a text file", EvidenceKind.CHAT_EXPORT, text="text"),
    "csv": FileRule("a CSV file", EvidenceKind.CHAT_EXPORT, text="text"),
    "json": FileRule("a JSON file", EvidenceKind.CHAT_EXPORT, text="json"),
    "zip": _rule("a ZIP archive", EvidenceKind.CHAT_EXPORT, "application/zip"),
    # Screenshots and photos.
    "png": _rule("a PNG image", EvidenceKind.SCREENSHOT, "image/png"),
    "jpg": _rule("a JPEG image", EvidenceKind.IMAGE, "image/jpeg"),
    "jpeg": _rule("a JPEG image", EvidenceKind.IMAGE, "image/jpeg"),
    "gif": _rule("a GIF image", EvidenceKind.IMAGE, "image/gif"),
    "webp": _rule("a WebP image", EvidenceKind.IMAGE, "image/webp"),
    "heic": _rule("a HEIC image (iPhone)", EvidenceKind.IMAGE, "image/heic", "image/heif"),
    # Video: phones write MP4 and QuickTime, browsers and apps WebM.
    "mp4": _rule("an MP4 video", EvidenceKind.VIDEO, *ISO_VIDEO),
    "m4v": _rule("an MP4 video", EvidenceKind.VIDEO, *ISO_VIDEO),
    "mov": _rule("a QuickTime video", EvidenceKind.VIDEO, *ISO_VIDEO),
    "3gp": _rule("a 3GP video", EvidenceKind.VIDEO, *ISO_VIDEO),
    "webm": _rule("a WebM video", EvidenceKind.VIDEO, "video/webm", "video/x-matroska"),
    # Voice notes.
    "opus": _rule("an Opus voice note", EvidenceKind.AUDIO, "audio/ogg"),
    "ogg": _rule("an Ogg audio file", EvidenceKind.AUDIO, "audio/ogg"),
    "m4a": _rule("an M4A audio file", EvidenceKind.AUDIO, "audio/mp4", "video/mp4"),
    "mp3": _rule("an MP3 audio file", EvidenceKind.AUDIO, "audio/mpeg"),
    # Letters and reports from platforms and agencies.
    "pdf": _rule("a PDF document", EvidenceKind.DOCUMENT, "application/pdf"),
}

DESCRIBE = {
    "application/x-msdownload": "a Windows program",
    "application/x-executable": "a Linux program",
    "application/x-mach-binary": "a macOS program",
    "application/x-sh": "a shell script",
    "application/zip": "a ZIP archive",
    "application/x-rar-compressed": "a RAR archive",
    "application/x-7z-compressed": "a 7-Zip archive",
    "application/gzip": "a gzip archive",
    "application/pdf": "a PDF document",
    "application/x-shockwave-flash": "a Flash file",
    "application/vnd.microsoft.portable-executable": "a Windows program",
}
# Inside a ZIP, names that would run if opened.
RUNNABLE = (
    ".exe",
    ".dll",
    ".scr",
    ".com",
    ".bat",
    ".cmd",
    ".ps1",
    ".vbs",
    ".vbe",
    ".js",
    ".jse",
    ".wsf",
    ".msi",
    ".jar",
    ".apk",
    ".lnk",
    ".hta",
    ".sh",
    ".app",
    ".dmg",
    ".iso",
)
JSON_PARSE_LIMIT = 64 * 1024 * 1024  # larger JSON is checked as text that starts like JSON
ZIP_MAX_MEMBERS = 20000
ZIP_MAX_RATIO = 200  # uncompressed / compressed: beyond this it is a zip bomb, not a chat export
SNIFF_BYTES = 8192
CHUNK = 1024 * 1024


def human(n: float) -> str:
    """A size in words for people: "200 MB", "1.5 GB", "1 byte", "900 bytes"."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            if unit == "bytes":
                return "1 byte" if n == 1 else f"{n:.0f} bytes"
            text = f"{n:.1f}".removesuffix(".0")
            return f"{text} {unit}"
        n /= 1024
    return str(n)


def accepted_extensions() -> list[str]:
    return sorted(RULES)


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name.strip(".") else ""


def _describe(kind) -> str:
    if kind is None:
        return "not a format we recognise"
    if kind.mime in DESCRIBE:
        return DESCRIBE[kind.mime]
    for ext, rule in RULES.items():
        if kind.mime in rule.mimes and ext == kind.extension:
            return rule.label
    return f"{kind.mime} data"


class FileRefused(ValueError):
    pass


@dataclass(frozen=True)
class CheckedFile:
    upload: object
    name: str
    size: int
    rule: FileRule
    detected: str  # the media type found in the content ("text/plain" for text formats)


def _read_chunks(upload):
    upload.seek(0)
    while chunk := upload.read(CHUNK):
        yield chunk
    upload.seek(0)


def _check_text(upload, name: str, rule: FileRule, size: int) -> str:
    head = upload.read(4)
    upload.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    decoder = codecs.getincrementaldecoder(encoding)()
    # A JSON file small enough is parsed whole; a larger one is only checked to start like JSON.
    parts: list[str] | None = [] if rule.text == "json" and size <= JSON_PARSE_LIMIT else None
    start = ""
    try:
        for chunk in _read_chunks(upload):
            text = decoder.decode(chunk)
            if "\x00" in text:
                raise FileRefused(f"{name}: it contains binary data, not text.")
            if parts is not None:
                parts.append(text)
            if len(start) < 64:
                start += text[:64]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise FileRefused(f"{name}: it is not readable text (neither UTF-8 nor UTF-16).") from None
    if rule.text == "json":
        if parts is not None:
            try:
                json.loads("".join(parts))
            except ValueError as exc:
                raise FileRefused(f"{name}: it is not valid JSON ({exc}).") from None
            except RecursionError:
                # The parser's stack ends before a hostile nesting does: no real export nests so.
                raise FileRefused(f"{name}: its JSON is nested too deeply to read.") from None
        elif start.lstrip()[:1] not in ("{", "["):
            raise FileRefused(f"{name}: it is not valid JSON (it does not start with {{ or [).")
        return "application/json"
    return "text/plain"


def _check_zip(upload, name: str, size: int) -> None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRefused(f"{name}: it is not a readable ZIP archive.") from None
    finally:
        upload.seek(0)
    if len(members) > ZIP_MAX_MEMBERS:
        raise FileRefused(
            f"{name}: the archive holds {len(members)} files; at most {ZIP_MAX_MEMBERS}."
        )
    runnable = [m.filename for m in members if m.filename.lower().endswith(RUNNABLE)]
    if runnable:
        raise FileRefused(
            f"{name}: the archive holds programs or scripts ({', '.join(runnable[:3])}); "
            "send the chat and media files only."
        )
    unpacked = sum(m.file_size for m in members)
    if unpacked > max(size, 1) * ZIP_MAX_RATIO:
        raise FileRefused(
            f"{name}: the archive unpacks to {human(unpacked)}, far more than its size: "
            "it cannot be a chat export."
        )


def check_file(upload, *, max_bytes: int | None = None) -> CheckedFile:
    """Check one uploaded file; raise FileRefused saying what is wrong with it."""
    name = (getattr(upload, "name", "") or "unnamed")[:255]
    max_bytes = conf.max_file_bytes() if max_bytes is None else max_bytes
    ext = extension(name)
    rule = RULES.get(ext)
    if rule is None:
        what = f"'.{ext}' files are" if ext else "Files without an extension are"
        raise FileRefused(
            f"{name}: {what} not accepted. Accepted: {', '.join(accepted_extensions())}."
        )
    size = upload.size
    if not size:
        raise FileRefused(f"{name}: the file is empty.")
    if size > max_bytes:
        raise FileRefused(
            f"{name}: it is {human(size)}, larger than the limit of {human(max_bytes)} per file."
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if rule.text:
        if kind is not None:
            raise FileRefused(f"{name}: its content is {_describe(kind)}, not {rule.label}.")
        detected = _check_text(upload, name, rule, size)
    else:
        if kind is None or kind.mime not in rule.mimes:
            raise FileRefused(f"{name}: its content is {_describe(kind)}, not {rule.label}.")
        if ext == "zip":
            _check_zip(upload, name, size)
        detected = kind.mime
    return CheckedFile(upload=upload, name=name, size=size, rule=rule, detected=detected)


def check_files(
    uploads: list, *, earlier_problems: Sequence[str] = (), attempted: int | None = None
) -> list[CheckedFile]:
    """Check every file of a report; raise FileRefused listing every problem found.

    ``earlier_problems`` are refusals made while the upload arrived (LimitedUploadHandler), and
    ``attempted`` how many files were sent including those.
    """
    problems = list(earlier_problems)
    count = attempted if attempted is not None else len(uploads)
    if count > conf.max_files():
        problems.insert(
            0, f"You chose {count} files; at most {conf.max_files()} can be sent with one report."
        )
    checked: list[CheckedFile] = []
    for upload in uploads:
        try:
            checked.append(check_file(upload))
        except FileRefused as exc:
            problems.append(str(exc))
    total = sum(c.size for c in checked)
    if total > conf.max_total_bytes():
        problems.append(
            f"The files together are {human(total)}, more than the limit of "
            f"{human(conf.max_total_bytes())} for one report."
        )
    if problems:
        raise FileRefused("\n".join(problems))
    return checked


@dataclass
class UploadTally:
    """What ``LimitedUploadHandler`` saw while the files arrived: how many were sent, and a
    refusal for each file it skipped."""

    count: int = 0
    problems: list[str] = field(default_factory=list)


_TALLY = "intake_upload_tally"


def upload_tally(request: HttpRequest) -> UploadTally | None:
    """The tally ``LimitedUploadHandler`` kept on ``request`` (None when it did not run)."""
    return getattr(request, _TALLY, None)


class LimitedUploadHandler(FileUploadHandler):
    """Skip, while they arrive, files past the per-file or total limits (or the count), and
    note each refusal in the request's ``upload_tally`` for the page to show."""

    def __init__(self, request: HttpRequest | None = None):
        super().__init__(request)
        self.total = 0
        self.file_bytes = 0
        self.tally = UploadTally()
        if request is not None:
            # HttpRequest has no field for it: the page reads it back with upload_tally().
            setattr(request, _TALLY, self.tally)

    def new_file(
        self,
        field_name,
        file_name,
        content_type,
        content_length,
        charset=None,
        content_type_extra=None,
    ):
        super().new_file(
            field_name, file_name, content_type, content_length, charset, content_type_extra
        )
        self.tally.count += 1
        self.file_bytes = 0
        # Refusing here would make the parser close the previous file's buffers (its other
        # handlers have not started this file yet): files are skipped at their first chunk.

    def receive_data_chunk(self, raw_data, start):
        if self.tally.count > conf.max_files():
            raise SkipFile()  # counted: the page says how many were sent and the limit
        self.file_bytes += len(raw_data)
        self.total += len(raw_data)
        if self.file_bytes > conf.max_file_bytes():
            self.total -= self.file_bytes
            self.tally.problems.append(
                f"{self.file_name}: it is larger than the limit of "
                f"{human(conf.max_file_bytes())} per file."
            )
            raise SkipFile()
        if self.total > conf.max_total_bytes():
            self.total -= self.file_bytes
            self.tally.problems.append(
                f"{self.file_name}: with it the files come to more than the limit of "
                f"{human(conf.max_total_bytes())} for one report."
            )
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) makes the file
