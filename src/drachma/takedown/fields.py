"""A PDQ hash stored as 256 bits, so that the database can measure distances itself."""

from __future__ import annotations

from django.db import models

PDQ_BYTES = 32


class PDQBitsField(models.BinaryField):
    """256 bits: ``bit(256)`` on PostgreSQL, a 32-byte blob elsewhere; ``bytes`` in Python.

    PostgreSQL has no XOR for ``bytea`` but has one for bit strings, and ``bit_count`` counts
    their set bits: ``bit_count(a # b)`` is the Hamming distance, computed next to the data.
    SQLite has neither; there the distances are computed in Python (see ``chunkindex``).
    """

    description = "256 bits (a PDQ hash)"

    def db_type(self, connection) -> str | None:
        if connection.vendor == "postgresql":
            return f"bit({PDQ_BYTES * 8})"
        return super().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is not None and connection.vendor == "postgresql":
            value = bytes(value)
            if len(value) != PDQ_BYTES:
                raise ValueError(f"a PDQ hash is {PDQ_BYTES} bytes, not {len(value)}")
            # bit's input syntax takes hexadecimal after an x.
            return "x" + value.hex()
        return super().get_db_prep_value(value, connection, prepared)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        if isinstance(value, str):  # PostgreSQL returns a bit string as '0101...'
            return int(value, 2).to_bytes(PDQ_BYTES, "big")
        return bytes(value)
