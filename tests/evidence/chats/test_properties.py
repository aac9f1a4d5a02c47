"""Property-based tests: the WhatsApp parser never crashes and never loses a byte."""

import json
from contextlib import contextmanager, suppress

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drachma.evidence.chats import ChatParseError, parse_chat_bytes, whatsapp

from .sources import original_bytes


@contextmanager
def chunk_size(size):
    old = whatsapp.CHUNK
    whatsapp.CHUNK = size
    try:
        yield
    finally:
        whatsapp.CHUNK = old


def android(d, mo, y, h, mi, s):
    return f"{d:02d}/{mo:02d}/{y:04d}, {h:02d}:{mi:02d} - "


def ios(d, mo, y, h, mi, s):
    return f"[{d:02d}.{mo:02d}.{y % 100:02d}, {h:02d}:{mi:02d}:{s:02d}] "


def us_12h(d, mo, y, h, mi, s):
    h12 = h % 12 or 12
    return f"{mo}/{d}/{y % 100:02d}, {h12}:{mi:02d}\u202f{'AM' if h < 12 else 'PM'} - "


LAYOUTS = [android, ios, us_12h]

stamp = st.tuples(
    st.integers(1, 28),
    st.integers(1, 12),
    st.integers(2009, 2030),
    st.integers(0, 23),
    st.integers(0, 59),
    st.integers(0, 59),
)
# Impossible dates and times: 31 February, month 13, hour 24.
bad_stamp = st.sampled_from(
    [(31, 2, 2021, 10, 0, 0), (5, 13, 2021, 10, 0, 0), (5, 5, 2021, 24, 0, 0)]
)
# Anything but a newline: marks, CR, emoji, quotes, colons, lone surrogates excluded.
free_text = st.text(
    alphabet=st.characters(blacklist_characters="\n", blacklist_categories=("Cs",)),
    max_size=40,
)
names = st.sampled_from(["Ann", "Ben", "\u202a+44 7700 900123\u202c", "Zoë", "~\u202fSam"])
bodies = st.one_of(
    free_text,
    st.sampled_from(
        [
            "<Media omitted>",
            "This message was deleted",
            "\u200eimage omitted",
            "IMG-20200101-WA0001.jpg (file attached)",
            "\u200e<attached: 00000012-PHOTO.jpg>",
            "hello <This message was edited>",
            "Missed voice call",
            "",
        ]
    ),
)


@st.composite
def exports(draw):
    layout = draw(st.sampled_from(LAYOUTS))
    other = draw(st.sampled_from(LAYOUTS))
    message = st.builds(lambda s, n, b: layout(*s) + n + ": " + b, stamp, names, bodies)
    line = st.one_of(
        message,
        message,
        st.builds(lambda s, b: layout(*s) + b, stamp, free_text),  # a system line
        st.builds(lambda s, n: layout(*s) + n + ": impossible", bad_stamp, names),
        st.builds(lambda s, n, b: other(*s) + n + ": " + b, stamp, names, bodies),
        free_text,
        st.just(""),
    )
    lines = draw(st.lists(line, min_size=1, max_size=30))
    text = draw(st.sampled_from(["\n", "\r\n"])).join(lines)
    if lines and draw(st.booleans()):
        text += "\n"
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text


def expected_lines(text: str) -> int:
    text = text.removeprefix("\ufeff")
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)


MARKS = set(whatsapp.MARKS)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports(), st.sampled_from([5, 64, 1 << 20]))
def test_whatsapp_parser_never_crashes_and_never_drops_a_byte(text, chunk):
    data = text.encode("utf-8")
    try:
        with chunk_size(chunk):
            conv = parse_chat_bytes(data, max_bytes=None)
    except ChatParseError:
        return  # refused with a clear error: allowed
    assert conv.format == "whatsapp"
    covered: list[int] = []
    for m in conv.messages:
        assert m.first_line <= m.last_line
        covered.extend(range(m.first_line, m.last_line + 1))
        # The text carries only the words: no direction mark, no trailing whitespace...
        assert not MARKS & set(m.text)
        assert m.text == m.text.rstrip()
        # ...and every character of it comes from the message's own lines.
        assert set(m.text) <= set(conv.source_text(m))
    covered.extend(s.line for s in conv.skipped_lines)
    n = expected_lines(text)
    assert sorted(covered) == list(range(1, n + 1))
    assert conv.line_count == n
    # The lines the messages and skipped lines point at give back the file, byte for byte.
    assert original_bytes(conv) == data


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_give_a_conversation_or_a_chat_parse_error(data):
    with suppress(ChatParseError):
        parse_chat_bytes(data)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "messages",
                        "participants",
                        "sender_name",
                        "timestamp_ms",
                        "content",
                        "date",
                        "date_unixtime",
                        "text",
                        "type",
                        "from",
                        "photos",
                        "chats",
                        "list",
                        "reactions",
                        "action",
                        "is_unsent",
                    ]
                ),
                children,
                max_size=5,
            )
        ),
        max_leaves=20,
    )
)
def test_any_json_gives_a_conversation_or_a_chat_parse_error(value):

    with suppress(ChatParseError):
        parse_chat_bytes(
            json.dumps({"messages": value} if not isinstance(value, dict) else value).encode()
        )
