"""Hostile import files, generated (never stored): for the tests and the hostile imports
benchmark. Each is small on disk and large once read, or malformed in one precise way."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

CHUNK = 1024 * 1024
STRINGS = "xl/sharedStrings.xml"
SHEET = "xl/worksheets/sheet1.xml"


_MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_XML = b'<?xml version="1.0" encoding="UTF-8"?>'
_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml"
# The smallest workbook openpyxl reads: one sheet and its shared strings.
_SKELETON = {
    "[Content_Types].xml": _XML
    + b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="' + _TYPE + b'.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="'
    + _TYPE
    + b'.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="'
    + _TYPE
    + b'.sharedStrings+xml"/></Types>',
    "_rels/.rels": _XML
    + b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="' + _REL + b'/officeDocument" Target="xl/workbook.xml"/>'
    b"</Relationships>",
    "xl/workbook.xml": _XML
    + b"<workbook "
    + _MAIN
    + b' xmlns:r="'
    + _REL
    + b'"><sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": _XML
    + b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="' + _REL + b'/worksheet" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="' + _REL + b'/sharedStrings" Target="sharedStrings.xml"/>'
    b"</Relationships>",
}


def _workbook(parts: dict[str, Iterator[bytes]]) -> bytes:
    """A workbook of the skeleton and ``parts``, each written from its pieces and deflated
    as it goes: an inflated part is never held in memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for name, text in _SKELETON.items():
            target.writestr(name, text)
        for name, pieces in parts.items():
            with target.open(name, "w", force_zip64=True) as part:
                for piece in pieces:
                    part.write(piece)
    return out.getvalue()


def _repeat(head: bytes, unit: bytes, total: int, tail: bytes) -> Iterator[bytes]:
    """``head``, then ``unit`` repeated to ``total`` bytes (whole units), then ``tail``."""
    yield head
    block = unit * max(1, CHUNK // len(unit))
    left = total - total % len(unit)
    while left > 0:
        piece = block[:left]
        yield piece
        left -= len(piece)
    yield tail


def xlsx_huge_shared_string(size: int) -> bytes:
    """A customers workbook (header id, name; one customer) whose reference and name are one
    shared string of ``size`` characters."""
    sheet = (
        _XML + b"<worksheet " + _MAIN + b"><sheetData>"
        b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        b'<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>2</v></c></row>'
        b"</sheetData></worksheet>"
    )
    head = _XML + b"<sst " + _MAIN + b"><si><t>id</t></si><si><t>name</t></si><si><t>"
    tail = b"</t></si></sst>"
    return _workbook({SHEET: iter([sheet]), STRINGS: _repeat(head, b"A", size, tail)})


def xlsx_huge_sheet(size: int) -> bytes:
    """A workbook whose first sheet inflates to about ``size`` bytes of identical rows."""
    head = _XML + b"<worksheet " + _MAIN + b"><sheetData>"
    row = (
        b'<row><c t="inlineStr"><is><t>C1</t></is></c><c t="inlineStr"><is><t>N</t></is></c></row>'
    )
    tail = b"</sheetData></worksheet>"
    strings = _XML + b"<sst " + _MAIN + b"></sst>"
    return _workbook({SHEET: _repeat(head, row, size, tail), STRINGS: iter([strings])})


def csv_columns(columns: int) -> bytes:
    """A header of ``columns`` columns and one data row."""
    header = ",".join(f"c{n}" for n in range(columns))
    return f"{header}\n{','.join('1' for _ in range(columns))}\n".encode()


def csv_undefined_cp1252(line: int = 3) -> bytes:
    """A customers file in CP850 (a DOS export): "ü" is byte 0x81, which Windows-1252 leaves
    undefined, on ``line``."""
    rows = ["id;name"] + [f"C{n};Client {n}" for n in range(1, line - 1)] + ["M1;Müller SARL"]
    return ("\r\n".join(rows) + "\r\n").encode("cp850")
