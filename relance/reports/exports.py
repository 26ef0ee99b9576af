"""Spreadsheet exports of lists and reports: CSV that Excel opens as it is, and XLSX.

The writers take column headers and an iterator of rows and give the file back in chunks of
bytes, never holding the rows: a list of a million invoices streams with flat memory. They
know nothing of Django, of requests or of the database (``relance.web.exports`` answers a
request with them), so that any page, command or benchmark can use them.

Cells are ``str``, ``int``, ``Decimal`` (money), ``date``, ``datetime`` (naive, already in
the organisation's time zone) or ``None`` (empty).

CSV follows the reader's language, so that a double click opens it in columns:

- French (and any language but English): UTF-8 with a byte order mark, ``;`` between cells,
  a decimal comma without thousands separator (``1234,56``), dates ``JJ/MM/AAAA``, CRLF line
  ends — the conventions of Excel in France and Belgium;
- English: the same BOM and CRLF, ``,`` between cells, a decimal point, ISO dates
  (``2025-03-31``), which Excel reads as dates whatever its locale.

XLSX keeps types: amounts are numbers with two decimals, counts are whole numbers, dates
are dates.

Formula injection (OWASP "CSV injection"): a text cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return would be run as a formula by a spreadsheet; such text is
written with a leading single quote (``'=1+1``), in CSV and in XLSX alike (where it is also
stored as a plain string, never as a formula). Numbers are never text: a negative amount
stays a number and is not escaped.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from itertools import islice
from typing import Any, Protocol

from relance.reports.cells import NO_BOOLEANS, Cell, Row, safe_text
from relance.reports.columns import Kind
from relance.reports.xlsx import xlsx_write

__all__ = ["Cell", "Row", "csv_chunks", "safe_text", "xlsx_chunks", "xlsx_write"]

BOM = "\ufeff"
ROWS_PER_CHUNK = 1_000  # CSV rows joined into one piece of the response
DAYS_KEPT = 8_192  # formatted dates kept for the rows that follow
FILE_CHUNK = 256 * 1024  # bytes of the finished XLSX file sent at a time


@dataclass(frozen=True)
class CsvStyle:
    delimiter: str
    decimal_mark: str
    date_format: str
    datetime_format: str


FRENCH = CsvStyle(";", ",", "%d/%m/%Y", "%d/%m/%Y %H:%M")
ENGLISH = CsvStyle(",", ".", "%Y-%m-%d", "%Y-%m-%d %H:%M")


def csv_style(language: str) -> CsvStyle:
    return ENGLISH if language.split("-")[0] == "en" else FRENCH


def csv_cell(value: Cell, style: CsvStyle) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # a bool is an int: say it in words, not 1 and 0
        raise TypeError(NO_BOOLEANS)
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", style.decimal_mark)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.strftime(style.datetime_format)
    if isinstance(value, date):
        return value.strftime(style.date_format)
    return safe_text(str(value))


def _csv_formatters(style: CsvStyle) -> dict[type, Callable[[Any], str]]:
    """The formatter of each exact type of cell, looked up once per cell: a chain of
    ``isinstance`` for each of ten million cells costs more than the rest of the file.
    Other types (subclasses) go through ``csv_cell``."""
    mark, day, moment = style.decimal_mark, style.date_format, style.datetime_format
    return {
        str: safe_text,
        Decimal: lambda value: format(value, "f").replace(".", mark),
        int: str,
        # A list holds a few thousand distinct days: each is formatted once.
        date: lru_cache(maxsize=DAYS_KEPT)(lambda value: value.strftime(day)),
        datetime: lambda value: value.strftime(moment),
        type(None): lambda _value: "",
    }


def _kind_formatters(kinds: Sequence[Kind], style: CsvStyle) -> list[Callable[[Any], str]]:
    """The formatter of each column, chosen once from its declared kind: one call a cell,
    an empty cell empty whatever the kind."""
    mark, moment = style.decimal_mark, style.datetime_format
    day = lru_cache(maxsize=DAYS_KEPT)(lambda value: value.strftime(style.date_format))
    by_kind: dict[Kind, Callable[[Any], str]] = {
        # str() for lazy translations; a str is left as it is.
        "text": lambda v: "" if v is None else safe_text(v if type(v) is str else str(v)),
        "int": lambda v: "" if v is None else str(v),
        "money": lambda v: "" if v is None else format(v, "f").replace(".", mark),
        "date": lambda v: "" if v is None else day(v),
        "datetime": lambda v: "" if v is None else v.strftime(moment),
    }
    return [by_kind[kind] for kind in kinds]


class _Buffer:
    """Where ``csv.writer`` writes a chunk of rows, read back as one string."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def take(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text


def csv_chunks(
    headers: Sequence[str], rows: Iterable[Row], *, language: str,
    kinds: Sequence[Kind] | None = None,
) -> Iterator[bytes]:  # fmt: skip
    """The CSV file, a thousand rows at a time (one ``writerows`` each), the byte order mark
    first. With the columns' ``kinds``, each column is formatted by its kind; without, each
    cell by its type."""
    style = csv_style(language)
    formatters = _csv_formatters(style)

    def other(value: Cell) -> str:
        return csv_cell(value, style)

    def by_type(row: Row) -> list[str]:
        return [formatters.get(type(value), other)(value) for value in row]

    if kinds is not None:
        columns = _kind_formatters(kinds, style)

        def by_kind(row: Row) -> list[str]:
            return [write(value) for write, value in zip(columns, row, strict=True)]

        line = by_kind
    else:
        line = by_type

    buffer = _Buffer()
    writer = csv.writer(buffer, delimiter=style.delimiter, lineterminator="\r\n")
    writer.writerow([safe_text(str(header)) for header in headers])
    yield (BOM + buffer.take()).encode("utf-8")
    remaining = iter(rows)
    while batch := list(islice(remaining, ROWS_PER_CHUNK)):
        writer.writerows(line(row) for row in batch)
        yield buffer.take().encode("utf-8")


class Reader(Protocol):
    def read(self, size: int, /) -> bytes: ...


def xlsx_chunks(
    headers: Sequence[str], rows: Iterable[Row], *, language: str, title: str = "Export",
    kinds: Sequence[Kind] | None = None,
) -> Iterator[bytes]:  # fmt: skip
    """The XLSX file in chunks. Nothing is written before the first chunk is asked for, so a
    response can start at once; the workbook is then built in a temporary file (a zip file
    is only complete at its end) and read back a piece at a time."""
    with tempfile.TemporaryFile() as spool:
        xlsx_write(headers, rows, spool, language=language, title=title, kinds=kinds)
        spool.seek(0)
        yield from file_chunks(spool)


def file_chunks(source: Reader, size: int = FILE_CHUNK) -> Iterator[bytes]:
    while chunk := source.read(size):
        yield chunk
