"""The bank in the database: what a commit makes matchable (or not) is so for every connection
at once; each hit is held to its own bank's rule; faults leave nothing half-written."""

import importlib
import threading

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection, transaction

from drachma.takedown import chunkindex, services
from drachma.takedown.hashing import FrameHash
from drachma.takedown.index import HashedMedia, match_media
from drachma.takedown.models import (
    Capture,
    ContentItem,
    HashKind,
    MatchableHash,
    MatchBank,
    MediaHash,
)
from tests.takedown import media_factory as mf
from tests.takedown.test_capture import hash_media_of


def png(seed: int) -> SimpleUploadedFile:
    return SimpleUploadedFile("c.png", mf.encode(mf.photo(seed), "PNG"), content_type="image/png")


def found(seed: int) -> list[str]:
    return [m.reference for m in services.match(hash_media_of(mf.altered_copy(mf.photo(seed))))]


def _hash_of(item) -> MediaHash:
    return MediaHash.objects.get(capture__content_item=item)


def in_another_connection(work, *, before_commit):
    """Run ``work`` in a thread (its own database connection) inside a transaction; call
    ``before_commit`` from this thread while that transaction is still open, then let it
    commit. Returns what ``work`` returned."""
    ready, go, out = threading.Event(), threading.Event(), {}

    def run():
        try:
            with transaction.atomic():
                out["result"] = work()
                ready.set()
                go.wait(timeout=30)
        except Exception as exc:  # handed to the test's thread
            out["error"] = exc
        finally:
            ready.set()
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    ready.wait(timeout=60)
    try:
        if "error" not in out:
            before_commit()
    finally:
        go.set()
        thread.join(timeout=60)
    if "error" in out:
        raise out["error"]
    return out["result"]


# SQLite's test database is shared in memory: another connection cannot read a table that an
# open transaction has written to (it is locked). PostgreSQL shows it the committed state.
SEES_COMMITTED_STATE_DURING_A_WRITE = {"postgresql"}


@pytest.mark.django_db(transaction=True)
def test_a_capture_is_matchable_everywhere_as_soon_as_it_commits(make_item):
    def not_yet():
        if connection.vendor in SEES_COMMITTED_STATE_DURING_A_WRITE:
            assert found(3) == []  # not committed: no other connection sees it

    item = in_another_connection(lambda: make_item(file=png(3)), before_commit=not_yet)
    assert found(3) == [item.reference]  # committed: this connection matches it at once


@pytest.mark.django_db(transaction=True)
def test_a_false_match_stops_matching_everywhere_as_soon_as_it_commits(make_item, investigator):
    item = make_item(file=png(3))
    assert found(3) == [item.reference]

    def still_matching():
        if connection.vendor in SEES_COMMITTED_STATE_DURING_A_WRITE:
            assert found(3) == [item.reference]

    def mark():
        return services.mark_false_match(
            capture=item.captures.get(), user=investigator, reason="A test card."
        )

    in_another_connection(mark, before_commit=still_matching)
    assert found(3) == []
    assert not MatchableHash.objects.filter(media_hash__capture__content_item=item).exists()


@pytest.mark.django_db
def test_a_stale_entry_never_produces_a_match(make_item):
    first = make_item(file=png(1))
    assert found(1) == [first.reference]
    # Marked false without the service (the index row stays): every hit is read back first.
    MediaHash.objects.filter(capture__content_item=first).update(
        false_match=True, false_match_reason="x"
    )
    assert MatchableHash.objects.filter(media_hash__capture__content_item=first).exists()
    assert found(1) == []


@pytest.mark.django_db
def test_disposing_of_footage_at_review_keeps_the_exhibit(make_item, investigator, supervisor):
    from drachma.evidence.models import EvidenceItem
    from drachma.retention.services import review_record
    from drachma.takedown.models import TakedownRequest

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
    assert MatchableHash.objects.count() == 1  # its index row went with it


@pytest.mark.django_db
def test_a_deleted_video_takes_its_frames_out_of_the_index(store_hashes):
    frames = _frames(np.random.default_rng(1), 10)
    capture = store_hashes(frames, kind=HashKind.VPDQ_FRAME)
    indexed = MatchableHash.objects.filter(media_hash__kind=HashKind.VPDQ_FRAME)
    assert indexed.count() == 10
    assert [m.capture_id for m in match_media(_video(frames))] == [capture.pk]
    Capture.objects.filter(pk=capture.pk).delete()
    assert indexed.count() == 0 and match_media(_video(frames)) == []


