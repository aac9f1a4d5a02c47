"""The chunk index in the database gives exactly what comparing every hash would give.

Each bank here is stored as captures' hashes are, and every answer is compared with a brute
force over the ``MediaHash`` rows themselves (the hex strings, the quality, the false-match
mark), on the database the tests run on: SQLite's search (candidates read through the
indexes, distances in NumPy) and, on PostgreSQL, also the search in SQL (``bit_count``).
"""

import numpy as np
import pytest
from django.db import connection

from drachma.takedown import chunkindex
from drachma.takedown.models import HashKind, MatchableHash, MediaHash

RNG_SEED = 2026


def methods() -> list[str]:
    """The searches this database can run (SQL distances need PostgreSQL)."""
    return ["python", "sql"] if connection.vendor == "postgresql" else ["python"]


def hexes(codes: np.ndarray) -> list[str]:
    return [row.tobytes().hex() for row in codes]


def flip(code: np.ndarray, positions) -> np.ndarray:
    bits = np.unpackbits(code)
    bits[list(positions)] ^= 1
    return np.packbits(bits)


def spread(rng, distance: int) -> list[int]:
    """Bit positions to flip for ``distance``, as evenly over the 16 chunks as they go: the
    hardest case for the pigeonhole (at 31, fifteen chunks 2 bits apart and one 1 bit)."""
    per_chunk = [distance // 16 + (1 if c < distance % 16 else 0) for c in range(16)]
    order = rng.permutation(16)
    return [
        int(order[c]) * 16 + int(b)
        for c, n in enumerate(per_chunk)
        for b in rng.choice(16, size=n, replace=False)
    ]


def brute_force(queries: list[str], kind: str, max_distance: int) -> list[list[tuple[int, int]]]:
    """Every usable stored hash of ``kind`` within ``max_distance`` of each query."""
    rows = list(
        MediaHash.objects.filter(kind=kind, quality__gte=50, false_match=False).values_list(
            "pk", "hash"
        )
    )
    keys = np.array([pk for pk, _ in rows], dtype=np.int64)
    bank = np.frombuffer(bytes.fromhex("".join(h for _, h in rows)), dtype=np.uint8).reshape(-1, 32)
    answers = []
    for query in queries:
        q = np.frombuffer(bytes.fromhex(query), dtype=np.uint8)
        distances = np.bitwise_count(bank ^ q).sum(axis=1)
        near = np.flatnonzero(distances <= max_distance)
        answers.append(
            sorted(((int(keys[i]), int(distances[i])) for i in near), key=lambda p: (p[1], p[0]))
        )
    return answers


@pytest.fixture
def random_bank(store_hashes):
    """3,000 random hashes, and for each of 12 queries one hash at every distance 0 to 33,
    half spread evenly over the chunks and half at random positions."""
    rng = np.random.default_rng(RNG_SEED)
    store_hashes(hexes(rng.integers(0, 256, size=(3000, 32), dtype=np.uint8)))
    queries = rng.integers(0, 256, size=(12, 32), dtype=np.uint8)
    planted = []
    for n, query in enumerate(queries):
        for distance in range(34):
            if n % 2:
                positions = spread(rng, distance)
            else:
                positions = rng.choice(256, size=distance, replace=False)
            planted.append(flip(query, positions))
    store_hashes(hexes(np.array(planted)))
    return hexes(queries)


@pytest.fixture
def skewed_bank(store_hashes):
    """What a real bank looks like: videos whose consecutive frames differ by a few bits (with
    cuts), many near copies of the same pictures, and hashes that share chunks with a query
    but are far from it (candidates to reject)."""
    rng = np.random.default_rng(RNG_SEED + 1)
    queries = []
    for _video in range(20):
        frames, frame = [], rng.integers(0, 256, size=32, dtype=np.uint8)
        for t in range(60):
            if t % 20 == 0:
                frame = rng.integers(0, 256, size=32, dtype=np.uint8)  # a cut
            frame = flip(frame, rng.choice(256, size=int(rng.integers(0, 4)), replace=False))
            frames.append(frame)
        store_hashes(hexes(np.array(frames)))
        queries.append(flip(frames[int(rng.integers(0, 60))], rng.choice(256, 6, replace=False)))
    for _picture in range(30):
        base = rng.integers(0, 256, size=32, dtype=np.uint8)
        copies = [
            flip(base, rng.choice(256, int(rng.integers(0, 40)), replace=False)) for _ in range(15)
        ]
        store_hashes(hexes(np.array(copies)))
        queries.append(base)
    hot = rng.integers(0, 256, size=32, dtype=np.uint8)
    sharing = rng.integers(0, 256, size=(300, 32), dtype=np.uint8)
    sharing[:, :8] = hot[:8]  # the same first four chunks, about 96 bits away in all
    store_hashes(hexes(sharing))
    queries.append(hot)
    queries += list(rng.integers(0, 256, size=(5, 32), dtype=np.uint8))
    return hexes(np.array(queries))


@pytest.mark.django_db
def test_random_bank_every_hash_within_31_bits_and_none_at_32(random_bank):
    truth = brute_force(random_bank, HashKind.PDQ, 31)
    # The planted hashes at 0 to 31 bits and nothing else (32 and 33 are out of reach).
    assert [[d for _, d in per_query] for per_query in truth] == [list(range(32))] * 12
    for method in methods():
        found = chunkindex.search(random_bank, kind=HashKind.PDQ, max_distance=31, method=method)
        assert found == truth, method


@pytest.mark.django_db
def test_skewed_bank_matches_brute_force(skewed_bank):
    truth = brute_force(skewed_bank, HashKind.PDQ, 31)
    assert sum(len(t) for t in truth) > 100  # frames and copies near the queries
    assert truth[50] == []  # the query sharing four chunks with 300 hashes matches none
    for method in methods():
        found = chunkindex.search(skewed_bank, kind=HashKind.PDQ, max_distance=31, method=method)
        assert found == truth, method


@pytest.mark.django_db
def test_every_bank_distance_is_exact(random_bank):
    queries = random_bank[:3]
    for distance in (0, 1, 7, 15, 16, 17, 30, 32, 33, 47, 48, 64):
        truth = brute_force(queries, HashKind.PDQ, distance)
        assert [max((d for _, d in t), default=-1) for t in truth] == [min(distance, 33)] * 3
        for method in methods():
            found = chunkindex.search(
                queries, kind=HashKind.PDQ, max_distance=distance, method=method
            )
            assert found == truth, (method, distance)


def test_thresholds_add_up_to_the_pigeonhole_bound():
    for distance in range(chunkindex.MAX_DISTANCE + 1):
        flips = chunkindex.thresholds(distance)
        assert len(flips) == 16 and sum(flips) == distance - 15
        assert max(flips) - min(flips) <= 1 and min(flips) >= -1
    assert chunkindex.thresholds(31) == (1,) * 16
    assert chunkindex.thresholds(0) == (0,) + (-1,) * 15  # a copy is equal in every chunk
    assert len(chunkindex.flip_masks(1)) == 17 and len(chunkindex.flip_masks(-1)) == 0


@pytest.mark.django_db
def test_low_quality_and_false_matches_are_not_indexed(store_hashes):
    rng = np.random.default_rng(5)
    codes = hexes(rng.integers(0, 256, size=(3, 32), dtype=np.uint8))
    capture = store_hashes(codes, quality=[49, 50, 100])
    indexed = set(MatchableHash.objects.values_list("media_hash__hash", flat=True))
    assert codes[0] not in indexed and {codes[1], codes[2]} <= indexed
    for method in methods():
        found = chunkindex.search(codes, kind=HashKind.PDQ, max_distance=0, method=method)
        keys = dict(capture.hashes.values_list("hash", "pk"))
        assert found == [[], [(keys[codes[1]], 0)], [(keys[codes[2]], 0)]]


@pytest.mark.django_db
def test_images_and_video_frames_never_meet(store_hashes):
    rng = np.random.default_rng(6)
    code = hexes(rng.integers(0, 256, size=(1, 32), dtype=np.uint8))
    image = store_hashes(code).hashes.get()
    frame = store_hashes(code, kind=HashKind.VPDQ_FRAME).hashes.get()
    for method in methods():
        assert chunkindex.search(code, kind=HashKind.PDQ, max_distance=31, method=method) == [
            [(image.pk, 0)]
        ]
        assert chunkindex.search(
            code, kind=HashKind.VPDQ_FRAME, max_distance=31, method=method
        ) == [[(frame.pk, 0)]]


@pytest.mark.django_db
def test_the_stored_code_is_the_hash(store_hashes):
    """The bits go in and come out unchanged (bit(256) on PostgreSQL, a blob on SQLite)."""
    rng = np.random.default_rng(7)
    codes = hexes(rng.integers(0, 256, size=(50, 32), dtype=np.uint8))
    codes += ["0" * 64, "f" * 64, "8" + "0" * 63, "0" * 63 + "1"]
    store_hashes(codes)
    stored = dict(MatchableHash.objects.values_list("media_hash__hash", "code"))
    assert all(stored[h] == bytes.fromhex(h) for h in codes)


@pytest.mark.django_db
def test_bad_input_is_refused_with_its_reason():
    with pytest.raises(ValueError, match="between 0 and 64"):
        chunkindex.search(["0" * 64], kind=HashKind.PDQ, max_distance=65)
    with pytest.raises(ValueError, match="between 0 and 64"):
        chunkindex.search([], kind=HashKind.PDQ, max_distance=-1)
    with pytest.raises(ValueError, match="64 hex characters"):
        chunkindex.search(["abc"], kind=HashKind.PDQ, max_distance=31)
    with pytest.raises(ValueError, match="hexadecimal"):
        chunkindex.search(["z" * 64], kind=HashKind.PDQ, max_distance=31)
    with pytest.raises(ValueError, match="kind 'audio'"):
        chunkindex.search(["0" * 64], kind="audio", max_distance=31)
    with pytest.raises(ValueError, match="unknown search method"):
        chunkindex.search(["0" * 64], kind=HashKind.PDQ, max_distance=31, method="faiss")
    if connection.vendor != "postgresql":
        with pytest.raises(ValueError, match="need PostgreSQL"):
            chunkindex.search(["0" * 64], kind=HashKind.PDQ, max_distance=31, method="sql")
    assert chunkindex.search([], kind=HashKind.PDQ, max_distance=31) == []
