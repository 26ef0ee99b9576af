"""What an export's cells hold, and the text no spreadsheet may run as a formula; shared by
the CSV writer (``relance.reports.exports``) and the XLSX writer (``relance.reports.xlsx``).

Cells are ``str``, ``int``, ``Decimal`` (money), ``date``, ``datetime`` (naive, already in
the organisation's time zone) or ``None`` (empty). Booleans are refused: a bool is an int,
and 1 or 0 in a column says nothing; give the words to show.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

Cell = str | int | Decimal | date | datetime | None
Row = Sequence[Cell]

# Text starting with one of these is read as a formula by Excel, LibreOffice or Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NO_BOOLEANS = "export cells hold no booleans: give the words to show"


def safe_text(text: str) -> str:
    """Text a spreadsheet shows as it is, never evaluates (see ``relance.reports.exports``)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
