"""Money and date formatting per language, without Babel.

Forms chosen (the usual ones in each language's business correspondence, as in CLDR):

======  =====================  ==============  ==================
lang    money                  date            long date
======  =====================  ==============  ==================
fr      ``1 234,56 €``         ``31/01/2026``  ``31 janvier 2026``
nl      ``€ 1.234,56``         ``31-01-2026``  ``31 januari 2026``
de      ``1.234,56 €``         ``31.01.2026``  ``31. Januar 2026``
en      ``€1,234.56``          ``31 January 2026`` (both)
======  =====================  ==============  ==================

French groups thousands with a narrow no-break space (U+202F) and puts a no-break space
(U+00A0) before the symbol; Dutch and German put a no-break space between number and
symbol. Amounts are rounded half-up to the cent. A negative amount keeps its sign in front
of the number (``-1 234,56 €``, ``€ -1.234,56``, ``-€1,234.56``).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NNBSP = "\u202f"  # narrow no-break space
NBSP = "\u00a0"
CENT = Decimal("0.01")
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}

MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
           "September", "Oktober", "November", "Dezember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}  # fmt: skip

# (thousands separator, decimal separator) per language
_SEPARATORS = {"fr": (NNBSP, ","), "nl": (".", ","), "de": (".", ","), "en": (",", ".")}


_SEPARATORS_OF = {language: str.maketrans({",": group, ".": point})
                  for language, (group, point) in _SEPARATORS.items()}  # fmt: skip
_EXPONENTS = {places: Decimal(1).scaleb(-places) for places in range(5)}


def _language(language: str) -> str:
    if language not in _SEPARATORS:
        raise ValueError(f"langue « {language} » non prise en charge (fr, nl, en, de)")
    return language


def format_number(value: Decimal | int, language: str, places: int = 2) -> str:
    """12345.678 -> fr "12 345,68", nl/de "12.345,68", en "12,345.68" (no sign handling)."""
    exponent = _EXPONENTS.get(places) or Decimal(1).scaleb(-places)
    text = f"{abs(Decimal(value)).quantize(exponent, rounding=ROUND_HALF_UP):,f}"
    return text.translate(_SEPARATORS_OF[_language(language)])  # from "12,345.68"


def format_money(value: Decimal | int, language: str, currency: str = "EUR") -> str:
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError("montant non fini")
    number = format_number(amount, language)
    rounded = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    symbol = SYMBOLS.get(currency, currency)
    if language == "en":
        return (
            f"{sign}{symbol}{number}" if symbol in SYMBOLS.values() else f"{sign}{symbol} {number}"
        )
    if language == "nl":
        return f"{symbol}{NBSP}{sign}{number}"
    return f"{sign}{number}{NBSP}{symbol}"


def format_date(value: date, language: str, style: str = "short") -> str:
    """Short: fr 31/01/2026, nl 31-01-2026, de 31.01.2026, en 31 January 2026; or long."""
    language = _language(language)
    if style not in ("short", "long"):
        raise ValueError("style de date : « short » ou « long »")
    month = MONTHS[language][value.month - 1]
    if language == "en":
        return f"{value.day} {month} {value.year}"
    if style == "long":
        day = (
            f"{value.day}."
            if language == "de"
            else ("1er" if value.day == 1 and language == "fr" else str(value.day))
        )
        return f"{day} {month} {value.year}"
    separator = {"fr": "/", "nl": "-", "de": "."}[language]
    return f"{value.day:02d}{separator}{value.month:02d}{separator}{value.year}"


def format_iban(value: str) -> str:
    """IBAN in groups of four, as printed on paper."""
    compact = "".join(value.split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