# --- each hit held to its own bank's rule ------------------------------------------------------


def _frames(rng, n: int) -> list[str]:
    return [row.tobytes().hex() for row in rng.integers(0, 256, size=(n, 32), dtype=np.uint8)]


def _near(hex_: str, bits: int, seed: int = 0) -> str:
    code = np.unpackbits(np.frombuffer(bytes.fromhex(hex_), dtype=np.uint8))
    code[np.random.default_rng(seed).choice(256, size=bits, replace=False)] ^= 1
    return np.packbits(code).tobytes().hex()


def _video(frame_hexes: list[str], quality: int = 90) -> HashedMedia:
    frames = [
        FrameHash(frame=n, timestamp=float(n), pdq=h, quality=quality)
        for n, h in enumerate(frame_hexes)
    ]
    return HashedMedia(path=None, sha256="0" * 64, kind="video", size=1, frames=frames)


def _image(hex_: str) -> HashedMedia:
    from drachma.takedown.hashing import ImageHash

    return HashedMedia(
        path=None,
        sha256="0" * 64,
        kind="image",
        size=1,
        image_hashes=[ImageHash(pdq=hex_, quality=90)],
    )


@pytest.mark.django_db
def test_a_video_matches_when_its_share_of_frames_does(store_hashes, make_item):
    known = _frames(np.random.default_rng(2), 10)
    capture = store_hashes(known, kind=HashKind.VPDQ_FRAME)
    unrelated = _frames(np.random.default_rng(3), 3)
    # 8 of 10 query frames within 31 bits of some frame of the known video: 80%, the default.
    query = [_near(h, 20, seed=n) for n, h in enumerate(known[:8])] + unrelated[:2]
    [hit] = match_media(_video(query))
    assert (hit.capture_id, hit.kind, hit.frame_share) == (capture.pk, "video", 0.8)
    # 7 of 10: below the share.
    assert match_media(_video(query[:7] + unrelated)) == []
    # The bank's own share decides.
    MatchBank.objects.filter(pk=capture.content_item.bank_id).update(video_match_share=0.7)
    [hit] = match_media(_video(query[:7] + unrelated))
    assert hit.frame_share == 0.7
    # Frames of quality below 50 in the query are not counted either way.
    low = _video(query[:7] + unrelated)
    low.frames += [
        FrameHash(frame=99, timestamp=99.0, pdq=h, quality=40)
        for h in _frames(np.random.default_rng(4), 5)
    ]
    assert match_media(low)[0].frame_share == 0.7


@pytest.mark.django_db
def test_a_repeated_frame_counts_once(store_hashes):
    known = _frames(np.random.default_rng(5), 10)
    store_hashes(known, kind=HashKind.VPDQ_FRAME)
    still = _near(known[0], 5)
    others = _frames(np.random.default_rng(6), 2)
    # 11 of 13 frames match, but only 2 of 4 distinct hashes do: a still scene is not a match.
    query = [still] * 10 + [_near(known[1], 5)] + others
    assert match_media(_video(query)) == []


@pytest.mark.django_db
def test_a_frame_counts_within_its_own_banks_distance(store_hashes, make_item):
    strict = MatchBank.objects.create(name="Strict", match_distance=10)
    known = _frames(np.random.default_rng(7), 5)
    lenient_capture = store_hashes(known, kind=HashKind.VPDQ_FRAME)
    strict_capture = store_hashes(known, kind=HashKind.VPDQ_FRAME, item=make_item(bank=strict))
    query = [_near(h, 20, seed=n) for n, h in enumerate(known)]
    assert [m.capture_id for m in match_media(_video(query))] == [lenient_capture.pk]
    query = [_near(h, 8, seed=n) for n, h in enumerate(known)]
    assert {m.capture_id for m in match_media(_video(query))} == {
        lenient_capture.pk,
        strict_capture.pk,
    }


