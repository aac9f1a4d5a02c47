"""The prosecutor's bundle: one ZIP with everything the evidence of an incident needs.

Layout::

    README.txt                      what is where
    exhibits/EX-…_<name>            the files as received (bytes from the store)
    continuity/EX-….txt, .pdf       a continuity statement per exhibit
    conversations/EX-….html         each chat export rendered, with its quality report
    conversations/EX-…quality.json  the quality report as data
    disclosure/MG6C.pdf, .csv       non-sensitive unused material
    disclosure/MG6D.pdf, .csv       sensitive unused material (a nil return when none)
    publication-log.pdf, .csv       where material was published online (from takedown)
    case.jsonld                     CASE/UCO description: exhibits, hashes, custody events
    manifest.json                   SHA-256 and size of every file above
    SHA256SUMS                      the same, for ``sha256sum -c``

Other apps add sections (the publication log is takedown's): each defines ``BUNDLE_SECTIONS``
(a list of ``BundleSection``) in its ``bundle.py``, found through ``drachma.core.registry``,
so that evidence imports nothing above it.

The ZIP is written to a temporary file beside the destination and moved into place only when
complete, so a failure never leaves a partial bundle behind. Every exhibit is re-hashed as it
is copied; one whose bytes no longer match its hash stops the export.
"""

import hashlib
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from drachma.core.registry import app_hooks
from drachma.evidence import caseld, documents, selectors
from drachma.evidence.models import DisclosureSchedule, EvidenceItem
from drachma.evidence.store import CHUNK, get_store


class BundleError(Exception):
    """The bundle could not be made; the message says why. Nothing was left behind."""


@dataclass(frozen=True)
class BundleSection:
    """Files another app adds to an incident's bundle, and the README's line about them."""

    files: Callable[[object], list[tuple[str, bytes | str]]]  # incident -> [(name, content)]
    readme: str


def bundle_sections() -> list[BundleSection]:
    return [section for sections in app_hooks("bundle", "BUNDLE_SECTIONS") for section in sections]


@dataclass
class BundleResult:
    path: Path
    files: dict[str, dict] = field(default_factory=dict)  # name -> {"sha256", "size"}


def _safe_name(name: str) -> str:
    name = Path(name.replace("\\", "/")).name
    name = re.sub(r"[^\w.\- ]+", "_", name).strip(" .") or "file"
    return name[:120]


class _Writer:
    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        self.files: dict[str, dict] = {}

    def add(self, name: str, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.zf.writestr(name, data)
        self.files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}

    def add_exhibit(self, name: str, item: EvidenceItem) -> None:
        digest, size = hashlib.sha256(), 0
        with get_store().open(item.sha256) as src, self.zf.open(name, "w", force_zip64=True) as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                dst.write(chunk)
        if digest.hexdigest() != item.sha256:
            raise BundleError(
                f"Exhibit {item.exhibit_ref} no longer matches its hash "
                f"(received as {item.sha256}, now {digest.hexdigest()}); run verify_evidence."
            )
        self.files[name] = {"sha256": item.sha256, "size": size, "exhibit": item.exhibit_ref}


def write_bundle(incident, destination: str | os.PathLike, *, user=None) -> BundleResult:
    """Make the bundle for ``incident`` at ``destination`` (a .zip path); its documents name
    ``user`` as the one who printed them ("Drachma" when None)."""
    destination = Path(destination)
    folder = destination.parent if str(destination.parent) else Path(".")
    if destination.is_dir():
        raise BundleError(f"{destination} is a folder; give the path of the .zip file to write.")
    if not folder.is_dir():
        raise BundleError(f"Cannot write {destination}: the folder {folder} does not exist.")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".bundle-", suffix=".zip.part", dir=folder)
    except OSError as exc:
        raise BundleError(f"Cannot write {destination}: {exc.strerror or exc}.") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
            files = _fill(_Writer(zf), incident, user)
        os.replace(tmp, destination)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise BundleError(f"Cannot write {destination}: {exc.strerror or exc}.") from None
        raise
    return BundleResult(path=destination, files=files)


