"""What a search box query says, read once for every kind of thing it may find.

Pure: the database side (indexes, SQL) is in ``relance.ledger.search``. A query is cut into
words; from it are also derived the forms an invoice number, a phone number, an amount or a
payment reference would take, each only when the query can be one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from relance.core.matching import number_key
from relance.core.money import AmountError, parse_amount

# A longer query is refused: nobody types it, and each word costs an index lookup.
MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
# The trigram index needs three characters: a shorter number would match half the portfolio.
MIN_NUMBER_LENGTH = 3
MIN_PHONE_DIGITS = 6
# What people put between the parts of an invoice number; removed on both sides before
# comparing (the database indexes the number without them, see relance.ledger.search).
NUMBER_SEPARATORS = " -/._#:,;\\|\u00a0\u202f"
_SEPARATORS = str.maketrans("", "", NUMBER_SEPARATORS)
_WORD_CHARACTER = re.compile(r"\w")
_PHONE = re.compile(r"\+?[\d \u00a0.\-/()]+")
_STRUCTURED = re.compile(r"\+\+\+\d{3}/\d{4}/\d{5}\+\+\+|\*\*\*\d{3}/\d{4}/\d{5}\*\*\*")
# Letters with no decomposition that people still type without their mark.
_SPECIAL_LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d"})


TOO_LONG = "too_long"
TOO_SHORT = "too_short"


class QueryError(ValueError):
    """A query that cannot be searched; ``str(exc)`` is the French reason, ``kind`` says
    which rule it broke (``TOO_LONG``, ``TOO_SHORT``), for pages to translate."""

    def __init__(self, kind: str, reason: str) -> None:
        self.kind = kind
        super().__init__(reason)


@dataclass(frozen=True)
class Query:
    text: str
    words: tuple[str, ...]
    number: str  # the invoice number without separators, upper case ("" when too short)
    number_key: str  # the same as bank matching compares it (no prefix, no leading zeros)
    phone_digits: str  # the national significant digits ("" when not a phone number)
    amount: Decimal | None
    reference: str  # a structured payment reference, compact, upper case


def parse_query(text: str) -> Query:
    """The query ``text`` as each kind of search reads it. Raises ``QueryError``."""
    if len(text) > MAX_QUERY_LENGTH:
        reason = f"Recherche trop longue ({MAX_QUERY_LENGTH} caractères au plus)."
        raise QueryError(TOO_LONG, reason)
    text = " ".join(text.split())
    words = tuple(word for word in text.split(" ") if _WORD_CHARACTER.search(word))
    if not words:
        raise QueryError(TOO_SHORT, "Tapez au moins une lettre ou un chiffre.")
    if len(words) > MAX_WORDS:
        raise QueryError(TOO_LONG, f"Recherche trop longue ({MAX_WORDS} mots au plus).")
    # Invoice numbers carry digits: a query without any is a name, not a number.
    has_digit = any(c.isdigit() for c in text)
    number = compact_number(text) if has_digit else ""
    key = number_key(text) if has_digit else ""
    return Query(
        text=text,
        words=words,
        number=number if len(number) >= MIN_NUMBER_LENGTH else "",
        number_key=key if len(key) >= MIN_NUMBER_LENGTH else "",
        phone_digits=phone_digits(text),
        amount=_amount(text),
        reference=_reference(text),
    )


def compact_number(text: str) -> str:
    """An invoice number as the index holds it: no separators, upper case."""
    return text.translate(_SEPARATORS).upper()


def phone_digits(text: str) -> str:
    """The digits to look for in an E.164 number: ``+32 470 12 34 56``, ``0032 470…`` and
    the national ``0470 12 34 56`` all give ``470123456`` or a longer ending of it."""
    if not _PHONE.fullmatch(text):
        return ""
    digits = re.sub(r"\D", "", text.replace("(0)", ""))
    if text.startswith("00") or text.startswith("+"):
        digits = digits[2:] if text.startswith("00") else digits
    elif digits.startswith("0"):
        digits = digits[1:]  # the national trunk zero, absent from E.164
    return digits if len(digits) >= MIN_PHONE_DIGITS else ""


def _amount(text: str) -> Decimal | None:
    if not any(c.isdigit() for c in text):
        return None
    try:
        amount = parse_amount(text)
    except AmountError:
        return None
    return amount if amount > 0 else None


def _reference(text: str) -> str:
    compact = text.replace(" ", "").upper()
    if _STRUCTURED.fullmatch(compact):
        return compact.replace("*", "+")
    if compact.startswith("RF") and 5 <= len(compact) <= 25 and compact[2:].isalnum():
        return compact
    return ""


def fold(text: str) -> str:
    """Lower case, without accents: how two spellings of a name are compared."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_SPECIAL_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def highlight(text: str, words: tuple[str, ...]) -> list[tuple[str, bool]]:
    """``text`` in pieces, each with whether it is part of a searched word (accents and case
    aside): what a result shows in bold. The pieces joined give ``text`` back."""
    folded, origin = [], []
    for position, character in enumerate(text):
        for folded_character in fold(character):
            folded.append(folded_character)
            origin.append(position)
    haystack = "".join(folded)
    marked = [False] * len(text)
    for word in {fold(word) for word in words}:
        start = haystack.find(word) if word else -1
        while start >= 0:
            for index in range(start, start + len(word)):
                marked[origin[index]] = True
            start = haystack.find(word, start + len(word))
    pieces: list[tuple[str, bool]] = []
    for character, is_marked in zip(text, marked, strict=True):
        if pieces and pieces[-1][1] == is_marked:
            pieces[-1] = (pieces[-1][0] + character, is_marked)
        else:
            pieces.append((character, is_marked))
    return pieces
