"""Bounds on the work one file may cause: bytes read, bytes inflated, rows, columns, cell
length, and the stored length of each field.

The parsers are pure, so the limits come in as an argument; the application builds them from
its settings and from its models' field lengths (``relance.imports.limits``). Every bound is
checked while the file is read, before anything large is held in memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    file_bytes: int = 1024 * MB  # the file as given
    xlsx_part_bytes: int = 200 * MB  # each part of a workbook once inflated (sheets...)
    xlsx_strings_bytes: int = 50 * MB  # the shared strings part, loaded whole by openpyxl
    rows: int = 5_000_000  # data rows
    columns: int = 200
    cell_chars: int = 10_000  # any cell
    # Field name -> most characters the database keeps for it (free-text fields only: coded
    # values such as dates, amounts or VAT numbers are checked by their own format).
    lengths: Mapping[str, int] = field(default_factory=dict)


DEFAULT_LIMITS = Limits()


def thousands(number: int) -> str:
    """1234567 -> "1 234 567", as French messages write numbers."""
    return f"{number:,}".replace(",", " ")
