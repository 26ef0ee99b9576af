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
from typing import IO, Any, Protocol

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

Cell = str | int | Decimal | date | datetime | None
Row = Sequence[Cell]

BOM = "\ufeff"
# Text starting with one of these is read as a formula by Excel, LibreOffice or Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 1_000  # CSV rows joined into one piece of the response
FILE_CHUNK = 256 * 1024  # bytes of the finished XLSX file sent at a time
SHEET_TITLE_MAX = 31  # Excel's limit on a sheet's name


@dataclass(frozen=True)
class CsvStyle:
    delimiter: str
    decimal_mark: str
    date_format: str
    datetime_format: str


FRENCH = CsvStyle(";", ",", "%d/%m/%Y", "%d/%m/%Y %H:%M")
ENGLISH = CsvStyle(",", ".", "%Y-%m-%d", "%Y-%m-%d %H:%M")
XLSX_MONEY = "#,##0.00"
XLSX_DATES = {"en": ("yyyy-mm-dd", "yyyy-mm-dd hh:mm")}
XLSX_DATES_DEFAULT = ("dd/mm/yyyy", "dd/mm/yyyy hh:mm")


def csv_style(language: str) -> CsvStyle:
    return ENGLISH if language.split("-")[0] == "en" else FRENCH


def safe_text(text: str) -> str:
    """Text a spreadsheet shows as it is, never evaluates (see the module's note)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_cell(value: Cell, style: CsvStyle) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # a bool is an int: say it in words, not 1 and 0
        raise TypeError("export cells hold no booleans: give the words to show")
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
        date: lambda value: value.strftime(day),
        datetime: lambda value: value.strftime(moment),
        type(None): lambda _value: "",
    }


class _Buffer:
    """Where ``csv.writer`` writes a chunk of rows, read back as one string."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def take(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text


def csv_chunks(headers: Sequence[str], rows: Iterable[Row], *, language: str) -> Iterator[bytes]:
    """The CSV file, a thousand rows at a time, the byte order mark first."""
    style = csv_style(language)
    formatters = _csv_formatters(style)

    def cell(value: Cell) -> str:
        formatter = formatters.get(type(value))
        return formatter(value) if formatter is not None else csv_cell(value, style)

    buffer = _Buffer()
    writer = csv.writer(buffer, delimiter=style.delimiter, lineterminator="\r\n")
    writer.writerow([safe_text(str(header)) for header in headers])
    pending = 0
    yield (BOM + buffer.take()).encode("utf-8")
    for row in rows:
        writer.writerow([cell(value) for value in row])
        pending += 1
        if pending == ROWS_PER_CHUNK:
            yield buffer.take().encode("utf-8")
            pending = 0
    if pending:
        yield buffer.take().encode("utf-8")


class _Styles:
    """The few cell styles of a sheet, made once (openpyxl shares equal styles anyway)."""

    def __init__(self, sheet: WriteOnlyWorksheet, language: str) -> None:
        self.sheet = sheet
        self.date, self.datetime = XLSX_DATES.get(language.split("-")[0], XLSX_DATES_DEFAULT)

    def cell(self, value: Cell) -> SheetCell | Cell:
        if value is None:
            return None
        if isinstance(value, bool):
            raise TypeError("export cells hold no booleans: give the words to show")
        if isinstance(value, Decimal):
            return self._formatted(value, XLSX_MONEY)
        if isinstance(value, int):
            return value
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                raise ValueError("give datetimes in the organisation's time zone, naive")
            return self._formatted(value, self.datetime)
        if isinstance(value, date):
            return self._formatted(value, self.date)
        # Escaped, no text starts like a formula: openpyxl stores it as a string. Characters
        # XML cannot hold (control characters from a bank label) are left out.
        return ILLEGAL_CHARACTERS_RE.sub("", safe_text(str(value)))

    def _formatted(self, value: Any, number_format: str) -> SheetCell:
        cell = WriteOnlyCell(self.sheet, value=value)
        cell.number_format = number_format
        return cell


def xlsx_write(
    headers: Sequence[str], rows: Iterable[Row], target: IO[bytes], *, language: str,
    title: str = "Export",
) -> None:  # fmt: skip
    """Write the workbook to ``target``. openpyxl's write-only mode keeps each row in a
    temporary file as it comes, not in memory."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    styles = _Styles(sheet, language)
    bold = Font(bold=True)
    head = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=safe_text(str(header)))
        cell.font, cell.data_type = bold, "s"
        head.append(cell)
    sheet.freeze_panes = "A2"  # written with the first row: set before it
    sheet.append(head)
    for row in rows:
        sheet.append([styles.cell(value) for value in row])
    workbook.save(target)


def _sheet_title(title: str) -> str:
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()
    return (cleaned or "Export")[:SHEET_TITLE_MAX]


class Reader(Protocol):
    def read(self, size: int, /) -> bytes: ...


def xlsx_chunks(
    headers: Sequence[str], rows: Iterable[Row], *, language: str, title: str = "Export"
) -> Iterator[bytes]:
    """The XLSX file in chunks. Nothing is written before the first chunk is asked for, so a
    response can start at once; the workbook is then built in a temporary file (a zip file
    is only complete at its end) and read back a piece at a time."""
    with tempfile.TemporaryFile() as spool:
        xlsx_write(headers, rows, spool, language=language, title=title)
        spool.seek(0)
        yield from file_chunks(spool)


def file_chunks(source: Reader, size: int = FILE_CHUNK) -> Iterator[bytes]:
    while chunk := source.read(size):
        yield chunk
