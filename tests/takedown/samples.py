"""Sample records whose keys fill takedown URLs in the role-matrix test.

Made through the ORM (no hashing), so that the matrix does not depend on the hashers."""

import io

from drachma.evidence.services import receive_file
from drachma.takedown import services
from drachma.takedown.models import Capture, ContentMatch, HashKind, MediaHash


def _png(seed: str) -> bytes:
    """A small real picture (so that a capture's preview can be drawn), one per seed."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (ord(seed) % 256, 40, 90)).save(out, "PNG")
    return out.getvalue()


def _capture(item, sha: str) -> Capture:
    exhibit = receive_file(
        io.BytesIO(_png(sha)),
        original_filename="sample.png",
        received_from_type="officer",
        via="takedown capture",
        kind="image",
    )
    capture = Capture.objects.create(
        content_item=item, evidence=exhibit, sha256=exhibit.sha256, media_kind="image"
    )
    MediaHash.objects.create(capture=capture, kind=HashKind.PDQ, hash=sha * 64, quality=100)
    return capture


def build(world) -> dict:
    first = services.create_content_item(
        user=None, url="https://video.example/watch?v=sample1", platform="youtube"
    )
    second = services.create_content_item(
        user=None, url="https://video.example/watch?v=sample2", platform="tiktok"
    )
    earlier, later = _capture(first, "a"), _capture(second, "b")
    match = ContentMatch.objects.create(
        capture=later,
        content_item=second,
        matched_item=first,
        matched_capture=earlier,
        kind="image",
        distance=4,
    )
    request = services.open_request(first, user=None)
    # A draft opened from the match, so that the work queue shows a request.
    services.open_request(second, user=None, draft=True, match=match)
    # The incident sample (tests/incidents/samples.py) is built first, in app order.
    publication = services.record_publication(
        incident=world.incident,
        user=world.users["investigator"],
        url="https://video.example/sample",
        platform="youtube",
    )
    return {
        "publication_id": publication.pk,
        "item_ref": first.reference,
        "request_ref": request.reference,
        "request_action": "ask_group",
        "capture_id": later.pk,
        "match_id": match.pk,
        "bank_id": first.bank_id,
    }
