"""Helpers to build import files in tests."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from relance.imports.parsers import RowError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "portfolio-50"

INVOICE_HEADER = (
    "number,customer_id,issue_date,due_date,amount_incl_tax,currency,paid_date,paid_amount"
)


def csv_bytes(*lines: str, encoding: str = "utf-8", newline: str = "\n") -> bytes:
    return (newline.join(lines) + newline).encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def errors_of(errors: Sequence[RowError]) -> list[tuple[int, str, str]]:
    return [(e.line, e.column, str(e.reason)) for e in errors]
