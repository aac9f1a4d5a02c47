"""The footage index kept in step with the database without rebuilding, and rebuilt when the
database went back under it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from drachma.takedown import services
from drachma.takedown.index import footage_index
from drachma.takedown.models import MediaHash
from tests.takedown import media_factory as mf
from tests.takedown.test_capture import hash_media_of


def png(seed: int) -> SimpleUploadedFile:
    return SimpleUploadedFile("c.png", mf.encode(mf.photo(seed), "PNG"), content_type="image/png")


def found(seed: int) -> list[str]:
    return [m.reference for m in services.match(hash_media_of(mf.altered_copy(mf.photo(seed))))]


def _hash_of(item) -> MediaHash:
    return MediaHash.objects.get(capture__content_item=item)


@pytest.mark.django_db
def test_a_row_committed_out_of_order_is_caught_up(make_item):
    first = make_item(file=png(1))
    assert found(1) == [first.reference]  # built
    base = _hash_of(first).pk

    later = make_item(file=png(3))
    MediaHash.objects.filter(pk=_hash_of(later).pk).update(id=base + 1000)
    assert found(3) == [later.reference]  # caught up; the high-water mark is now base + 1000

    # Another process's transaction took a lower key but committed after: still found.
    slow = make_item(file=png(5))
    MediaHash.objects.filter(pk=_hash_of(slow).pk).update(id=base + 500)
    assert found(5) == [slow.reference]


@pytest.mark.django_db
def test_the_index_rebuilds_when_its_last_row_is_gone(make_item):
    first = make_item(file=png(1))
    assert found(1) == [first.reference]
    # As after a rollback: the row the index saw last is gone (SQLite then reuses its key).
    MediaHash.objects.filter(capture__content_item=first).delete()
    second = make_item(file=png(3))
    assert found(3) == [second.reference]
    assert found(1) == []
    assert footage_index.built


@pytest.mark.django_db
def test_a_stale_entry_never_produces_a_match(make_item):
    first = make_item(file=png(1))
    assert found(1) == [first.reference]
    # Marked false by another process: this index still holds the hash, the check drops it.
    MediaHash.objects.filter(capture__content_item=first).update(false_match=True, false_match_reason="x")
    assert found(1) == []


@pytest.mark.django_db
def test_disposing_of_footage_at_review_keeps_the_exhibit(make_item, investigator, supervisor):
    from drachma.evidence.models import EvidenceItem
    from drachma.retention.services import review_record
    from drachma.takedown.models import ContentItem, TakedownRequest

    first = make_item(file=png(1))
    services.open_request(first, user=investigator)
    copy = make_item(file=SimpleUploadedFile("c.jpg", mf.encode(mf.altered_copy(mf.photo(1)), "JPEG", quality=60)))
    review_record(first, outcome="dispose", reason="No longer needed.", user=supervisor)
    assert not ContentItem.objects.filter(pk=first.pk).exists()
    assert TakedownRequest.objects.filter(content_item=copy).exists()  # the copy's draft stays
    assert EvidenceItem.objects.count() == 2
    assert found(1) == [copy.reference]  # the disposed capture no longer matches
