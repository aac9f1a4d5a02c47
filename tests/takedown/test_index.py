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
    MediaHash.objects.filter(capture__content_item=first).update(
        false_match=True, false_match_reason="x"
    )
    assert found(1) == []


@pytest.mark.django_db
def test_disposing_of_footage_at_review_keeps_the_exhibit(make_item, investigator, supervisor):
    from drachma.evidence.models import EvidenceItem
    from drachma.retention.services import review_record
    from drachma.takedown.models import ContentItem, TakedownRequest

    first = make_item(file=png(1))
    services.open_request(first, user=investigator)
    copy = make_item(
        file=SimpleUploadedFile(
            "c.jpg", mf.encode(mf.altered_copy(mf.photo(1)), "JPEG", quality=60)
        )
    )
    review_record(first, outcome="dispose", reason="No longer needed.", user=supervisor)
    assert not ContentItem.objects.filter(pk=first.pk).exists()
    assert TakedownRequest.objects.filter(content_item=copy).exists()  # the copy's draft stays
    assert EvidenceItem.objects.count() == 2
    assert found(1) == [copy.reference]  # the disposed capture no longer matches


# --- catching up with rows far out of order, and with deletions ---------------------------------


@pytest.fixture(autouse=True)
def _check_every_search(settings):
    settings.DRACHMA_TAKEDOWN_INDEX_CHECK_SECONDS = 0


@pytest.fixture
def builds(monkeypatch):
    """How many times the index was built from scratch."""
    from drachma.takedown.index import FootageIndex

    count = {"n": 0}
    original = FootageIndex._build

    def counted(self):
        count["n"] += 1
        original(self)

    monkeypatch.setattr(FootageIndex, "_build", counted)
    return count


@pytest.mark.django_db
def test_a_row_committed_behind_the_lookback_window_is_found_without_a_rebuild(make_item, builds):
    from drachma.takedown.index import LOOKBACK

    first = make_item(file=png(1))
    assert found(1) == [first.reference]
    base = _hash_of(first).pk
    later = make_item(file=png(3))
    MediaHash.objects.filter(pk=_hash_of(later).pk).update(id=base + 3 * LOOKBACK)
    assert found(3) == [later.reference]

    # A transaction that took a key long before, committed only now: behind the window.
    slow = make_item(file=png(5))
    slow_key = base + 1
    MediaHash.objects.filter(pk=_hash_of(slow).pk).update(id=slow_key)
    assert slow_key < footage_index._high_water - LOOKBACK
    assert found(5) == [slow.reference]
    assert slow_key in footage_index._pdq
    assert builds["n"] == 1  # caught up by comparing keys, not rebuilt
    assert footage_index._in_step()


@pytest.mark.django_db
def test_the_count_check_runs_at_most_once_in_its_interval(make_item, settings):
    import time

    from drachma.takedown.index import LOOKBACK

    first = make_item(file=png(1))
    base = _hash_of(first).pk
    MediaHash.objects.filter(pk=base).update(id=base + 3 * LOOKBACK)
    assert found(1) == [first.reference]
    settings.DRACHMA_TAKEDOWN_INDEX_CHECK_SECONDS = 60
    footage_index._checked_at = time.monotonic()
    slow = make_item(file=png(5))
    MediaHash.objects.filter(pk=_hash_of(slow).pk).update(id=base + 1)  # behind the window
    assert found(5) == []  # not checked yet
    footage_index._checked_at -= 61
    assert found(5) == [slow.reference]


@pytest.mark.django_db
def test_a_deleted_row_is_forgotten_by_the_index(make_item, builds):
    first = make_item(file=png(1))
    second = make_item(file=png(3))
    assert found(1) == [first.reference] and found(3) == [second.reference]
    gone = _hash_of(first).pk
    assert gone in footage_index._pdq
    # Another process disposed of the first footage (not the last row the index saw).
    MediaHash.objects.filter(pk=gone).delete()
    assert found(1) == []
    assert gone not in footage_index._pdq
    assert found(3) == [second.reference]
    assert builds["n"] == 1 and footage_index._in_step()


