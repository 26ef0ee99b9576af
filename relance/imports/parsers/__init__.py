"""Pure import parsers: file bytes in, typed rows and line-numbered errors out.

No Django, no network, no clock (an import-linter contract enforces it). A file that cannot be
read at all raises ``FileFormatError`` (French message); every problem in a row goes to
``ParseResult.errors`` with its line number (header = line 1; spreadsheet row number for
XLSX), the column header as written in the file, and a French reason. A row with any error
is left out of ``ParseResult.rows``.

``mapping`` overrides the header detection: field name -> header as written in the file
(an empty header un-maps a field). ``progress(n)`` is called every 10,000 data rows.
``limits`` bounds what a file may cost (``limits.Limits``: sizes, rows, columns, cell and field
lengths), checked while reading; ``encoding`` is the text encoding a person chose ("" detects
it, see ``encoding``).
"""

from __future__ import annotations

from .customers import CUSTOMER_SPEC, parse_customers
from .invoices import INVOICE_SPEC, parse_invoices
from .payments import PAYMENT_SPEC, parse_payments
from .rows import (
    CustomerRow,
    FileFormatError,
    InstalmentRow,
    InvoiceRow,
    ParseResult,
    PaymentRow,
    Progress,
    RowError,
)

__all__ = [
    "CUSTOMER_SPEC",
    "INVOICE_SPEC",
    "PAYMENT_SPEC",
    "CustomerRow",
    "FileFormatError",
    "InstalmentRow",
    "InvoiceRow",
    "ParseResult",
    "PaymentRow",
    "Progress",
    "RowError",
    "parse_customers",
    "parse_invoices",
    "parse_payments",
]
