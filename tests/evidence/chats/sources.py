"""Putting a parsed export's source lines back together, to show no byte was lost."""


def original_bytes(conv) -> bytes:
    """The byte-order mark, then every line of the file in order, each taken from the message
    (or skipped line) that points at it. For a WhatsApp export this is the whole file."""
    pieces = [(m.first_line, conv.source_bytes(m)) for m in conv.messages]
    pieces += [(s.line, conv.source.line_bytes(s.line)) for s in conv.skipped_lines]
    pieces.sort(key=lambda piece: piece[0])
    return conv.source.byte_order_mark + b"".join(piece for _, piece in pieces)
