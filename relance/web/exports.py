"""Answering a list's "Exporter : CSV · XLSX" links: the rows of the page's filters, all of
them (not one page), streamed as the file is written (``relance.reports.exports``).

A view declares its columns once (``relance.reports.columns``: header, kind, queried field),
builds an iterator of rows (tuples of one streamed query) and returns ``export_response``;
a report of a few rows may give plain headers instead, its cells written by their types.
The rows are read while the response streams, in the language of the request that asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.http import Http404, StreamingHttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header

from relance.reports.columns import Column, kinds
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
    *, fmt: str, filename: str, rows: Iterable[Row], day: date,
    columns: Sequence[Column] | None = None, headers: Sequence[object] = (),
    language: str | None = None,
) -> StreamingHttpResponse:  # fmt: skip
    """The file ``<filename>-<day>.<fmt>``, streamed: ``rows`` under ``columns`` (or under
    plain ``headers``) as ``relance.reports.exports`` takes them; in the reader's language
    unless the file has one ``language`` for everybody."""
    fmt = export_format(fmt)
    language = language or translation.get_language() or "fr"
    labels = [column.label for column in columns] if columns is not None else headers
    titles = [str(label) for label in labels]  # lazy labels, resolved in this language
    column_kinds = kinds(columns) if columns is not None else None

    def chunks() -> Iterator[bytes]:
        with translation.override(language):
            if fmt == "csv":
                yield from csv_chunks(titles, rows, language=language, kinds=column_kinds)
            else:
                yield from xlsx_chunks(titles, rows, language=language, title=filename,
                                       kinds=column_kinds)  # fmt: skip

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
    return person_name(user.first_name, user.last_name, user.email)  # type: ignore[attr-defined]


def person_name(first_name: str | None, last_name: str | None, email: str | None) -> str:
    """A user read as columns of a query, named as ``person`` names one (Django's full name:
    first and last name), "" for nobody."""
    full = f"{first_name or ''} {last_name or ''}".strip()
    return full or email or ""
