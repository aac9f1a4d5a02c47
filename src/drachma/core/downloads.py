"""Files a page hands to the browser to save rather than show."""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from drachma.core import spreadsheets


def attachment(content: bytes | str, *, filename: str, content_type: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


class _Echo:
    """A file-like object whose ``write`` hands back what it is given, for streaming."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV lines of ``header`` and ``rows``, one at a time (a long export is never held in
    memory), written by the one CSV writer (``core.spreadsheets``: no cell runs as a formula);
    a byte-order mark first so that Excel reads UTF-8."""
    out = spreadsheets.writer(_Echo())
    yield "\ufeff" + out.writerow(header)
    for row in rows:
        yield out.writerow(row)


def csv_attachment(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], *, filename: str
) -> StreamingHttpResponse:
    """A CSV download, streamed, safe against formula injection (``core.spreadsheets``)."""
    return StreamingHttpResponse(
        csv_lines(header, rows),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
