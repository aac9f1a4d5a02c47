import threading

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drachma.takedown.hashing import (
    MIN_QUALITY,
    PDQ_MATCH_DISTANCE,
    FrameHash,
    hash_file,
    hash_image,
    hash_image_dihedral,
    hash_video,
)
from drachma.takedown.matcher import PDQIndex, VideoIndex, hamming, hex_to_bits
from tests.takedown import media_factory as mf


def random_codes(rng, n):
    return rng.integers(0, 256, size=(n, 32), dtype=np.uint8)


def to_hex(codes):
    return [row.tobytes().hex() for row in codes]


def flip(code, k, rng):
    """A copy of a 32-byte code with exactly k distinct bits flipped."""
    bits = np.unpackbits(code)
    bits[rng.choice(256, size=k, replace=False)] ^= 1
    return np.packbits(bits)


def brute_force(bank, ids, query, max_distance):
    distances = np.bitwise_count(np.bitwise_xor(bank, query)).sum(axis=1)
    hits = np.flatnonzero(distances <= max_distance)
    return sorted(((int(ids[i]), int(distances[i])) for i in hits), key=lambda p: (p[1], p[0]))


def test_hamming():
    a = "00" * 32
    assert hamming(a, a) == 0
    assert hamming(a, "ff" * 32) == 256
    assert hamming(a, "80" + "00" * 30 + "01") == 2


@pytest.mark.parametrize("bad", ["abc", "zz" * 32, "00" * 33, "", " " + "00" * 31 + " "])
def test_bad_hash_is_refused(bad):
    with pytest.raises(ValueError, match="PDQ hash"):
        hex_to_bits(bad)
    with pytest.raises(ValueError, match="PDQ hash"):
        PDQIndex().add([1], [bad])


@pytest.mark.parametrize("bucket_bits", [16, 9])
def test_exact_recall_against_brute_force(bucket_bits):
    rng = np.random.default_rng(42)
    bank = random_codes(rng, 20_000)
    ids = rng.choice(10**12, size=len(bank), replace=False).astype(np.int64)
    queries = []
    # Near copies of stored hashes at the edge of the threshold and just past it, and a
    # spread of smaller distances; then random hashes, which match nothing.
    for k in [31] * 40 + [32] * 40 + [30] * 20 + list(range(0, 30)) * 2:
        queries.append(flip(bank[rng.integers(len(bank))], k, rng))
    queries.extend(random_codes(rng, 100))
    queries = np.stack(queries)
    index = PDQIndex(bucket_bits)
    index.add(ids.tolist(), to_hex(bank))
    assert len(index) == len(bank)
    for max_distance in (0, 12, 31, 40):
        found = index.search_many(to_hex(queries), max_distance=max_distance)
        expected = [brute_force(bank, ids, q, max_distance) for q in queries]
        assert found == expected, max_distance
    at_31 = index.search_many(to_hex(queries[:40]))
    assert all(hits and hits[0][1] == 31 for hits in at_31)
    at_32 = index.search_many(to_hex(queries[40:80]))
    assert all(not hits for hits in at_32)


# One small index per bucket size, shared by the examples (an index with 16-bit buckets
# allocates its million empty lists once).
_PROPERTY_INDEXES: dict[int, tuple[PDQIndex, np.ndarray]] = {}


def _property_index(bucket_bits: int) -> tuple[PDQIndex, np.ndarray]:
    if bucket_bits not in _PROPERTY_INDEXES:
        bank = random_codes(np.random.default_rng(bucket_bits), 3000)
        index = PDQIndex(bucket_bits)
        index.add(range(len(bank)), to_hex(bank))
        _PROPERTY_INDEXES[bucket_bits] = (index, bank)
    return _PROPERTY_INDEXES[bucket_bits]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    bucket_bits=st.sampled_from([4, 11, 16]),
    source=st.integers(0, 2999),
    flips=st.integers(0, 70),
    max_distance=st.integers(0, 63),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_distance_any_bucket_size_is_exact(bucket_bits, source, flips, max_distance, seed):
    index, bank = _property_index(bucket_bits)
    rng = np.random.default_rng(seed)
    query = flip(bank[source], flips, rng)
    expected = brute_force(bank, np.arange(len(bank)), query, max_distance)
    assert index.search(query.tobytes().hex(), max_distance) == expected
    assert ((source, flips) in expected) == (flips <= max_distance)


