"""Property tests for the parsers and normalisers that had none: whatever text they are given,
they either return what they promise or refuse with their own error, never another exception;
what they return reads back the same (round trips, idempotence).

Covered elsewhere: normalize_url (tests/core/test_identifiers.py), the chat parsers
(tests/evidence/chats/test_properties.py), small numbers (tests/core/test_smallnumbers.py).
"""

import json
import string

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import example, given
from hypothesis import strategies as st

from drachma.core.errors import json_depth
from drachma.core.identifiers import normalize_handle, normalize_name, normalize_phone
from drachma.intake.conf import parse_rate
from drachma.safeguarding.deadlines import Elapsed, WallClock, WorkingDays, parse_rule
from drachma.site.access_matrix import NO, PERSONAL, PERSONAL_COLUMN, YES, parse_rows

# --- safeguarding deadlines ----------------------------------------------------------------


@given(st.integers(1, 10_000))
def test_parse_rule_reads_minutes_hours_and_wall_clock_hours(n):
    assert parse_rule(f"{n}m") == Elapsed(n)
    assert parse_rule(f" {n}H ") == Elapsed(n * 60)
    assert parse_rule(f"+{n}h") == WallClock(n)


@given(st.integers(1, 60), st.integers(0, 23))
def test_parse_rule_reads_working_days(days, hour):
    assert parse_rule(f"{days}wd@{hour:02d}") == WorkingDays(days, hour)


@given(st.text(max_size=20))
@example("-5m")
@example("+-3h")
@example("0wd@09")
@example("1wd@24")
@example("0m")
def test_parse_rule_returns_a_positive_rule_or_refuses(text):
    try:
        rule = parse_rule(text)
    except ImproperlyConfigured as exc:
        assert "DRACHMA_SAFEGUARDING_DUE" in str(exc)
        return
    amount = {Elapsed: "minutes", WallClock: "hours", WorkingDays: "days"}[type(rule)]
    assert getattr(rule, amount) > 0, f"{text!r} read as {rule!r}"


# --- the public page's rate limit --------------------------------------------------------

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@given(st.integers(1, 10_000), st.integers(1, 1000), st.sampled_from(sorted(PERIODS)))
def test_parse_rate_reads_count_per_period(count, multiple, unit):
    assert parse_rate(f"{count}/{multiple}{unit}") == (count, multiple * PERIODS[unit])
    assert parse_rate(f"{count}/{unit}") == (count, PERIODS[unit])


@given(st.text(max_size=16))
@example("5/0h")
@example("0/h")
def test_parse_rate_returns_a_usable_rate_or_refuses(text):
    try:
        count, period = parse_rate(text)
    except ImproperlyConfigured as exc:
        assert "Not a rate" in str(exc)
        return
    assert count >= 1 and period >= 1, f"{text!r} read as {count}/{period}s"


# --- identifiers in reports ----------------------------------------------------------------


@given(st.text(max_size=60))
def test_normalize_name_is_tidy_and_idempotent(text):
    name = normalize_name(text)
    assert normalize_name(name) == name
    assert name == name.strip() and "  " not in name


@given(st.text(max_size=40))
@example("@")
@example("tiktok:")
@example("https://www.tiktok.com/@")
def test_normalize_handle_returns_a_handle_or_refuses(text):
    try:
        handle = normalize_handle(text)
    except ValueError:
        return
    assert handle.name and handle.name == handle.name.lower()
    # What it returns is read back as itself.
    assert normalize_handle(str(handle)) == handle


HANDLE_CHARS = string.ascii_letters + string.digits + "._-"


@given(st.text(HANDLE_CHARS, min_size=1, max_size=30).filter(lambda s: s[0].isalnum()))
def test_a_plain_handle_is_read_as_itself_lowercased(name):
    assert normalize_handle(f"@{name}").name == name.lower()


@given(st.text(max_size=30))
@example("+44")
@example("0161 496 0123")
def test_normalize_phone_returns_e164_or_refuses(text):
    try:
        number = normalize_phone(text)
    except ValueError:
        return
    assert number.startswith("+") and number[1:].isdigit()
    assert normalize_phone(number) == number


@given(st.integers(1_614_960_000, 1_614_960_999))
def test_a_uk_number_written_nationally_or_internationally_is_one_number(n):
    assert normalize_phone(f"0{n}") == normalize_phone(f"+44 {n}") == f"+44{n}"


# --- the access matrix (docs/roles.md) ------------------------------------------------------

ROLES = ["analyst", "auditor", "anonymous"]
KEYS = st.text(string.ascii_lowercase + ":/_{}", min_size=1, max_size=30)


def _table(rows) -> str:
    lines = [
        f"| Method | Endpoint | {PERSONAL_COLUMN} | " + " | ".join(ROLES) + " |",
        "|---|---|---|" + "---|" * len(ROLES),
    ]
    for (method, key), (personal, cells) in rows.items():
        marks = " | ".join(YES if c else NO for c in cells)
        lines.append(f"| {method} | `{key}` | {PERSONAL if personal else ''} | {marks} |")
    return "\n".join(lines) + "\n"


@given(
    st.dictionaries(
        st.tuples(st.sampled_from(["GET", "POST", "PATCH", "DELETE"]), KEYS),
        st.tuples(st.booleans(), st.lists(st.booleans(), min_size=3, max_size=3)),
        max_size=10,
    )
)
def test_parse_rows_reads_back_the_table_it_is_given(rows):
    parsed = parse_rows("# Section\n\n" + _table(rows))
    assert set(parsed) == set(rows)
    for key, (personal, cells) in rows.items():
        assert parsed[key].personal == personal
        assert parsed[key].allowed == dict(zip(ROLES, cells, strict=True))


@given(st.text(max_size=200))
def test_parse_rows_reads_any_text_or_names_the_row_it_cannot(text):
    try:
        parse_rows(_table({}) + text)
    except ValueError as exc:
        assert str(exc).startswith("docs/roles.md: row ")


# --- how deeply a JSON body nests (drachma.core.errors) ----------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab', max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(alphabet='[]{}"\\ab', max_size=5), inner, max_size=3)
    ),
    max_leaves=20,
)


def _depth(value) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


@given(JSON)
def test_json_depth_counts_the_nesting_and_ignores_brackets_in_strings(value):
    assert json_depth(json.dumps(value)) == _depth(value)


@pytest.mark.parametrize("depth", [1, 64, 100_000])
def test_json_depth_of_a_hostile_nesting_is_counted_without_recursion(depth):
    assert json_depth("[" * depth + "]" * depth) == depth