@pytest.mark.django_db
def test_a_deleted_video_is_dropped_from_the_index(make_item, tmp_path):
    from drachma.takedown.models import Capture
    from tests.takedown.test_capture import video_upload

    old = make_item(file=video_upload(tmp_path, "old.mp4", seed=1))
    newer = make_item(file=png(3))
    assert found(3) == [newer.reference]
    capture = old.captures.get().pk
    assert footage_index._videos[capture]
    Capture.objects.filter(pk=capture).delete()  # its frame rows go with it
    assert found(3) == [newer.reference]
    assert capture not in footage_index._videos and footage_index._in_step()


# --- built when a web process starts ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_warm_up_builds_the_index_from_the_database(make_item, builds):
    from drachma.takedown.index import warm_up

    first = make_item(file=png(1))
    footage_index.reset()
    builds["n"] = 0
    thread = warm_up()
    thread.join(timeout=60)
    assert footage_index.built and builds["n"] == 1
    assert _hash_of(first).pk in footage_index._pdq
    assert found(1) == [first.reference]
    assert builds["n"] == 1  # the search used the index built at start
    assert warm_up() is None  # already built


@pytest.mark.django_db(transaction=True)
def test_a_search_during_the_warm_up_waits_for_it(make_item, monkeypatch):
    import threading
    import time

    from drachma.takedown.index import FootageIndex, warm_up

    first = make_item(file=png(1))
    footage_index.reset()
    release, calls = threading.Event(), []
    original = FootageIndex._build

    def slow_build(self):
        calls.append(threading.current_thread().name)
        release.wait(timeout=30)
        original(self)

    monkeypatch.setattr(FootageIndex, "_build", slow_build)
    thread = warm_up()
    assert not footage_index.built
    threading.Timer(0.3, release.set).start()
    started = time.monotonic()
    assert found(1) == [first.reference]  # waited for the build, then found the footage
    assert time.monotonic() - started >= 0.25
    assert calls == ["footage-index-warm-up"]  # the search did not build a second index
    thread.join(timeout=30)


@pytest.mark.django_db
def test_warm_up_can_be_turned_off(settings):
    from drachma.takedown.index import warm_up

    settings.DRACHMA_TAKEDOWN_WARM_INDEX = False
    assert warm_up() is None and not footage_index.built


def test_loading_the_wsgi_application_warms_the_index(monkeypatch):
    """runserver and WSGI servers load drachma.wsgi (WSGI_APPLICATION); commands and tests do
    not."""
    import importlib
    import sys

    from drachma.takedown import index

    calls = []
    monkeypatch.setattr(index, "warm_up", lambda: calls.append("warm"))
    monkeypatch.delitem(sys.modules, "drachma.wsgi", raising=False)
    importlib.import_module("drachma.wsgi")
    assert calls == ["warm"]
    monkeypatch.delitem(sys.modules, "drachma.wsgi")


@pytest.mark.django_db(transaction=True)
def test_a_process_forked_during_the_warm_up_builds_its_own(make_item, monkeypatch):
    """gunicorn --preload forks workers while the warm-up thread may hold the lock; that thread
    does not exist in a worker, which must not wait for it forever."""
    import threading

    from drachma.takedown.index import FootageIndex, warm_up

    first = make_item(file=png(1))
    footage_index.reset()
    release, calls = threading.Event(), []
    original = FootageIndex._build

    def first_build_hangs(self):
        calls.append(1)
        if len(calls) == 1:
            release.wait(timeout=30)
        original(self)

    monkeypatch.setattr(FootageIndex, "_build", first_build_hangs)
    stuck = warm_up()
    footage_index._after_fork()  # what os.register_at_fork runs in the child
    assert found(1) == [first.reference]  # built by the child's own warm-up, not blocked
    assert len(calls) == 2
    release.set()
    stuck.join(timeout=30)