def test_a_long_query_list_is_searched_in_slices(monkeypatch):
    from drachma.takedown import matcher

    monkeypatch.setattr(matcher, "SEARCH_SLICE", 7)
    rng = np.random.default_rng(17)
    bank = random_codes(rng, 500)
    index = PDQIndex()
    index.add(range(500), to_hex(bank))
    queries = [flip(bank[i], i % 40, rng) for i in range(0, 500, 10)]
    assert index.search_many(to_hex(queries)) == [
        brute_force(bank, np.arange(500), q, PDQ_MATCH_DISTANCE) for q in queries
    ]


def test_duplicates_in_the_bank_are_all_found():
    rng = np.random.default_rng(1)
    code = random_codes(rng, 1)[0]
    index = PDQIndex()
    index.add([5, 6, 7], to_hex([code, code, flip(code, 3, rng)]))
    assert index.search(code.tobytes().hex()) == [(5, 0), (6, 0), (7, 3)]


def test_insert_is_matchable_at_once_and_remove_hides_it():
    rng = np.random.default_rng(7)
    index = PDQIndex()
    index.add(range(5000), to_hex(random_codes(rng, 5000)))
    new = random_codes(rng, 1)[0]
    query = flip(new, 20, rng).tobytes().hex()
    assert index.search(query) == []
    index.add([10**15], [new.tobytes().hex()])
    assert index.search(query) == [(10**15, 20)]
    assert 10**15 in index and len(index) == 5001
    assert index.remove([10**15, 999_999_999]) == 1
    assert index.search(query) == []
    assert 10**15 not in index and len(index) == 5000


def test_adding_an_id_again_replaces_its_hash():
    rng = np.random.default_rng(8)
    first, second = random_codes(rng, 2)
    index = PDQIndex()
    index.add([1], [first.tobytes().hex()])
    index.add([1], [second.tobytes().hex()])
    assert len(index) == 1
    assert index.search(first.tobytes().hex()) == []
    assert index.search(second.tobytes().hex()) == [(1, 0)]


def test_many_removals_stay_exact():
    rng = np.random.default_rng(9)
    bank = random_codes(rng, 6000)
    index = PDQIndex()
    index.add(range(6000), to_hex(bank))
    assert index.remove(range(0, 6000, 2)) == 3000
    index.add([100_000], [bank[0].tobytes().hex()])
    keep = np.arange(1, 6000, 2)
    ids = np.concatenate([keep, [100_000]])
    codes = np.concatenate([bank[keep], bank[:1]])
    queries = [flip(bank[i], 25, rng) for i in range(0, 200)]
    found = index.search_many(to_hex(queries))
    assert found == [brute_force(codes, ids, q, PDQ_MATCH_DISTANCE) for q in queries]
    assert len(index) == 3001


def test_bucket_size_for_the_bank():
    assert PDQIndex().bucket_bits == PDQIndex.DEFAULT_BUCKET_BITS == 12
    assert PDQIndex.bucket_bits_for(10_000) == 12
    assert PDQIndex.bucket_bits_for(1_000_000) == 16
    assert PDQIndex.for_bank_size(1_000_000).bucket_bits == 16


def test_bad_calls_are_refused():
    index = PDQIndex()
    with pytest.raises(ValueError, match="2 ids for 1 hashes"):
        index.add([1, 2], ["00" * 32])
    with pytest.raises(ValueError, match="unique"):
        index.add([1, 1], ["00" * 32, "ff" * 32])
    with pytest.raises(ValueError, match="max_distance"):
        index.search("00" * 32, max_distance=-1)
    with pytest.raises(ValueError, match="max_distance must be between 0 and 63"):
        index.search("00" * 32, max_distance=64)
    with pytest.raises(ValueError, match="bucket_bits"):
        PDQIndex(bucket_bits=17)
    assert index.search("00" * 32) == []
    assert index.search_many([]) == []
    assert len(index) == 0


def test_concurrent_inserts_and_searches():
    rng = np.random.default_rng(10)
    bank = random_codes(rng, 4000)
    index = PDQIndex()
    index.add(range(2000), to_hex(bank[:2000]))
    errors = []

    def writer(start):
        try:
            for i in range(start, 4000, 4):
                index.add([i], [bank[i].tobytes().hex()])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def reader():
        try:
            for i in range(300):
                assert index.search(bank[i].tobytes().hex())[0] == (i, 0)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(2000 + k,)) for k in range(4)]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(index) == 4000
    assert all(index.search(bank[i].tobytes().hex())[0] == (i, 0) for i in range(2000, 4000, 97))


