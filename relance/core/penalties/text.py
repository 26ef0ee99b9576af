"""A penalty computation in plain French, line by line (for the command, letters, the portal)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from relance.core.penalties.model import CENT, PenaltyResult, decimal_text
from relance.core.text import Text, gettext_noop, sentence

SYMBOLS = {"EUR": "€"}


def day_text(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _french_number(value: Decimal) -> str:
    """12345.6 -> "12 345,60" (a plain space groups thousands)."""
    text = decimal_text(value)
    sign = "-" if text.startswith("-") else ""
    whole, _, decimals = text.lstrip("-").partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{sign}{' '.join(groups)},{decimals}"


def money_text(amount: Decimal, currency: str = "EUR") -> str:
    return f"{_french_number(amount)} {SYMBOLS.get(currency, currency)}"


def rate_text(rate: Decimal) -> str:
    return f"{_french_number(rate)} %"


def rate_param(rate: Decimal) -> Text:
    """A rate for a ``Text`` note: ``2,15 %``, at least two decimals as ``rate_text``."""
    exponent = rate.as_tuple().exponent
    shown = rate.quantize(CENT) if isinstance(exponent, int) and exponent >= -2 else rate
    return sentence(gettext_noop("%(n)s %%"), n=shown)


def explain(result: PenaltyResult) -> list[str]:
    """One line per period, then the totals and the notes."""
    currency = result.currency
    lines = [f"Régime : {result.regime}"]
    for period in result.periods:
        basis = "" if period.year_days == 365 else f" (base {period.year_days} jours)"
        lines.append(
            f"Du {day_text(period.start)} au {day_text(period.end)} : {period.days} jours à "
            f"{rate_text(period.annual_rate)} sur {money_text(period.base_amount, currency)}"
            f"{basis} = {money_text(period.interest, currency)}"
        )
    lines.append(f"Intérêts de retard : {money_text(result.interest, currency)}")
    lines.append(f"Indemnité forfaitaire : {money_text(result.indemnity, currency)}")
    lines.append(f"Total : {money_text(result.total, currency)}")
    lines.extend(f"Note : {note}" for note in result.notes)
    return lines