@pytest.mark.django_db
def test_banks_with_different_distances_in_one_search(store_hashes, make_item):
    strict = MatchBank.objects.create(name="Strict", match_distance=10)
    [code] = _frames(np.random.default_rng(8), 1)
    lenient = store_hashes([code])
    held = store_hashes([code], item=make_item(bank=strict))
    assert [(m.capture_id, m.distance) for m in match_media(_image(_near(code, 20)))] == [
        (lenient.pk, 20)
    ]
    assert [(m.capture_id, m.distance) for m in match_media(_image(_near(code, 10)))] == [
        (lenient.pk, 10),
        (held.pk, 10),
    ]
    # A bank wider than HMA's 31 bits is searched that far.
    MatchBank.objects.filter(pk=strict.pk).update(match_distance=40)
    assert [(m.capture_id, m.distance) for m in match_media(_image(_near(code, 36)))] == [
        (held.pk, 36)
    ]


@pytest.mark.django_db
def test_a_video_frame_marked_false_no_longer_counts(store_hashes, investigator):
    known = _frames(np.random.default_rng(9), 5)
    capture = store_hashes(known, kind=HashKind.VPDQ_FRAME)
    query = [_near(h, 5, seed=n) for n, h in enumerate(known)]
    assert match_media(_video(query))[0].frame_share == 1.0
    services.mark_false_match(
        media_hash=capture.hashes.get(hash=known[0]), user=investigator, reason="A logo."
    )
    assert match_media(_video(query))[0].frame_share == 0.8
    assert MatchableHash.objects.filter(media_hash__capture=capture).count() == 4


# --- faults ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_capture_whose_hashes_cannot_be_indexed_leaves_nothing(make_item, monkeypatch):
    item = make_item()

    def database_gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(MatchableHash.objects, "bulk_create", database_gone)
    with pytest.raises(OperationalError):
        services.capture(item, user=None, file=png(3))
    assert not Capture.objects.exists() and not MediaHash.objects.exists()
    assert not MatchableHash.objects.exists()


@pytest.mark.django_db
def test_a_search_that_cannot_reach_the_database_fails_rather_than_finds_nothing(
    make_item, monkeypatch
):
    make_item(file=png(3))

    def database_gone(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(chunkindex, "_pairs_sql", database_gone)
    monkeypatch.setattr(chunkindex, "_pairs_python", database_gone)
    with pytest.raises(OperationalError):
        found(3)


@pytest.mark.django_db
def test_the_migration_indexes_the_hashes_already_stored(store_hashes):
    """A database with hashes from before the index gets them indexed by the migration."""
    from django.apps import apps

    migration = importlib.import_module("drachma.takedown.migrations.0007_matchable_hash")
    rng = np.random.default_rng(10)
    images = _frames(rng, 7)
    store_hashes(images, quality=[90, 90, 90, 90, 90, 30, 30])
    video = store_hashes(_frames(rng, 4), kind=HashKind.VPDQ_FRAME)
    marked = video.hashes.first().pk
    MediaHash.objects.filter(pk=marked).update(false_match=True, false_match_reason="x")
    expected = set(
        MatchableHash.objects.exclude(media_hash_id=marked).values_list(
            "media_hash_id", "code", "chunk_0", "chunk_15"
        )
    )
    MatchableHash.objects.all().delete()

    class SchemaEditor:
        connection = connection

    migration.index_existing_hashes(apps, SchemaEditor())
    indexed = set(MatchableHash.objects.values_list("media_hash_id", "code", "chunk_0", "chunk_15"))
    assert indexed == expected and len(indexed) == 1 + 5 + 3  # the seed image, 5 + 3 usable


@pytest.mark.django_db(transaction=True)
def test_a_search_whose_connection_is_cut_raises_djangos_error(make_item):
    """The SQL search goes to psycopg directly; a lost server is still Django's error."""
    from django.db import connections
    from django.db.utils import OperationalError as DjangoOperationalError

    item = make_item(file=png(3))
    code = _hash_of(item).hash
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        finally:
            other.close()
        with pytest.raises(DjangoOperationalError):
            chunkindex.search([code], kind=HashKind.PDQ, max_distance=31)
        connection.close()  # as Django does at the end of a request
    [[(pk, distance)]] = chunkindex.search([code], kind=HashKind.PDQ, max_distance=31)
    assert (pk, distance) == (_hash_of(item).pk, 0)
