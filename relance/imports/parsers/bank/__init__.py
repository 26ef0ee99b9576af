"""Bank statement files -> ``Statement`` (pure: bytes in, dataclasses out).

``read_statements(data)`` recognises the format from the content (never the file name):
ISO 20022 camt.052/053/054, CFONB 120, CODA, MT940, OFX 1.x/2.x and QIF (bank accounts). A file it
cannot read raises ``StatementError`` with the line (or XML path) and the reason.
"""

from __future__ import annotations

from .detect import read_statements
from .model import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ENTRIES,
    Balance,
    Entry,
    Limits,
    Statement,
    StatementError,
    StatementFile,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ENTRIES",
    "Balance",
    "Entry",
    "Limits",
    "Statement",
    "StatementError",
    "StatementFile",
    "read_statements",
]
