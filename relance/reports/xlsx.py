"""The XLSX writer: a minimal SpreadsheetML package whose worksheet XML is written here, row
after row, straight into the zip file.

openpyxl builds an object and an XML element for every cell (about 1,600 rows of 11 cells a
second); a cell here is a piece of text made by one function per type, a million rows in
seconds. The package holds only what Excel, LibreOffice and openpyxl need: the content
types, the relationships, a workbook, five cell styles (plain, bold header, money with two
decimals, date, date and time) and the worksheets. Text is written as inline strings (a
shared strings table would have to be held in memory until the end); numbers and dates are
numbers with a style, never text, and text is never a formula.

A sheet holds at most 1,048,576 rows (Excel's limit): longer exports go on in a second
sheet, headers repeated. A cell holds at most 32,767 characters, longer text is cut there.
Characters XML 1.0 cannot hold (control characters from a bank label, halves of a
surrogate pair) are left out.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice
from typing import IO, Any

from relance.reports.cells import NO_BOOLEANS, Cell, Row, safe_text
from relance.reports.columns import Kind

SHEET_ROWS = 1_048_576  # Excel's limit, headers included
CELL_CHARACTERS = 32_767  # Excel's limit, counted in UTF-16 units
SHEET_TITLE_MAX = 31  # Excel's limit on a sheet's name
ROWS_PER_WRITE = 1_000  # rows joined into one write to the zip file
COMPRESSION_LEVEL = 1  # deflate's fastest: the sheet is repetitive XML, it shrinks anyway
EPOCH = date(1899, 12, 30).toordinal()  # day 0 of Excel's 1900 date system
SECONDS_A_DAY = 86_400
INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MONEY = "#,##0.00"  # Excel's built-in format 4
DATES = {"en": ("yyyy-mm-dd", "yyyy-mm-dd hh:mm")}
DATES_DEFAULT = ("dd/mm/yyyy", "dd/mm/yyyy hh:mm")
# The indexes of the styles in styles.xml, as cells name them.
HEADER, MONEY_STYLE, DATE_STYLE, DATETIME_STYLE = 1, 2, 3, 4

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SHEET_START = (
    f'{DECLARATION}<worksheet xmlns="{MAIN}"><sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
    "<sheetData>"
)
SHEET_END = "</sheetData></worksheet>"


def _column_letters(count: int) -> list[str]:
    letters = []
    for index in range(count):
        name, number = "", index + 1
        while number:
            number, rest = divmod(number - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


COLUMNS = _column_letters(16_384)  # A ... XFD, Excel's last column


def xml_text(text: str) -> str:
    """Text as the content of an XML element: without what XML 1.0 cannot hold, within a
    cell's length, escaped (a carriage return as a reference, which XML would turn into a
    line feed)."""
    if not text.isprintable():  # printable text (most) holds nothing invalid: no search
        text = INVALID_XML.sub("", text)
    if len(text) > CELL_CHARACTERS // 2:
        text = _within_cell(text)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def _within_cell(text: str) -> str:
    """The text cut at Excel's cell length, which counts characters beyond the basic plane
    (emojis) twice, never in the middle of one."""
    text = text[:CELL_CHARACTERS]
    while len(text.encode("utf-16-le")) // 2 > CELL_CHARACTERS:
        text = text[:-1]
    return text


def _text_cell(text: str, style: str = "") -> str:
    """The end of a ``<c r="A1"`` element holding ``text`` as an inline string."""
    content = xml_text(safe_text(text))
    return f'{style} t="inlineStr"><is><t xml:space="preserve">{content}</t></is></c>'


def _datetime_serial(value: datetime) -> str:
    if value.tzinfo is not None:
        raise ValueError("give datetimes in the organisation's time zone, naive")
    seconds = value.hour * 3600 + value.minute * 60 + value.second
    return repr(value.toordinal() - EPOCH + seconds / SECONDS_A_DAY)


def _refuse(_value: object) -> str:
    raise TypeError(NO_BOOLEANS)


Writer = Callable[[Any], str]
WRITERS: dict[type, Writer] = {
    str: _text_cell,
    int: lambda value: f"><v>{value}</v></c>",
    Decimal: lambda value: f' s="{MONEY_STYLE}"><v>{value:f}</v></c>',
    date: lambda value: f' s="{DATE_STYLE}"><v>{value.toordinal() - EPOCH}</v></c>',
    datetime: lambda value: f' s="{DATETIME_STYLE}"><v>{_datetime_serial(value)}</v></c>',
    bool: _refuse,
}


KIND_WRITERS: dict[Kind, Writer] = {
    "text": lambda value: _text_cell(str(value)),  # str: lazy translations too
    "int": WRITERS[int],
    "money": WRITERS[Decimal],
    "date": WRITERS[date],
    "datetime": WRITERS[datetime],
}


def cell_xml(value: Cell) -> str:
    """What follows ``<c r="A1"`` for any cell but ``None`` (which is no element at all);
    looked up by exact type first, the cheapest test for ten million cells."""
    writer = WRITERS.get(type(value))
    if writer is not None:
        return writer(value)
    for kind in (bool, datetime, date, Decimal, int, str):  # subclasses: the closest type
        if isinstance(value, kind):
            return WRITERS[kind](value)
    return _text_cell(str(value))  # lazy translations and the like: their text


def _rows_xml(rows: Iterable[Row], first: int, kinds: Sequence[Kind] | None) -> Iterator[str]:
    if kinds is not None:
        yield from _kind_rows_xml(rows, first, [KIND_WRITERS[kind] for kind in kinds])
        return
    writers = WRITERS
    for number, row in enumerate(rows, start=first):
        cells = "".join(
            f'<c r="{column}{number}"{(writers.get(type(value)) or cell_xml)(value)}'
            for column, value in zip(COLUMNS, row, strict=False)
            if value is not None
        )
        yield f'<row r="{number}">{cells}</row>'


def _kind_rows_xml(rows: Iterable[Row], first: int, writers: list[Writer]) -> Iterator[str]:
    """Rows whose columns declared their kinds: each column's writer chosen once."""
    for number, row in enumerate(rows, start=first):
        cells = "".join(
            f'<c r="{column}{number}"{write(value)}'
            for column, write, value in zip(COLUMNS, writers, row, strict=False)
            if value is not None
        )
        yield f'<row r="{number}">{cells}</row>'