def _fill(w: _Writer, incident, user=None) -> dict[str, dict]:
    items = list(selectors.items_for_incident(incident))
    paths: dict[str, str] = {}
    for item in items:
        if not get_store().exists(item.sha256):
            raise BundleError(
                f"Exhibit {item.exhibit_ref}'s file is missing from the evidence store; "
                "run verify_evidence."
            )
        if selectors.bytes_quarantined(item):
            # Possible indecent images leave only through the digital forensics unit: the
            # bundle names the exhibit and its hash, never carries its bytes.
            name = f"exhibits/{item.exhibit_ref}_QUARANTINED.txt"
            w.add(name, _quarantined_note(item))
            paths[item.exhibit_ref] = name
            w.add(f"continuity/{item.exhibit_ref}.txt", documents.continuity_text(item))
            w.add(f"continuity/{item.exhibit_ref}.pdf", documents.continuity_pdf(item, user=user))
            continue
        name = f"exhibits/{item.exhibit_ref}_{_safe_name(item.original_filename)}"
        w.add_exhibit(name, item)
        paths[item.exhibit_ref] = name
        w.add(f"continuity/{item.exhibit_ref}.txt", documents.continuity_text(item))
        w.add(f"continuity/{item.exhibit_ref}.pdf", documents.continuity_pdf(item, user=user))
        parsed = selectors.parsed_conversation(item)
        if parsed is not None:
            w.add(
                f"conversations/{item.exhibit_ref}.html",
                documents.conversation_html(parsed, user=user),
            )
            w.add(
                f"conversations/{item.exhibit_ref}.quality.json",
                json.dumps(parsed.quality, ensure_ascii=False, indent=2),
            )
    for schedule in DisclosureSchedule.values:
        w.add(f"disclosure/{schedule}.csv", documents.schedule_csv(incident, schedule))
        w.add(f"disclosure/{schedule}.pdf", documents.schedule_pdf(incident, schedule, user=user))
    for section in bundle_sections():
        for name, content in section.files(incident):
            w.add(name, content)
    w.add("case.jsonld", json.dumps(caseld.incident_graph(incident, items, paths), indent=2))
    w.add("README.txt", _readme(incident, items))
    manifest = {
        "incident": incident.reference,
        "generated_at": timezone.now().isoformat(),
        "generator": "Drachma",
        "files": dict(sorted(w.files.items())),
    }
    sums = "".join(f"{meta['sha256']}  {name}\n" for name, meta in sorted(w.files.items()))
    files = dict(w.files)
    w.add("manifest.json", json.dumps(manifest, indent=2))
    w.add("SHA256SUMS", sums)
    return files


def _quarantined_note(item) -> str:
    return (
        f"Exhibit {item.exhibit_ref} is quarantined: it may contain indecent images.\n"
        f"SHA-256: {item.sha256}\n"
        "Its bytes are not in this bundle; the digital forensics unit holds and provides them.\n"
    )


def _readme(incident, items) -> str:
    lines = [
        f"Prosecutor's bundle for incident {incident.reference}, made by Drachma on "
        f"{timezone.localtime():%d/%m/%Y %H:%M %Z}.",
        "",
        (
            f"{len(items)} exhibit(s) in exhibits/, each exactly as received: check with "
            "`sha256sum -c SHA256SUMS`."
        ),
        "continuity/: a continuity statement per exhibit (text and PDF).",
        "conversations/: each chat export read by Drachma, with its evidential quality report.",
        "disclosure/: the MG6C and MG6D schedules of unused material (PDF and CSV).",
        *(section.readme for section in bundle_sections()),
        "case.jsonld: a CASE/UCO description of the exhibits, their hashes and custody.",
        "manifest.json and SHA256SUMS: the SHA-256 of every other file in this bundle.",
        "",
    ]
    return "\n".join(lines)
