"""Helpers for the bank statement tests."""

from __future__ import annotations

from pathlib import Path

from relance.imports.parsers.bank import StatementFile, read_statements

BANK = Path(__file__).resolve().parents[1] / "fixtures" / "bank"


def read(name: str, **caps: int) -> StatementFile:
    return read_statements((BANK / name).read_bytes(), **caps)
