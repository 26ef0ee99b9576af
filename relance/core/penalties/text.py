"""A penalty computation in plain French, line by line (for the command, letters, the portal)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from relance.core.formatting import format_money, format_number
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
    """One line per period, then the totals and the notes, in French."""
    return [str(line) for line in explanation(result)]


def explanation(result: PenaltyResult, language: str = "fr") -> list[Text]:
    """One line per period, then the totals and the notes, for a reader of ``language``:
    French amounts as the penalty letters write them, other languages as they write theirs."""
    currency = result.currency

    def money(amount: Decimal) -> str:
        return money_text(amount, currency) if language == "fr" else format_money(
            amount, language, currency)  # fmt: skip

    def rate(value: Decimal) -> str:
        return rate_text(value) if language == "fr" else f"{format_number(value, language)} %"

    lines = [sentence(gettext_noop("Régime : %(regime)s"), regime=result.regime)]
    for period in result.periods:
        template = (
            gettext_noop("Du %(start)s au %(end)s : %(days)s jours à %(rate)s sur %(base)s = "
                         "%(interest)s")
            if period.year_days == 365
            else gettext_noop("Du %(start)s au %(end)s : %(days)s jours à %(rate)s sur %(base)s "
                              "(base %(year_days)s jours) = %(interest)s")
        )  # fmt: skip
        lines.append(sentence(
            template, start=period.start, end=period.end, days=str(period.days),
            rate=rate(period.annual_rate), base=money(period.base_amount),
            year_days=str(period.year_days), interest=money(period.interest),
        ))  # fmt: skip
    lines.append(sentence(gettext_noop("Intérêts de retard : %(amount)s"),
                          amount=money(result.interest)))  # fmt: skip
    lines.append(sentence(gettext_noop("Indemnité forfaitaire : %(amount)s"),
                          amount=money(result.indemnity)))  # fmt: skip
    lines.append(sentence(gettext_noop("Total : %(amount)s"), amount=money(result.total)))
    lines.extend(sentence(gettext_noop("Note : %(note)s"), note=note) for note in result.notes)
    return lines
