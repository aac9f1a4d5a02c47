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
so that evidence imports nothing above it. A higher app may also bundle something other than an
incident (cases: a prosecution case, by its URN): its ``bundle.py`` defines ``BUNDLE_TARGETS``,
functions from a reference to a ``BundleTarget`` (or None), asked before the incidents
(``resolve``).

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
from typing import Any

from django.utils import timezone

from drachma.core import restrictions
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


@dataclass(frozen=True)
class BundleTarget:
    """Something other than an incident that a higher app bundles (a case): its exhibits, the
    incidents whose sections (the publication log) go under ``incidents/<reference>/``, its
    own documents (a function of the user printing them), and the README's lines."""

    reference: str
    description: str
    items: list[EvidenceItem]
    incidents: list[Any]
    files: Callable[[Any], list[tuple[str, bytes | str]]]
    readme: list[str]
    shown: Callable[[Any], None] = field(default=lambda user: None)


def bundle_targets() -> list[Callable[[str], BundleTarget | None]]:
    return [find for finds in app_hooks("bundle", "BUNDLE_TARGETS") for find in finds]


def resolve(reference: str) -> Any:
    """What ``reference`` names for a bundle: a higher app's target (a case's URN, or an
    incident that a case holds) or else the incident. BundleError when it names nothing, or
    is ambiguous (the target says why)."""
    from drachma.incidents.models import Incident

    reference = (reference or "").strip()
    for find in bundle_targets():
        found = find(reference)
        if found is not None:
            return found
    incident = Incident.objects.filter(reference=reference).first()
    if incident is None:
        raise BundleError(f"No incident with reference {reference!r}.")
    return incident


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
    """Make the bundle for ``incident`` (or a ``BundleTarget``) at ``destination`` (a .zip
    path); its documents name ``user`` as the one who printed them ("Drachma" when None)."""
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
            if isinstance(incident, BundleTarget):
                files = _fill_target(_Writer(zf), incident, user)
            else:
                files = _fill(_Writer(zf), incident, user)
        os.replace(tmp, destination)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise BundleError(f"Cannot write {destination}: {exc.strerror or exc}.") from None
        raise
    return BundleResult(path=destination, files=files)


def _exhibits(w: _Writer, items: list[EvidenceItem], user=None) -> dict[str, str]:
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
    return paths


def _seal(w: _Writer, subject: dict[str, str]) -> dict[str, dict]:
    manifest = {
        **subject,
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


def _usable(items: list[EvidenceItem]) -> tuple[list[EvidenceItem], list[EvidenceItem]]:
    """The exhibits a bundle may use, and those left out: an exhibit whose processing is
    restricted (DPA 2018 s.47(2)) is held but not used (docs/rights.md)."""
    held = restrictions.restricted_ids(EvidenceItem)
    return [i for i in items if i.pk not in held], [i for i in items if i.pk in held]


def _left_out(restricted: list[EvidenceItem]) -> list[str]:
    if not restricted:
        return []
    refs = ", ".join(item.exhibit_ref for item in restricted)
    return [
        f"Left out: {refs}, whose processing is restricted (Data Protection Act 2018 "
        "s.47(2)); held by the force but not used. Ask the force's data protection team.",
        "",
    ]


def _fill_target(w: _Writer, target: BundleTarget, user=None) -> dict[str, dict]:
    items, restricted = _usable(list(target.items))
    paths = _exhibits(w, items, user)
    for name, content in target.files(user):
        w.add(name, content)
    for incident in target.incidents:
        for section in bundle_sections():
            for name, content in section.files(incident):
                w.add(f"incidents/{incident.reference}/{name}", content)
    graph = caseld.incident_graph(
        target, items, paths, description=f"Exhibits of {target.description}."
    )
    w.add("case.jsonld", json.dumps(graph, indent=2))
    lines = [
        f"Prosecutor's bundle for {target.description}, made by Drachma on "
        f"{timezone.localtime():%d/%m/%Y %H:%M %Z}.",
        "",
        (
            f"{len(items)} exhibit(s) in exhibits/, each exactly as received: check with "
            "`sha256sum -c SHA256SUMS`."
        ),
        "continuity/: a continuity statement per exhibit (text and PDF).",
        "conversations/: each chat export read by Drachma, with its evidential quality report.",
        *target.readme,
        *(
            f"incidents/<reference>/{section.readme}"
            for section in bundle_sections()
            if target.incidents
        ),
        "case.jsonld: a CASE/UCO description of the exhibits, their hashes and custody.",
        "manifest.json and SHA256SUMS: the SHA-256 of every other file in this bundle.",
        "",
        *_left_out(restricted),
    ]
    w.add("README.txt", "\n".join(lines))
    return _seal(w, {"case": target.reference})


def _fill(w: _Writer, incident, user=None) -> dict[str, dict]:
    items, restricted = _usable(list(selectors.items_for_incident(incident)))
    paths = _exhibits(w, items, user)
    for schedule in DisclosureSchedule.values:
        w.add(f"disclosure/{schedule}.csv", documents.schedule_csv(incident, schedule))
        w.add(f"disclosure/{schedule}.pdf", documents.schedule_pdf(incident, schedule, user=user))
    for section in bundle_sections():
        for name, content in section.files(incident):
            w.add(name, content)
    w.add("case.jsonld", json.dumps(caseld.incident_graph(incident, items, paths), indent=2))
    w.add("README.txt", _readme(incident, items, restricted))
    return _seal(w, {"incident": incident.reference})


def _readme(incident, items, restricted: list[EvidenceItem]) -> str:
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
        *_left_out(restricted),
    ]
    return "\n".join(lines)
