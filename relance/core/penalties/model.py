"""What a penalty computation returns, and the money helpers it shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from relance.core.text import Text, TextError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class PenaltyError(TextError):
    """Bad input, explained for the person who typed it (``exc.text``)."""


def round_cents(amount: Decimal) -> Decimal:
    """Half-up to the cent: 0.005 -> 0.01."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def decimal_text(value: Decimal) -> str:
    """At least two decimals, never an exponent: 10.5 -> "10.50", 7.865 -> "7.865"."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):
        raise ValueError(f"not a finite number: {value}")
    shown = value.quantize(CENT) if exponent >= -2 else value
    return f"{shown:f}"


@dataclass(frozen=True, slots=True)
class Period:
    """Days ``start`` to ``end`` (both included) at one rate on one unpaid balance."""

    start: date
    end: date
    days: int
    annual_rate: Decimal  # percent: 12.15 means 12.15 % a year
    base_amount: Decimal
    interest: Decimal  # rounded half-up to the cent
    year_days: int = 365
    source: str = ""
    verified: bool = True

    def as_dict(self) -> dict[str, object]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "annual_rate": decimal_text(self.annual_rate),
            "base_amount": decimal_text(self.base_amount),
            "interest": decimal_text(self.interest),
            "year_days": self.year_days,
            "source": self.source,
            "verified": self.verified,
        }


@dataclass(frozen=True, slots=True)
class PenaltyResult:
    """Interest, fixed indemnity, total, and why.

    ``interest`` is the sum of the periods' interest, each rounded half-up to the cent, so
    the lines shown always add up to it; ``exact_interest`` is the same with no rounding.
    """

    regime: str
    interest: Decimal
    indemnity: Decimal
    total: Decimal
    periods: list[Period]
    notes: list[Text]  # French by default, in the reader's language on staff pages
    currency: str = "EUR"
    exact_interest: Decimal = ZERO
    indemnity_source: str = ""
    sources: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "regime": self.regime,
            "currency": self.currency,
            "interest": decimal_text(self.interest),
            "indemnity": decimal_text(self.indemnity),
            "total": decimal_text(self.total),
            "exact_interest": f"{self.exact_interest:f}",
            "indemnity_source": self.indemnity_source,
            "periods": [period.as_dict() for period in self.periods],
            "notes": [str(note) for note in self.notes],
            "sources": list(self.sources),
        }