# --- images through the index ---------------------------------------------------------------


def test_image_copy_found_in_the_index_and_unrelated_not():
    originals = {seed: hash_image(mf.encode(mf.photo(seed))) for seed in range(6)}
    index = PDQIndex()
    index.add(list(originals), [h.pdq for h in originals.values()])
    copy = hash_image(mf.encode(mf.altered_copy(mf.photo(4)), "JPEG", quality=60))
    hits = index.search(copy.pdq)
    assert [id_ for id_, _ in hits] == [4]
    unrelated = hash_image(mf.encode(mf.photo(77)))
    assert index.search(unrelated.pdq) == []


def test_rotated_copy_found_through_its_dihedral_hashes():
    index = PDQIndex()
    index.add([1, 2], [hash_image(mf.encode(mf.photo(s))).pdq for s in (1, 2)])
    mirrored = mf.encode(mf.photo(2).rotate(90, expand=True).transpose(0), "JPEG", quality=70)
    assert index.search(hash_image(mirrored).pdq) == []
    variants = [h.pdq for h in hash_image_dihedral(mirrored)]
    hits = [hit for hits in index.search_many(variants) for hit in hits]
    assert {id_ for id_, _ in hits} == {2}
    best = index.search_best(variants)
    assert [id_ for id_, _ in best] == [2]
    assert best[0][1] == min(distance for _, distance in hits)


def test_search_best_keeps_the_least_distance_per_id():
    rng = np.random.default_rng(14)
    a, b = random_codes(rng, 2)
    index = PDQIndex()
    index.add([1, 2], to_hex([a, b]))
    queries = to_hex([flip(a, 9, rng), flip(a, 4, rng), flip(b, 30, rng), random_codes(rng, 1)[0]])
    assert index.search_best(queries) == [(1, 4), (2, 30)]
    assert index.search_best([]) == []


# --- video ------------------------------------------------------------------------------


def frames(pdqs, quality=100):
    return [
        FrameHash(frame=i, timestamp=float(i), pdq=p, quality=quality) for i, p in enumerate(pdqs)
    ]


def test_reuploaded_video_matches_by_the_frame_rule_and_unrelated_does_not():
    videos = mf.sample_videos()
    index = VideoIndex()
    assert index.add_video(1, hash_video(videos["original"])) == 8
    index.add_video(2, hash_video(videos["unrelated"]))
    query = hash_video(videos["reupload"])
    matches = index.search(query)
    assert [vid for vid, _ in matches] == [1]
    assert matches[0][1] >= 0.8
    # The unrelated video, searched for, finds only itself.
    assert [vid for vid, _ in index.search(hash_video(videos["unrelated"]))] == [2]


def test_video_from_hash_file_dicts():
    videos = mf.sample_videos()
    index = VideoIndex()
    index.add_video(3, hash_file(videos["original"])["frames"])
    assert [vid for vid, _ in index.search(hash_file(videos["reupload"])["frames"])] == [3]


def test_video_share_is_of_the_querys_usable_frames():
    rng = np.random.default_rng(11)
    stored = random_codes(rng, 10)
    index = VideoIndex()
    index.add_video(7, frames(to_hex(stored)))
    unrelated = to_hex(random_codes(rng, 5))
    # 4 of 5 query frames match: 0.8, enough.
    query = frames([*to_hex([flip(c, 10, rng) for c in stored[:4]]), unrelated[0]])
    assert index.search(query) == [(7, 0.8)]
    # 3 of 5: 0.6, not enough at HMA's 0.8 but enough at 0.5.
    query = frames([*to_hex(stored[:3]), *unrelated[:2]])
    assert index.search(query) == []
    assert index.search(query, min_share=0.5) == [(7, 0.6)]
    # A tighter distance excludes frames flipped by 10 bits.
    query = frames(to_hex([flip(c, 10, rng) for c in stored[:5]]))
    assert index.search(query) == [(7, 1.0)]
    assert index.search(query, max_distance=5) == []


