"""Money and date formatting per language: the pure functions live in ``relance.core``, so
that the penalty wording written there for debtors formats amounts exactly as templates do."""

from relance.core.formatting import (
    MONTHS,
    format_date,
    format_iban,
    format_money,
    format_number,
)

__all__ = ["MONTHS", "format_date", "format_iban", "format_money", "format_number"]
