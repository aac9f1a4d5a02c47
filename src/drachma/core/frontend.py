"""The vendored front-end packages and their versions (written by .ci/vendor-frontend.sh into
static/vendor/frontend.json), so templates name a package's files without repeating its version.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

VENDOR_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor"


@functools.cache
def versions() -> dict[str, str]:
    return json.loads((VENDOR_DIR / "frontend.json").read_text())


def vendored(package: str, filename: str) -> str:
    """The static path of ``filename`` in the vendored ``package``:
    ``vendored("govuk-frontend", "govuk-frontend.min.js")`` ->
    ``vendor/govuk-frontend-5.14.0/govuk-frontend.min.js``."""
    try:
        version = versions()[package]
    except KeyError:
        raise ValueError(
            f"{package!r} is not vendored (static/vendor/frontend.json names "
            f"{', '.join(sorted(versions()))})"
        ) from None
    return f"vendor/{package}-{version}/{filename}"
