"""The same formats when the active language is plain English (``en``)."""

from drachma.formats.en_GB.formats import (  # noqa: F401
    DATE_FORMAT,
    DATETIME_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
)
