"""The URN parser under any input (hypothesis): a URN in the plain ASCII form or a
ValidationError that says what is wrong, and every way people write a URN reads as one."""

import string

from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from drachma.cases import urn

DIGITS = st.text(string.digits, min_size=1, max_size=1)
UNIT = st.text(string.ascii_uppercase + string.digits, min_size=2, max_size=2)


@st.composite
def urns(draw):
    force = draw(st.integers(1, 99))
    number = draw(st.integers(1, 99_999))
    year = draw(st.integers(0, 99))
    return f"{force:02d}{draw(UNIT)}{number:05d}{year:02d}"


@given(st.text(max_size=30))
def test_any_text_is_a_plain_ascii_urn_or_refused_with_its_reason(text):
    try:
        parsed = urn.parse(text)
    except ValidationError as exc:
        assert exc.messages and exc.messages[0].strip()
        return
    plain = str(parsed)
    assert plain.isascii() and urn.SHAPE.match(plain)
    assert str(urn.parse(plain)) == plain


@given(urns(), st.sampled_from([" ", "/", "-", "  "]), st.booleans())
def test_a_urn_written_with_separators_or_in_lower_case_is_the_same_urn(value, sep, lower):
    parsed = urn.parse(value)
    written = sep.join([parsed.force, parsed.unit, parsed.number, parsed.year])
    if lower:
        written = written.lower()
    assert str(urn.parse(written)) == value


def test_digits_of_other_scripts_are_not_a_force_code():
    # "٠٦" is 06 in Arabic-Indic digits: a regular expression's \d takes it, the CPS does not.
    for text in ["٠٦AB1234526", "06AB١٢٣٤٥26", "０６AB1234526"]:
        try:
            parsed = urn.parse(text)
        except ValidationError:
            continue
        assert str(parsed).isascii(), f"{text!r} was stored as {str(parsed)!r}"


def test_a_ligature_is_not_read_as_two_letters():
    try:
        urn.parse("06\ufb001234526")  # "ﬀ", which str.upper() turns into "FF"
    except ValidationError:
        return
    raise AssertionError("a ligature passed for a unit code")
