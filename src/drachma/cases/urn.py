"""The CPS unique reference number (URN) of a prosecution case, and its shape.

The URN is the police-to-CPS reference the Criminal Justice System's data standards call the
PTI URN (CJS Data Standards Catalogue; Prosecution Team Manual of Guidance): eleven
characters, with no separators,

    06      the police force code (two digits: 06 is Greater Manchester Police)
    AB      the unit or station code within the force (two letters or digits)
    12345   the case's number in that unit's series (five digits)
    26      the year the number was issued (two digits)

so "06AB1234526". People write it with spaces or slashes ("06 AB 12345 26",
"06/AB/12345/26"); it is stored in the plain form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

# ASCII only: a regular expression's \d also takes other scripts' digits ("٠٦"), the CPS does not.
SHAPE = re.compile(
    r"^(?P<force>[0-9]{2})(?P<unit>[A-Z0-9]{2})(?P<number>[0-9]{5})(?P<year>[0-9]{2})$"
)
EXAMPLE = "06AB1234526"


@dataclass(frozen=True)
class URN:
    force: str
    unit: str
    number: str
    year: str

    def __str__(self) -> str:
        return f"{self.force}{self.unit}{self.number}{self.year}"

    @property
    def spaced(self) -> str:
        return f"{self.force} {self.unit} {self.number} {self.year}"


def normalise(value: str) -> str:
    # Only ASCII letters are upper-cased: "ﬀ".upper() is "FF", which would pass for a unit code.
    text = re.sub(r"[\s/\-]", "", str(value or ""))
    return "".join(c.upper() if c.isascii() else c for c in text)


def parse(value: str) -> URN:
    """The URN's parts, or a ValidationError saying what is wrong with its shape."""
    text = normalise(value)
    if not text:
        raise ValidationError("Give the case's URN.", code="required")
    match = SHAPE.match(text)
    if match is None:
        raise ValidationError(
            f"{value!r} is not a URN: it is eleven characters, the force code (2 digits), the "
            f"unit (2 letters or digits), the number (5 digits) and the year (2 digits), "
            f"for example {EXAMPLE}.",
            code="shape",
        )
    if match["force"] == "00":
        raise ValidationError("A URN's force code is never 00.", code="force")
    if match["number"] == "00000":
        raise ValidationError("A URN's case number is never 00000.", code="number")
    return URN(**match.groupdict())


def validate_urn(value: str) -> None:
    parse(value)
