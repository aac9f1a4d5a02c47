"""Match review: thumbnails and a side-by-side comparison, blurred and grey unless the reviewer
asks (a deliberate click, recorded), with the distance and frames matched; "false match" is
offered only where there is a match."""

import io
from types import SimpleNamespace

import pytest
from django.urls import reverse
from PIL import Image

from drachma.audit.models import AuditEntry
from drachma.evidence.store import get_store
from drachma.takedown.models import Capture, ContentMatch
from tests.incidents import samples as incident_samples
from tests.takedown import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):
    world = SimpleNamespace(
        users={"investigator": make_user("investigator"), "analyst": make_user("analyst")}
    )
    world.keys = {**incident_samples.build(world), **samples.build(world)}
    world.match = ContentMatch.objects.get(pk=world.keys["match_id"])
    return world


def _views(**lookup) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="view", **lookup).order_by("seq"))


def test_the_comparison_shows_both_captures_blurred_with_the_distance(world, client_as):
    client = client_as("investigator")
    match = world.match
    html = client.get(reverse("takedown:match_compare", args=[match.pk])).content.decode()
    assert "4 bits of 256 differ" in html
    for capture in (match.capture, match.matched_capture):
        assert f'src="{reverse("takedown:capture_image", args=[capture.pk])}"' in html
    assert "?full=1" in html and "Show the images in full" in html
    assert "blurred and in grey" in html
    (entry,) = _views(model="takedown.contentmatch")
    assert entry.changes["fields"] == ["blurred previews"]


def test_a_preview_is_small_grey_and_blurred_and_the_full_image_only_on_request(world, client_as):
    client = client_as("investigator")
    capture = world.match.capture
    url = reverse("takedown:capture_image", args=[capture.pk])
    preview = client.get(url)
    assert preview["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(preview.content)).mode == "L"  # greyscale
    original = client.get(url + "?full=1")
    with get_store().open(capture.sha256) as f:
        assert original.content == f.read()
    assert original.content != preview.content
    fields = [e.changes["fields"] for e in _views(model="takedown.capture")]
    assert fields == [["blurred preview"], ["image in full"]]


def test_showing_in_full_is_a_deliberate_click_recorded_as_a_view(world, client_as):
    client = client_as("investigator")
    url = reverse("takedown:match_compare", args=[world.match.pk])
    html = client.get(url + "?full=1").content.decode()
    assert "?full=1" in html.split("Blur the images again")[0]  # the pictures in full
    assert "Blur the images again" in html
    assert _views(model="takedown.contentmatch")[-1].changes["fields"] == ["images in full"]


def test_a_video_match_shows_the_frames_matched(world, client_as):
    match = world.match
    ContentMatch.objects.filter(pk=match.pk).update(kind="video", frame_share=0.8, distance=None)
    Capture.objects.filter(pk=match.capture_id).update(media_kind="video")
    html = client_as("investigator").get(reverse("takedown:match_compare", args=[match.pk]))
    text = html.content.decode()
    assert "80% of frames of the 1 frame sampled" in text
    assert "no preview" in text


def test_false_match_is_offered_only_for_a_capture_with_a_match(world, client_as):
    client = client_as("investigator")
    match = world.match
    unmatched = samples._capture(match.matched_item, "c")
    html = client.get(reverse("takedown:detail", args=[match.matched_item.reference]))
    text = html.content.decode()
    assert f'data-false-match="{match.matched_capture_id}"' in text
    assert f'data-false-match="{unmatched.pk}"' not in text
    later = client.get(reverse("takedown:detail", args=[match.content_item.reference]))
    assert f'data-false-match="{match.capture_id}"' in later.content.decode()


def test_a_review_says_what_happened(world, client_as):
    client = client_as("investigator")
    match = world.match
    response = client.post(
        reverse("takedown:match_review", args=[match.pk]),
        {"review": "confirmed", "note": ""},
        follow=True,
    )
    text = response.content.decode()
    assert (
        f"{match.content_item.reference}: the match with {match.matched_item.reference} "
        "recorded as confirmed: a copy" in text
    )
