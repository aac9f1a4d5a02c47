from pathlib import Path

from django.conf import settings


def evidence_root() -> Path:
    return Path(settings.DRACHMA_EVIDENCE_ROOT)


def max_bytes() -> int:
    return int(settings.DRACHMA_EVIDENCE_MAX_BYTES)


def storage_kind() -> str:
    return getattr(settings, "DRACHMA_EVIDENCE_STORAGE", "local")
