"""The demo data: footage in every takedown state, and re-uploads found by their hashes."""

import io

import pytest
from django.core.management import call_command

from drachma.takedown.models import ContentMatch, MediaHash, TakedownRequest, TakedownState


@pytest.mark.django_db
def test_demo_has_every_state_and_reuploads():
    call_command("seed_demo", stdout=io.StringIO())
    states = set(TakedownRequest.objects.values_list("state", flat=True))
    assert states == set(TakedownState.values)
    kinds = set(ContentMatch.objects.values_list("kind", flat=True))
    assert {"image", "video"} <= kinds
    assert ContentMatch.objects.count() >= 4
    # Real hashes: every picture and sampled frame has detail enough to be matched.
    assert not MediaHash.objects.filter(quality__lt=50).exists()
    assert (
        TakedownRequest.objects.filter(state="draft", opened_from_match__isnull=False).count() >= 3
    )
