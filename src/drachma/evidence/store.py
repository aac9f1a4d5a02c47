"""The content-addressed evidence store.

Files are kept under their SHA-256 (``ab/cd/abcd…``), written once and never modified: the
same bytes are stored once however often they arrive. Uploads are streamed through the hash
into a temporary file and refused past the size limit before anything reaches the store.
Local disk by default (a configurable root, files made read-only); with
``DRACHMA_EVIDENCE_STORAGE=s3`` the same code writes through django-storages' S3 backend
(bucket and credentials from its usual ``AWS_*`` settings).
"""

import datetime
import hashlib
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, BinaryIO

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage

from drachma.evidence import conf

CHUNK = 1024 * 1024


class EvidenceTooLarge(ValueError):
    def __init__(self, size: int, limit: int):
        super().__init__(
            f"The file is larger than the limit of {_human(limit)} "
            f"(at least {_human(size)} received)."
        )
        self.size, self.limit = size, limit


class EvidenceEmpty(ValueError):
    def __init__(self):
        super().__init__("The file is empty.")


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    created: bool  # False when the same bytes were already in the store


def _human(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def blob_name(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _chunks(source: BinaryIO | Iterable[bytes]) -> Iterator[bytes]:
    if hasattr(source, "chunks"):  # Django UploadedFile / File
        yield from source.chunks(CHUNK)
    elif hasattr(source, "read"):
        while chunk := source.read(CHUNK):
            yield chunk
    else:
        yield from source


class EvidenceStore:
    def __init__(self, storage: Storage | None = None, max_bytes: int | None = None):
        self.storage = storage or default_storage()
        self.max_bytes = max_bytes if max_bytes is not None else conf.max_bytes()

    def put(
        self, source: BinaryIO | Iterable[bytes], *, max_bytes: int | None = None
    ) -> StoredBlob:
        """Stream ``source`` into the store; returns its hash. Refuses empty and oversize files."""
        limit = max_bytes if max_bytes is not None else self.max_bytes
        digest = hashlib.sha256()
        size = 0
        with tempfile.TemporaryFile() as spool:
            for chunk in _chunks(source):
                size += len(chunk)
                if size > limit:
                    raise EvidenceTooLarge(size, limit)
                digest.update(chunk)
                spool.write(chunk)
            if size == 0:
                raise EvidenceEmpty()
            sha256 = digest.hexdigest()
            name = blob_name(sha256)
            if self.storage.exists(name):
                return StoredBlob(sha256, size, created=False)
            spool.seek(0)
            saved = self.storage.save(name, File(spool, name=sha256))
            if saved != name:  # a concurrent writer stored the same bytes first
                self.storage.delete(saved)
                return StoredBlob(sha256, size, created=False)
        return StoredBlob(sha256, size, created=True)

    def open(self, sha256: str) -> IO[bytes]:
        return self.storage.open(blob_name(sha256), "rb")

    def exists(self, sha256: str) -> bool:
        return self.storage.exists(blob_name(sha256))

    def rehash(self, sha256: str) -> str | None:
        """The SHA-256 of what is stored now under ``sha256``, or None if it is missing."""
        if not self.exists(sha256):
            return None
        digest = hashlib.sha256()
        with self.open(sha256) as f:
            while chunk := f.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest()

    def hashes(self) -> Iterator[str]:
        """The hash of every blob in the store, walked through the storage's own listing (the
        local disk or the S3 bucket), so that blobs with no record can be found."""
        for first in self.storage.listdir("")[0]:
            for second in self.storage.listdir(first)[0]:
                for name in self.storage.listdir(f"{first}/{second}")[1]:
                    if blob_name(name) == f"{first}/{second}/{name}":
                        yield name

    def stored_at(self, sha256: str) -> datetime.datetime:
        return self.storage.get_modified_time(blob_name(sha256))

    def remove(self, sha256: str) -> bool:
        """Delete the bytes stored under ``sha256``; False when they were not there. Only
        ``evidence.disposal`` calls this, once no exhibit still in custody needs them."""
        name = blob_name(sha256)
        if not self.storage.exists(name):
            return False
        self.storage.delete(name)
        return True

    def local_path(self, sha256: str):
        """A filesystem path for tools that need one (hashers, parsers); local storage only."""
        return self.storage.path(blob_name(sha256))


def default_storage() -> Storage:
    if conf.storage_kind() == "s3":
        from storages.backends.s3 import S3Storage

        return S3Storage(file_overwrite=False, location="evidence")
    root = conf.evidence_root()
    root.mkdir(parents=True, exist_ok=True)
    # Read-only once written: the store never modifies evidence.
    return FileSystemStorage(
        location=root, file_permissions_mode=0o440, directory_permissions_mode=0o750
    )


def get_store() -> EvidenceStore:
    return EvidenceStore()