def _header_xml(headers: Iterable[str]) -> str:
    style = f' s="{HEADER}"'
    cells = "".join(
        f'<c r="{column}1"{_text_cell(str(header), style)}'
        for column, header in zip(COLUMNS, headers, strict=False)
    )
    return f'<row r="1">{cells}</row>'


def _write_sheet(
    part: IO[bytes], header: str, rows: Iterable[Row], kinds: Sequence[Kind] | None
) -> None:
    part.write((SHEET_START + header).encode("utf-8"))
    lines = _rows_xml(rows, first=2, kinds=kinds)
    while batch := list(islice(lines, ROWS_PER_WRITE)):
        part.write("".join(batch).encode("utf-8"))
    part.write(SHEET_END.encode("utf-8"))


def xlsx_write(
    headers: Iterable[str], rows: Iterable[Row], target: IO[bytes], *, language: str,
    title: str = "Export", kinds: Sequence[Kind] | None = None,
) -> None:  # fmt: skip
    """Write the workbook to ``target`` (a seekable file), the rows as they come; with the
    columns' ``kinds``, each column written by its kind, else each cell by its type."""
    header, remaining = _header_xml(headers), iter(rows)
    sheets = 0
    with zipfile.ZipFile(
        target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION_LEVEL
    ) as package:
        while True:
            sheets += 1
            with package.open(f"xl/worksheets/sheet{sheets}.xml", "w") as part:
                _write_sheet(part, header, islice(remaining, SHEET_ROWS - 1), kinds)
            following = next(remaining, None)
            if following is None:
                break
            remaining = chain([following], remaining)
        for name, content in _package_parts(sheet_titles(title, sheets), language).items():
            package.writestr(name, content)


def sheet_titles(title: str, count: int) -> list[str]:
    """The sheets' names: the title, then ``title (2)``... within Excel's 31 characters,
    without the characters Excel refuses in a name."""
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()
    base = INVALID_XML.sub("", cleaned) or "Export"
    titles = [base[:SHEET_TITLE_MAX]]
    for number in range(2, count + 1):
        suffix = f" ({number})"
        titles.append(base[: SHEET_TITLE_MAX - len(suffix)] + suffix)
    return titles


def _package_parts(titles: list[str], language: str) -> dict[str, str]:
    numbered = list(enumerate(titles, start=1))
    sheet_types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n, _title in numbered
    )
    sheets = "".join(
        f'<sheet name="{_attribute(title)}" sheetId="{n}" r:id="rId{n}"/>' for n, title in numbered
    )
    sheet_links = "".join(
        f'<Relationship Id="rId{n}" Type="{RELATIONSHIPS}/worksheet" '
        f'Target="worksheets/sheet{n}.xml"/>'
        for n, _title in numbered
    )
    styles_id = len(titles) + 1
    return {
        "[Content_Types].xml": (
            f'{DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{sheet_types}</Types>'
        ),
        "_rels/.rels": (
            f'{DECLARATION}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}"><Relationship '
            f'Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'{DECLARATION}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
            f"<sheets>{sheets}</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{DECLARATION}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">{sheet_links}'
            f'<Relationship Id="rId{styles_id}" Type="{RELATIONSHIPS}/styles" '
            'Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": _styles(language),
    }


def _styles(language: str) -> str:
    day, moment = DATES.get(language.split("-")[0], DATES_DEFAULT)
    font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
    plain = 'fontId="0" fillId="0" borderId="0" xfId="0"'
    return (
        f'{DECLARATION}<styleSheet xmlns="{MAIN}">'
        f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{day}"/>'
        f'<numFmt numFmtId="165" formatCode="{moment}"/></numFmts>'
        f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="5">'
        f'<xf numFmtId="0" {plain}/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        f'<xf numFmtId="4" {plain} applyNumberFormat="1"/>'  # MONEY, built in
        f'<xf numFmtId="164" {plain} applyNumberFormat="1"/>'
        f'<xf numFmtId="165" {plain} applyNumberFormat="1"/>'
        '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
        "</cellStyles></styleSheet>"
    )


def _attribute(text: str) -> str:
    return xml_text(text).replace('"', "&quot;")
