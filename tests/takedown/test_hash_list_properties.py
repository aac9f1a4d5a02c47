"""The hash-list reader under hostile input (hypothesis): any bytes are read or refused with
``HashListError`` naming the problem, never another exception; what Drachma writes in each
format reads back as the same signals."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drachma.takedown import hashlists
from drachma.takedown.hashlists import FORMATS, HashListError, ListedSignal

HEX = "0123456789abcdef"
PDQ = st.text(HEX, min_size=64, max_size=64)
MD5 = st.text(HEX, min_size=32, max_size=32)
FRAME = st.tuples(PDQ, st.integers(0, 100), st.integers(0, 9_999_999))
# Content ids and notes as people write them: no cell a spreadsheet would read as a formula
# (the safe writer quotes those), no line breaks (one signal a line in the signal file).
PLAIN = (
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=30)
    .map(str.strip)
    .filter(lambda s: not s.startswith(("=", "+", "-", "@")))
)


@st.composite
def signal(draw):
    kind = draw(st.sampled_from(hashlists.SIGNAL_TYPES))
    if kind == "pdq":
        value = draw(PDQ)
    elif kind == "vpdq":
        frames = [
            hashlists.Frame(p, q, float(t))
            for p, q, t in draw(st.lists(FRAME, min_size=1, max_size=4))
        ]
        value = hashlists.vpdq_value(frames)
    else:
        value = draw(MD5)
    return kind, value


def _read_or_refuse(data: bytes, format: str = "auto"):
    try:
        return hashlists.read(data, format=format)
    except HashListError as exc:
        assert str(exc).strip(), "a refusal names its problem"
        return None


@given(st.binary(max_size=400))
def test_any_bytes_are_read_or_refused_with_a_reason(data):
    _read_or_refuse(data)


@given(st.text(max_size=400), st.sampled_from(sorted(FORMATS)))
def test_any_text_in_any_format_is_read_or_refused_with_a_reason(text, format):
    result = _read_or_refuse(text.encode("utf-8", "surrogatepass"), format)
    if result is not None:
        read_format, signals = result
        assert read_format == format and signals
        for s in signals:
            assert hashlists.check_signal(s.signal_type, s.value)[1] == s.value


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_a_hostile_nesting_is_refused_not_a_crash(depth):
    nested = ("[" * depth + "]" * depth).encode()
    with pytest.raises(HashListError):
        hashlists.read(nested)
    vpdq = '{"content": [{"signals": {"vpdq": "' + "[" * depth + "]" * depth + '"}}]}'
    with pytest.raises(HashListError, match="vpdq"):
        hashlists.read(vpdq.encode(), format="hma")


@given(
    st.lists(st.tuples(signal(), PLAIN, PLAIN), min_size=1, max_size=8),
    st.sampled_from(sorted(FORMATS)),
)
def test_what_drachma_writes_reads_back_as_the_same_signals(rows, format):
    listed = [ListedSignal(kind, value, cid, note) for (kind, value), cid, note in rows]
    if format == "hma":
        # One content per content id: its signals are a mapping by type, so a later signal of
        # the same type under the same id replaces the earlier one, as in HMA itself.
        listed = [
            ListedSignal(k, v, f"c{n}", note)
            for n, (k, v, _, note) in enumerate(
                (s.signal_type, s.value, s.content_id, s.label) for s in listed
            )
        ]
    data = hashlists.write(listed, format=format, bank_name="Drachma test bank")
    read_format, signals = hashlists.read(data)
    assert read_format == format
    assert [(s.signal_type, s.value) for s in signals] == [(s.signal_type, s.value) for s in listed]
    if format in ("csv", "hma"):
        assert [(s.content_id, s.label) for s in signals] == [
            (s.content_id, s.label) for s in listed
        ]
