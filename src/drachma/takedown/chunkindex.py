"""Exact PDQ matching in the database: multi-index hashing over 16 chunks of 16 bits.

The bank of matchable hashes is the ``MatchableHash`` table. Each row holds a hash's 256 bits
and its 16 chunks of 16 bits, each chunk in its own column with its own index; each index
also holds the whole hash and the row's key, so a search reads indexes only. Every process
and machine searches the same table: a hash is matchable as soon as the transaction that
wrote it commits, and stops matching as soon as the one that marked it a false match (or
deleted it) commits. There is nothing to build or warm up and nothing held per process.

**Why it is exact (the pigeonhole principle, in its general form).** Cut the 256 bits into
``m = 16`` chunks and give chunk ``i`` a threshold ``t_i`` (``-1`` or more) such that
``t_1 + ... + t_m = r - m + 1``. If a hash is within ``r`` bits of a query, some chunk ``i``
differs from the query's in at most ``t_i`` bits: were every chunk at least ``t_i + 1`` apart,
the total would be at least ``(r - m + 1) + m = r + 1``. So a search looks up, in each chunk
``i`` with ``t_i >= 0``, the query's chunk value and every value within ``t_i`` flipped bits
of it, and compares every hash found with the query on all 256 bits. Nothing within ``r`` is
missed and nothing farther is kept: the same answer as comparing the query with every hash.
For HMA's ``r = 31`` every ``t_i`` is 1: 16 x 17 = 272 lookups per query hash (HMA's faiss
``IndexBinaryMultiHash(256, 16, 16)`` with one flip is the same bound). Smaller distances need
fewer (at ``r = 0``, one lookup: a copy is equal in every chunk); larger ones spread the extra
flips over the chunks (``r = 32``: 15 chunks at 1 flip and one at 2, 392 lookups, not 2,192).

**Where the distances are computed.** On PostgreSQL in the database, in one statement: the
hash is ``bit(256)`` and ``bit_count(code # query)`` is the Hamming distance, so only the
hashes within the distance come back. Elsewhere (SQLite, the embedded default, has no XOR of
blobs) the candidates are read through the same indexes and compared in NumPy.

The hash's kind is folded into its chunk values (video frames add 2^16), so a search for an
image never reads video frames and the other way round, through the same 16 indexes.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from itertools import combinations

import numpy as np
from django.db import connections, models

from drachma.core.querysets import concrete_field
from drachma.takedown.hashing import MIN_QUALITY
from drachma.takedown.matcher import PDQ_BYTES, hexes_to_bits
from drachma.takedown.models import HashKind, MatchableHash

CHUNKS = 16
CHUNK_BITS = 16
# A bank's distance goes up to 64 bits (MatchBank.match_distance); 4 flips per chunk then.
MAX_DISTANCE = 64
KIND_OFFSETS: dict[str, int] = {HashKind.PDQ: 0, HashKind.VPDQ_FRAME: 1 << CHUNK_BITS}
# Keys per query when SQLite reads candidates (under its limit of bound parameters).
BATCH = 500
# Pairs (query, candidate) compared at once in NumPy: about 32 MB of XORed bytes.
PAIRS_AT_ONCE = 1_000_000


def thresholds(max_distance: int) -> tuple[int, ...]:
    """Flips to try in each chunk (-1: not looked up) so that every hash within
    ``max_distance`` bits is found (the module's docstring says why). Spread evenly: the
    number of lookups grows much faster with a chunk's flips than linearly."""
    if not 0 <= max_distance <= MAX_DISTANCE:
        raise ValueError(f"max_distance must be between 0 and {MAX_DISTANCE} bits")
    base, extra = divmod(max_distance - CHUNKS + 1, CHUNKS)
    return tuple(base + 1 if i < extra else base for i in range(CHUNKS))


@functools.cache
def flip_masks(flips: int) -> np.ndarray:
    """Every 16-bit mask with at most ``flips`` bits set (none for -1)."""
    masks = [
        sum(1 << b for b in combo)
        for k in range(flips + 1)
        for combo in combinations(range(CHUNK_BITS), k)
    ]
    result = np.asarray(masks, dtype=np.int64)
    result.flags.writeable = False
    return result


def chunk_values(codes: np.ndarray, kind: str) -> np.ndarray:
    """(n, 16) chunk column values of n hashes given as (n, 32) bytes, most significant first."""
    try:
        offset = KIND_OFFSETS[kind]
    except KeyError:
        raise ValueError(f"no matching for hashes of kind {kind!r}") from None
    chunks = np.ascontiguousarray(codes, dtype=np.uint8).view(">u2").reshape(len(codes), CHUNKS)
    return chunks.astype(np.int64) + offset


def matchable_rows(
    hashes: Iterable[tuple[int, str, str, int | None, bool]],
    model: type[models.Model] = MatchableHash,
) -> list:
    """``MatchableHash`` rows (unsaved) for those of the (key, kind, hex hash, quality,
    false_match) given that can match: quality >= 50 (or not stated: an imported PDQ signal)
    and not a known false match.

    ``model`` lets a migration pass its historical model, and the imported signals'
    ``SignalMatchable`` share the rows' shape (keyed by ``bank_hash``).
    """
    usable = [
        (pk, kind, hex_)
        for pk, kind, hex_, quality, false_match in hashes
        if (quality is None or quality >= MIN_QUALITY) and not false_match and kind in KIND_OFFSETS
    ]
    key = model._meta.pk.attname
    if not usable:
        return []
    codes = hexes_to_bits([hex_ for _, _, hex_ in usable])
    rows = []
    for kind in {kind for _, kind, _ in usable}:
        where = [i for i, (_, k, _) in enumerate(usable) if k == kind]
        values = chunk_values(codes[where], kind).tolist()
        for position, chunk_row in zip(where, values, strict=True):
            fields = {f"chunk_{i}": value for i, value in enumerate(chunk_row)}
            rows.append(
                model(
                    **{key: usable[position][0]},
                    code=codes[position].tobytes(),
                    **fields,
                )
            )
    return rows


def _probes(codes: np.ndarray, kind: str, max_distance: int) -> list[tuple[int, np.ndarray]]:
    """For each chunk looked up: (chunk, (n, k) values, row j the values to look up for query j)."""
    values = chunk_values(codes, kind)
    offset = KIND_OFFSETS[kind]
    probes = []
    for chunk, flips in enumerate(thresholds(max_distance)):
        if flips >= 0:
            masks = flip_masks(flips)
            probes.append((chunk, ((values[:, chunk] - offset)[:, None] ^ masks[None, :]) + offset))
    return probes


def search(
    queries_hex: Sequence[str],
    *,
    kind: str,
    max_distance: int,
    using: str = "default",
    method: str | None = None,
    model: type[models.Model] = MatchableHash,
) -> list[list[tuple[int, int]]]:
    """For each query hash, (``MediaHash`` key, distance) of every matchable hash of ``kind``
    within ``max_distance`` bits, nearest first: exactly what comparing the query with every
    matchable hash would give.

    ``method`` is ``"sql"`` (PostgreSQL: distances in the database, the default there) or
    ``"python"`` (candidates read, distances in NumPy; the default elsewhere). ``model`` is
    the index searched: ``MatchableHash`` (the force's captures, keys of ``MediaHash``) or
    ``SignalMatchable`` (imported hash lists, keys of ``BankSignalHash``).
    """
    thresholds(max_distance)  # a bad distance fails even without queries
    codes = hexes_to_bits(list(queries_hex))
    if not len(codes):
        return []
    probes = _probes(codes, kind, max_distance)
    connection = connections[using]
    if method is None:
        method = "sql" if connection.vendor == "postgresql" else "python"
    if method == "sql":
        if connection.vendor != "postgresql":
            raise ValueError("distances in SQL need PostgreSQL (bit strings and bit_count)")
        pairs = _pairs_sql(codes, probes, max_distance, connection, model)
    elif method == "python":
        pairs = _pairs_python(codes, probes, max_distance, using, model)
    else:
        raise ValueError(f"unknown search method {method!r}")
    results: list[dict[int, int]] = [{} for _ in range(len(codes))]
    for query, pk, distance in pairs:
        results[query - 1][pk] = distance  # a hash near in several chunks comes back once each
    return [sorted(found.items(), key=lambda p: (p[1], p[0])) for found in results]


@functools.cache
def _statement(table: str, columns: tuple[str, ...], key: str = "media_hash_id") -> str:
    # One branch per chunk looked up, each an index-only scan of that chunk's index with the
    # distance checked in it, so only the hashes within reach come back.
    branches = " UNION ALL ".join(
        f"SELECT {key}, code FROM {table} WHERE {column} = ANY(%s::int4[])" for column in columns
    )
    return (
        f"SELECT {key}, bit_count(code # %s::bit({PDQ_BYTES * 8})) FROM ({branches}) AS c"
        f" WHERE bit_count(code # %s::bit({PDQ_BYTES * 8})) <= %s"
    )


def _pairs_sql(
    codes: np.ndarray,
    probes: list,
    max_distance: int,
    connection,
    model: type[models.Model] = MatchableHash,
) -> list:
    import psycopg

    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = tuple(quote(concrete_field(model, f"chunk_{c}").column) for c, _ in probes)
    sql = _statement(table, columns, quote(model._meta.pk.column))
    # Straight through psycopg (Django's cursors bind parameters on the client): a prepared
    # statement is planned once per connection, and the queries of one file (an image's
    # eight turns, a video's frames) go in one pipeline, one round trip.
    connection.ensure_connection()
    raw = connection.connection
    pairs: list[tuple[int, int, int]] = []
    with connection.wrap_database_errors:
        with raw.pipeline():
            cursors = []
            for j, code in enumerate(codes):
                bits = "x" + code.tobytes().hex()
                params = [bits, *(values[j].tolist() for _, values in probes), bits, max_distance]
                cursor = psycopg.Cursor(raw)
                cursor.execute(sql, params, prepare=True)
                cursors.append(cursor)
        for j, cursor in enumerate(cursors, start=1):
            pairs.extend((j, pk, distance) for pk, distance in cursor.fetchall())
            cursor.close()
    return pairs


def _pairs_python(
    codes: np.ndarray,
    probes: list,
    max_distance: int,
    using: str,
    model: type[models.Model] = MatchableHash,
) -> list:
    found: dict[int, bytes] = {}
    rows = model._default_manager.using(using)
    key = model._meta.pk.attname
    for chunk, values in probes:
        unique = np.unique(values).tolist()
        for start in range(0, len(unique), BATCH):
            lookup = {f"chunk_{chunk}__in": unique[start : start + BATCH]}
            found.update(rows.filter(**lookup).values_list(key, "code"))
    if not found:
        return []
    keys = np.fromiter(found, dtype=np.int64, count=len(found))
    candidates = np.frombuffer(b"".join(found.values()), dtype=np.uint8).reshape(-1, PDQ_BYTES)
    # Every query against every candidate: a hash within reach of a query is among the
    # candidates (it was looked up for that query), so this is the exact answer.
    pairs = []
    step = max(1, PAIRS_AT_ONCE // len(candidates))
    for start in range(0, len(codes), step):
        block = codes[start : start + step]
        distances = np.bitwise_count(block[:, None, :] ^ candidates[None, :, :]).sum(
            axis=2, dtype=np.int64
        )
        for q, c in zip(*np.nonzero(distances <= max_distance), strict=True):
            pairs.append((start + int(q) + 1, int(keys[c]), int(distances[q, c])))
    return pairs
