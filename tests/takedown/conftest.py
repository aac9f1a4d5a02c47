"""Fixtures for takedown: banks of hashes stored as the capture service stores them (footage
itself is made with the shared ``make_item`` fixture, tests/conftest.py)."""

import pytest


@pytest.fixture
def store_hashes(make_item):
    """``store_hashes(hexes, kind=..., quality=80, item=None)``: a capture holding these hashes,
    stored and indexed as the capture service does, for banks too big to make from files.

    The captures share one exhibit, made once from a real image (its hash is in the bank too).
    """
    from django.core.files.uploadedfile import SimpleUploadedFile

    from drachma.takedown.index import index_capture
    from drachma.takedown.models import Capture, HashKind, MediaHash
    from tests.takedown import media_factory as mf

    made = {}

    def store(hexes, *, kind=HashKind.PDQ, quality=80, item=None):
        if "evidence" not in made:
            png = mf.encode(mf.photo(1), "PNG")
            seed = make_item(file=SimpleUploadedFile("seed.png", png, content_type="image/png"))
            made["evidence"] = seed.captures.get().evidence
        item = item or make_item()
        capture = Capture.objects.create(
            content_item=item,
            evidence=made["evidence"],
            sha256=f"{Capture.objects.count():064x}",
            media_kind="image" if kind == HashKind.PDQ else "video",
        )
        qualities = quality if isinstance(quality, list) else [quality] * len(hexes)
        MediaHash.objects.bulk_create(
            MediaHash(
                capture=capture,
                kind=kind,
                hash=hex_,
                quality=q,
                frame_index=None if kind == HashKind.PDQ else n,
                timestamp=None if kind == HashKind.PDQ else float(n),
            )
            for n, (hex_, q) in enumerate(zip(hexes, qualities, strict=True))
        )
        index_capture(capture.pk)
        return capture

    return store