def test_low_quality_frames_are_not_used_for_matching():
    rng = np.random.default_rng(12)
    stored = to_hex(random_codes(rng, 6))
    index = VideoIndex()
    # Only the frames of quality >= MIN_QUALITY are indexed.
    mixed = frames(stored[:3]) + frames(stored[3:], quality=MIN_QUALITY - 1)
    assert index.add_video(1, mixed) == 3
    # Frames that were too poor to index are never matched ...
    assert index.search(frames(stored[3:])) == []
    # ... and poor query frames do not count, for or against: 3 good frames, all matched.
    query = frames(stored[:3]) + frames(to_hex(random_codes(rng, 3)), quality=10)
    assert index.search(query) == [(1, 1.0)]
    # A query with no usable frame matches nothing.
    assert index.search(frames(stored[:3], quality=10)) == []


def test_repeated_frame_hashes_count_once():
    rng = np.random.default_rng(16)
    stored = to_hex(random_codes(rng, 4))
    index = VideoIndex()
    assert index.add_video(1, frames(stored + stored)) == 4
    other = to_hex(random_codes(rng, 2))
    # A still scene repeated 20 times is one frame: 1 of 3 distinct frames matches, not 20 of 22.
    query = frames([stored[0]] * 20 + other)
    assert index.search(query) == []
    assert index.search(query, min_share=0.3) == [(1, pytest.approx(1 / 3))]


def test_black_frames_of_a_real_video_are_neither_indexed_nor_counted(tmp_path):
    videos = mf.sample_videos()
    # The same scene, but the first 3 of its 8 seconds are black, as when a stream starts.
    dark_start = hash_video(
        mf.video(tmp_path / "dark.mp4", seed=1, size=(480, 360), black_seconds=3)
    )
    assert [f.quality < MIN_QUALITY for f in dark_start] == [True] * 3 + [False] * 5
    index = VideoIndex()
    assert index.add_video(1, dark_start) == 5
    index.add_video(2, hash_video(videos["unrelated"]))
    # Only 5 of the re-upload's 8 seconds have a usable counterpart: 62% is under 80%.
    assert index.search(hash_video(videos["reupload"])) == []
    # Searched with the dark video itself, the black frames do not count against it.
    assert index.search(dark_start) == [(1, 1.0)]
    # A query of black frames only matches nothing, even another dark video's black frames.
    assert index.search(dark_start[:3]) == []


def test_flat_video_frames_do_not_match_each_other():
    flat_hash = hash_image(mf.encode(mf.flat()))
    assert flat_hash.quality < MIN_QUALITY
    index = VideoIndex()
    assert index.add_video(1, frames([flat_hash.pdq] * 4, quality=flat_hash.quality)) == 0
    assert index.search(frames([flat_hash.pdq] * 4, quality=flat_hash.quality)) == []


def test_many_videos_added_one_by_one():
    rng = np.random.default_rng(15)
    index = VideoIndex()
    videos = {vid: to_hex(random_codes(rng, 30)) for vid in range(100)}
    for vid, pdqs in videos.items():
        index.add_video(vid, frames(pdqs))
    assert len(index) == 100
    for vid in (0, 57, 99):
        assert index.search(frames(videos[vid][5:20])) == [(vid, 1.0)]


def test_bad_frames_are_refused_and_change_nothing():
    rng = np.random.default_rng(18)
    good = to_hex(random_codes(rng, 3))
    index = VideoIndex()
    index.add_video(1, frames(good))
    with pytest.raises(ValueError, match="PDQ hash"):
        index.add_video(1, frames([*good[:2], "zz" * 32]))
    with pytest.raises(ValueError, match="'quality' is missing"):
        index.add_video(1, [{"frame": 0, "timestamp": 0.0, "pdq": good[0]}])
    with pytest.raises(ValueError, match="values are not right"):
        index.search([{"frame": 0, "timestamp": "soon", "pdq": good[0], "quality": 100}])
    assert index.search(frames(good)) == [(1, 1.0)]


def test_remove_and_replace_video():
    rng = np.random.default_rng(13)
    a, b = to_hex(random_codes(rng, 4)), to_hex(random_codes(rng, 4))
    index = VideoIndex()
    index.add_video(1, frames(a))
    index.add_video(2, frames(a))
    assert index.search(frames(a)) == [(1, 1.0), (2, 1.0)]
    assert index.remove_video(1) is True
    assert index.remove_video(1) is False
    assert index.search(frames(a)) == [(2, 1.0)]
    index.add_video(2, frames(b))  # re-adding replaces the frames
    assert index.search(frames(a)) == []
    assert index.search(frames(b)) == [(2, 1.0)]
    assert len(index) == 1
