"""Capturing footage end to end: stored as evidence, hashed, matched against the bank, a draft
takedown opened on a match; false matches; bad files. Every file is made by the test."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from drachma.evidence.models import EvidenceItem, StoredFile
from drachma.takedown import services
from drachma.takedown.index import hash_media
from drachma.takedown.models import (
    Capture,
    ContentItem,
    ContentMatch,
    MatchBank,
    MediaHash,
    TakedownRequest,
)
from tests.conftest import sign_in
from tests.takedown import media_factory as mf


def upload(
    data: bytes, name: str = "capture.png", content_type: str = "image/png"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def png(img: Image.Image) -> SimpleUploadedFile:
    return upload(mf.encode(img, "PNG"), "capture.png")


def jpeg(img: Image.Image, quality: int = 70) -> SimpleUploadedFile:
    return upload(mf.encode(img, "JPEG", quality=quality), "copy.jpg", "image/jpeg")


def video_upload(tmp_path, name: str, **options) -> SimpleUploadedFile:
    path = mf.video(tmp_path / name, **options)
    return upload(path.read_bytes(), name, "video/mp4")


@pytest.fixture
def known(make_item, investigator):
    """An image already captured: footage of a confrontation, with a takedown that succeeded."""
    item = make_item(platform="facebook", file=png(mf.photo(1)))
    request = services.open_request(item, user=investigator)
    request = services.transition_request(
        request, "ask_group", user=investigator, note="Please remove it."
    )
    services.transition_request(request, "group_removed", user=investigator)
    return item


# --- images ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_capture_is_kept_as_evidence_and_hashed(known):
    capture = known.captures.get()
    exhibit = capture.evidence
    assert exhibit.received_via == "takedown capture" and exhibit.kind == "image"
    assert exhibit.custody_events.get().sha256_verified == capture.sha256 == exhibit.sha256
    pdq = capture.hashes.get()
    assert pdq.kind == "pdq" and len(pdq.hash) == 64 and pdq.quality >= 50


@pytest.mark.django_db
def test_a_reencoded_resized_cropped_copy_matches_and_opens_a_draft(known, make_item, investigator):
    copy = make_item(platform="tiktok", url="https://www.tiktok.com/@x/video/9")
    result = services.capture(
        copy, user=investigator, file=jpeg(mf.altered_copy(mf.photo(1)), quality=60)
    )
    assert [m.matched_item for m in result.matches] == [known]
    match = result.matches[0]
    assert match.kind == "image" and 0 < match.distance <= 31 and match.transform == ""
    draft = result.draft
    assert (
        draft.state == "draft" and draft.content_item == copy and draft.opened_from_match == match
    )
    assert draft.events.get().note.startswith(f"Opened for review: looks like {known.reference}")


@pytest.mark.django_db
def test_an_unrelated_image_does_not_match(known, make_item, investigator):
    other = make_item()
    result = services.capture(other, user=investigator, file=png(mf.photo(2)))
    assert result.matches == [] and result.draft is None
    assert not TakedownRequest.objects.filter(content_item=other).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "turn,name",
    [(Image.Transpose.ROTATE_90, "rotated"), (Image.Transpose.FLIP_LEFT_RIGHT, "mirrored")],
)
def test_rotated_and_mirrored_copies_match(turn, name, known, make_item, investigator):
    copy = make_item()
    result = services.capture(copy, user=investigator, file=jpeg(mf.photo(1).transpose(turn)))
    assert [m.matched_item for m in result.matches] == [known]
    assert result.matches[0].transform.startswith(name)


@pytest.mark.django_db
def test_identical_bytes_match_exactly(make_item, investigator):
    data = mf.encode(mf.photo(3), "PNG")
    first = make_item(file=upload(data))
    result = services.capture(make_item(), user=investigator, file=upload(data))
    assert [(m.matched_item, m.kind, m.distance) for m in result.matches] == [(first, "exact", 0)]
    # The bytes are stored once; each capture is its own exhibit.
    assert StoredFile.objects.count() == 1 and EvidenceItem.objects.count() == 2


@pytest.mark.django_db
def test_the_page_shows_the_match_and_the_earlier_takedown_history(
    known, make_item, investigator, client
):
    copy = make_item()
    services.capture(copy, user=investigator, file=jpeg(mf.altered_copy(mf.photo(1))))
    sign_in(client, investigator)
    page = client.get(reverse("takedown:detail", args=[copy.reference])).text
    assert known.reference in page and "Earlier takedown history" in page
    assert "Please remove it." in page and "Removed by the group (removed" in page
    assert "Draft (to review)" in page
    earlier = client.get(reverse("takedown:detail", args=[known.reference])).text
    assert "Later copies of this footage" in earlier and copy.reference in earlier


@pytest.mark.django_db
def test_no_second_draft_when_the_item_already_has_a_request(known, make_item, investigator):
    copy = make_item()
    services.open_request(copy, user=investigator)
    result = services.capture(copy, user=investigator, file=jpeg(mf.altered_copy(mf.photo(1))))
    assert result.matches and result.draft is None
    assert TakedownRequest.objects.filter(content_item=copy).count() == 1


@pytest.mark.django_db
def test_a_false_match_stops_matching(
    known, make_item, investigator, django_capture_on_commit_callbacks
):
    probe = hash_media_of(mf.altered_copy(mf.photo(1)))
    assert [m.reference for m in services.match(probe)] == [known.reference]
    with django_capture_on_commit_callbacks(execute=True):
        ids = services.mark_false_match(
            capture=known.captures.get(), user=investigator, reason="A stock picture."
        )
    assert MediaHash.objects.get(pk=ids[0]).false_match_by == investigator
    assert services.match(probe) == []
    result = services.capture(
        make_item(), user=investigator, file=jpeg(mf.altered_copy(mf.photo(1)))
    )
    assert result.matches == [] and result.draft is None
    with pytest.raises(ValidationError, match="Already marked"):
        services.mark_false_match(capture=known.captures.get(), user=investigator, reason="Again.")
    with pytest.raises(ValidationError) as exc:
        services.mark_false_match(capture=known.captures.get(), user=investigator, reason=" ")
    assert "reason" in exc.value.message_dict


@pytest.mark.django_db
def test_the_bank_distance_is_the_rule(known, make_item, investigator):
    probe = hash_media_of(mf.altered_copy(mf.photo(1)))
    distance = services.match(probe)[0].distance
    MatchBank.objects.filter(pk=known.bank_id).update(match_distance=distance - 1)
    assert services.match(probe) == []
    MatchBank.objects.filter(pk=known.bank_id).update(match_distance=distance)
    assert [m.distance for m in services.match(probe)] == [distance]


@pytest.mark.django_db
def test_a_plain_image_is_kept_but_never_matches(make_item, investigator):
    first = make_item(file=png(mf.flat()))
    hashed = first.captures.get().hashes.get()
    assert hashed.quality < 50
    result = services.capture(make_item(), user=investigator, file=jpeg(mf.flat()))
    assert all(m.kind == "exact" for m in result.matches) and not result.matchable


def hash_media_of(img: Image.Image, tmp=None):
    import tempfile
    from pathlib import Path

    directory = Path(tempfile.mkdtemp())
    path = mf.save(img, directory / "probe.jpg", "JPEG", quality=70)
    return hash_media(path)


# --- the index in step with the database --------------------------------------------------------


@pytest.mark.django_db
def test_a_stored_capture_is_matchable_at_once(make_item, investigator):
    from drachma.takedown.models import MatchableHash

    assert services.match(hash_media_of(mf.photo(5))) == []
    item = make_item(file=png(mf.photo(5)))
    # Indexed in the capture's own transaction: nothing waits for a commit hook.
    assert MatchableHash.objects.filter(media_hash__capture__content_item=item).count() == 1
    assert [m.reference for m in services.match(hash_media_of(mf.altered_copy(mf.photo(5))))] == [
        item.reference
    ]


@pytest.mark.django_db
def test_rows_written_by_another_process_are_caught_up(make_item, investigator):
    services.match(hash_media_of(mf.photo(9)))
    # The test's transaction never commits, as for a capture made by the worker process:
    # the next search reads the bank from the database.
    item = make_item(file=png(mf.photo(6)))
    assert [m.reference for m in services.match(hash_media_of(mf.altered_copy(mf.photo(6))))] == [
        item.reference
    ]


# --- videos --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reencoded_resized_cropped_video_matches(
    make_item, investigator, tmp_path, django_capture_on_commit_callbacks
):
    # The re-upload is cut by 1% at each edge, halved, and re-encoded with another codec at a
    # low bit rate; the unrelated video is another scene made the same way.
    options = {
        "original": {"seed": 1},
        "reupload": {"seed": 1, "crop": 0.01, "scale": 0.5, "codec": "mpeg4", "bit_rate": 300_000},
        "unrelated": {"seed": 7},
    }

    def sample(name):
        return video_upload(tmp_path, f"{name}.mp4", size=(480, 360), **options[name])

    original = make_item(platform="youtube", file=sample("original"))
    frames = original.captures.get().hashes.all()
    assert original.captures.get().media_kind == "video" and frames.count() >= 5
    assert {h.kind for h in frames} == {"vpdq_frame"}

    copy = make_item(platform="tiktok")
    result = services.capture(copy, user=investigator, file=sample("reupload"))
    assert [m.matched_item for m in result.matches] == [original]
    assert result.matches[0].kind == "video" and result.matches[0].frame_share >= 0.8
    assert result.draft is not None

    other = services.capture(make_item(), user=investigator, file=sample("unrelated"))
    assert other.matches == []

    # Marked as a false match, the original's frames stop matching, in the index too.
    probe = hash_media(mf.video(tmp_path / "probe.mp4", size=(480, 360), **options["reupload"]))
    assert {m.reference for m in services.match(probe)} == {original.reference, copy.reference}
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_false_match(
            capture=original.captures.get(), user=investigator, reason="A test card."
        )
    assert [m.reference for m in services.match(probe)] == [copy.reference]
    assert not original.captures.get().hashes.filter(matchable__isnull=False).exists()


# --- bad input -----------------------------------------------------------------------------------


def _nothing_saved():
    assert ContentItem.objects.count() == 0
    assert (
        Capture.objects.count() == 0
        and EvidenceItem.objects.count() == 0
        and StoredFile.objects.count() == 0
    )


def _truncated_video(tmp_path) -> bytes:
    data = mf.video(tmp_path / "whole.mp4", seed=3, seconds=2).read_bytes()
    return data[: len(data) // 3]


BAD_FILES = {
    "truncated image": lambda tmp: upload(mf.encode(mf.photo(4), "PNG")[:3000]),
    "corrupt image": lambda tmp: upload(b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 200),
    "a PDF": lambda tmp: upload(
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "doc.pdf", "application/pdf"
    ),
    "text": lambda tmp: upload(b"just some words\n" * 10, "notes.txt", "text/plain"),
    "empty": lambda tmp: upload(b"", "empty.png"),
    "truncated video": lambda tmp: upload(_truncated_video(tmp), "cut.mp4", "video/mp4"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_files_are_refused_and_nothing_is_saved(kind, investigator, tmp_path, settings):
    with pytest.raises(ValidationError) as exc:
        services.create_content_item(
            user=investigator,
            url="https://video.example/v",
            platform="youtube",
            file=BAD_FILES[kind](tmp_path),
        )
    assert "file" in exc.value.message_dict and exc.value.message_dict["file"][0]
    _nothing_saved()
    root = settings.DRACHMA_EVIDENCE_ROOT
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


@pytest.mark.django_db
def test_an_oversize_file_is_refused(investigator, settings, make_item):
    settings.DRACHMA_TAKEDOWN_MAX_CAPTURE_BYTES = 10_000
    data = mf.encode(mf.photo(4), "PNG")
    assert len(data) > 10_000
    with pytest.raises(ValidationError, match="limit"):
        services.create_content_item(
            user=investigator, url="https://video.example/v", platform="youtube", file=upload(data)
        )
    _nothing_saved()
    item = make_item()
    # A stream without a declared size is refused as it passes the limit.
    with pytest.raises(ValidationError, match="limit"):
        services.capture(item, user=investigator, file=io.BytesIO(data), filename="big.png")
    assert Capture.objects.count() == 0 and EvidenceItem.objects.count() == 0


@pytest.mark.django_db
def test_a_bad_file_on_the_page_says_why(client, investigator, make_item):
    item = make_item()
    sign_in(client, investigator)
    response = client.post(
        reverse("takedown:capture", args=[item.reference]),
        {"file": upload(b"%PDF-1.4\n%%EOF\n", "doc.pdf")},
        follow=True,
    )
    assert "unsupported" in response.text.lower() or "cannot" in response.text.lower()
    assert Capture.objects.count() == 0


# --- doors: the page, the API, the command ------------------------------------------------------


@pytest.mark.django_db
def test_record_footage_with_its_file_on_the_page(client, investigator, known):
    sign_in(client, investigator)
    response = client.post(
        reverse("takedown:create"),
        {
            "url": "https://www.instagram.com/p/abc/",
            "platform": "instagram",
            "first_seen_at": "2026-01-05T10:00",
            "file": jpeg(mf.altered_copy(mf.photo(1))),
        },
        follow=True,
    )
    item = ContentItem.objects.exclude(pk=known.pk).get()
    assert item.captures.count() == 1
    assert "matches earlier footage" in response.text and known.reference in response.text


@pytest.mark.django_db
def test_api_capture_and_match(client, investigator, known, make_item):
    sign_in(client, investigator)
    item = make_item()
    response = client.post(
        f"/api/takedown/items/{item.reference}/captures",
        {"file": jpeg(mf.altered_copy(mf.photo(1)))},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["matches"][0]["matched_item"] == known.reference and body["draft_request"]
    assert body["capture"]["hashes"][0]["kind"] == "pdq"

    looked_up = client.post(
        "/api/takedown/match", {"file": jpeg(mf.photo(1).transpose(Image.Transpose.ROTATE_180))}
    )
    assert looked_up.status_code == 200
    assert {m["content_item"] for m in looked_up.json()} == {known.reference, item.reference}
    assert Capture.objects.count() == 2  # the look-up kept nothing

    bad = client.post(
        f"/api/takedown/items/{item.reference}/captures", {"file": upload(b"not an image", "x.png")}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "file"
    assert Capture.objects.count() == 2

    match_id = body["matches"][0]["id"]
    reviewed = client.post(
        f"/api/takedown/matches/{match_id}/review",
        {"review": "confirmed"},
        content_type="application/json",
    )
    assert reviewed.status_code == 200 and reviewed.json()["review"] == "confirmed"
    marked = client.post(
        f"/api/takedown/captures/{known.captures.get().pk}/false-match",
        {"reason": "Stock image"},
        content_type="application/json",
    )
    assert marked.status_code == 200 and marked.json()[0]["false_match"] is True


@pytest.mark.django_db
def test_match_media_command(known, tmp_path, capsys):
    path = mf.save(mf.altered_copy(mf.photo(1)), tmp_path / "copy.jpg", "JPEG", quality=60)
    call_command("match_media", str(path))
    out = json.loads(capsys.readouterr().out)
    assert out["media_kind"] == "image" and out["matchable"]
    assert [m["content_item"] for m in out["matches"]] == [known.reference]
    assert 0 < out["matches"][0]["distance"] <= 31

    unrelated = mf.save(mf.photo(2), tmp_path / "other.png")
    call_command("match_media", str(unrelated))
    assert json.loads(capsys.readouterr().out)["matches"] == []

    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\nbroken")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="broken.png"):
        call_command("match_media", str(broken))


@pytest.mark.django_db
def test_false_match_and_review_on_the_page(client, investigator, known, make_item):
    copy = make_item()
    result = services.capture(copy, user=investigator, file=jpeg(mf.altered_copy(mf.photo(1))))
    sign_in(client, investigator)
    page = client.post(
        reverse("takedown:match_review", args=[result.matches[0].pk]),
        {"review": "confirmed", "note": "Same doorstep"},
        follow=True,
    )
    assert "A copy" in page.text or "Confirmed" in page.text
    assert ContentMatch.objects.get(pk=result.matches[0].pk).reviewed_by == investigator
    empty = client.post(
        reverse("takedown:false_match", args=[known.captures.get().pk]), {"reason": ""}, follow=True
    )
    assert "Reason" in empty.text
    assert not MediaHash.objects.filter(false_match=True).exists()
    done = client.post(
        reverse("takedown:false_match", args=[known.captures.get().pk]),
        {"reason": "A picture used by many pages"},
        follow=True,
    )
    # The mark is a tag beside the reason (it read "false match: <reason>").
    assert "False match</strong> A picture used by many pages" in done.text
    assert (
        client.post(reverse("takedown:false_match", args=[99999]), {"reason": "x"}).status_code
        == 404
    )


@pytest.mark.django_db
def test_look_a_file_up_on_the_page(client, investigator, known):
    sign_in(client, investigator)
    found = client.post(reverse("takedown:match"), {"file": jpeg(mf.altered_copy(mf.photo(1)))})
    assert known.reference in found.text and "bits" in found.text
    bad = client.post(reverse("takedown:match"), {"file": upload(b"%PDF-1.4\n%%EOF\n", "a.pdf")})
    assert bad.status_code == 200 and "govuk-error-message" in bad.text  # GOV.UK's error
    assert Capture.objects.count() == 1


@pytest.mark.django_db
def test_reviewing_a_match(known, make_item, investigator):
    result = services.capture(
        make_item(), user=investigator, file=jpeg(mf.altered_copy(mf.photo(1)))
    )
    match = services.review_match(
        result.matches[0], user=investigator, review="not_a_copy", note="Different scene"
    )
    assert ContentMatch.objects.get(pk=match.pk).review == "not_a_copy"
    with pytest.raises(ValidationError):
        services.review_match(match, user=investigator, review="maybe")
