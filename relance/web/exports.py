"""Answering a list's "Exporter : CSV · XLSX" links: the rows of the page's filters, all of
them (not one page), streamed as the file is written (``relance.reports.exports``).

A view builds its headers (translated, in the reader's language) and an iterator of rows
read from its selectors in chunks, and returns ``export_response``. The rows are read while
the response streams, in the language of the request that asked for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.http import Http404, StreamingHttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header

from relance.reports.exports import Row, csv_chunks, xlsx_chunks

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_format(fmt: str) -> str:
    """The format a URL asks for; any other is a 404."""
    if fmt not in CONTENT_TYPES:
        raise Http404(fmt)
    return fmt


def export_response(
    *, fmt: str, filename: str, headers: Sequence[object], rows: Iterable[Row], day: date
) -> StreamingHttpResponse:
    """The file ``<filename>-<day>.<fmt>``, streamed. ``headers`` and ``rows`` as
    ``relance.reports.exports`` takes them."""
    fmt = export_format(fmt)
    language = translation.get_language() or "fr"
    titles = [str(header) for header in headers]  # lazy labels, resolved in this language

    def chunks() -> Iterator[bytes]:
        with translation.override(language):
            if fmt == "csv":
                yield from csv_chunks(titles, rows, language=language)
            else:
                yield from xlsx_chunks(titles, rows, language=language, title=filename)

    response = StreamingHttpResponse(chunks(), content_type=CONTENT_TYPES[fmt])
    name = f"{filename}-{day.isoformat()}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def local_time(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A stored moment as the organisation's clock showed it, without time zone (what a
    spreadsheet cell holds)."""
    return moment.astimezone(zone).replace(tzinfo=None, microsecond=0) if moment else None


def person(user: object) -> str:
    """A user as the pages name them: full name, else e-mail; "" for nobody."""
    if user is None:
        return ""
    full = user.get_full_name()  # type: ignore[attr-defined]
    return str(full or user.email)  # type: ignore[attr-defined]
