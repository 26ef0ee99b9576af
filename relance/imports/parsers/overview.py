"""A first look at a file before importing it: its columns, a few rows, how many rows.

What a person needs to check the column mapping before the whole file is validated: it reads
only the header and the first rows (and counts the rows, up to a limit), so it stays quick on
a file of a million rows. A file that cannot be read at all raises ``FileFormatError``; a file
whose columns are not all recognised is fine here (the mapping can still be fixed).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass

from .customers import CUSTOMER_SPEC
from .headers import FileSpec
from .invoices import INVOICE_SPEC
from .limits import DEFAULT_LIMITS, Limits
from .payments import PAYMENT_SPEC
from .table import XLSX_MAGIC, Table, read_table

SPECS: Mapping[str, FileSpec] = {
    "customers": CUSTOMER_SPEC,
    "invoices": INVOICE_SPEC,
    "payments": PAYMENT_SPEC,
}


@dataclass(frozen=True, slots=True)
class FileOverview:
    headers: list[str]
    encoding: str
    delimiter: str  # "" for a spreadsheet
    sample: list[tuple[int, list[str]]]  # (line, one cell per header)
    rows: int  # data rows, counted up to ``count_limit`` + 1
    rows_exact: bool  # False when ``rows`` comes from the spreadsheet's own dimension


def file_overview(
    data: bytes,
    *,
    filename: str = "",
    sample: int = 5,
    count_limit: int = 200_000,
    limits: Limits = DEFAULT_LIMITS,
    encoding: str = "",
) -> FileOverview:
    table = read_table(data, filename=filename, limits=limits, encoding=encoding)
    width = len(table.headers)
    shown: list[tuple[int, list[str]]] = []
    counted = 0
    dimension = _sheet_rows(data, filename) if not table.delimiter else None
    for line, cells in table:
        if len(shown) < sample:
            shown.append((line, [cell.strip() for cell in cells[:width]]))
        counted += 1
        if len(shown) >= sample and (counted > count_limit or dimension is not None):
            break
    else:  # read to the end: the count is exact
        return _overview(table, shown, counted, exact=True)
    if dimension is not None:
        return _overview(table, shown, max(dimension, counted), exact=False)
    # Stopped at the limit: beyond it only the order of magnitude matters, the lines of the file.
    return _overview(table, shown, max(counted, data.count(b"\n") - 1), exact=False)


def _overview(
    table: Table, shown: list[tuple[int, list[str]]], rows: int, *, exact: bool
) -> FileOverview:
    return FileOverview(
        headers=list(table.headers),
        encoding=table.encoding,
        delimiter=table.delimiter,
        sample=shown,
        rows=rows,
        rows_exact=exact,
    )


def _sheet_rows(data: bytes, filename: str) -> int | None:
    """Data rows of the first sheet as its recorded dimension says (header row excluded), so
    that a large workbook is not read through just to be counted; None when not recorded."""
    if not (data.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm"))):
        return None
    from openpyxl import load_workbook  # imported here: CSV-only imports never pay for it

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        last = workbook.worksheets[0].max_row
    finally:
        workbook.close()
    return last - 1 if isinstance(last, int) and last > 1 else None
