"""Reading an amount as people write it: the one rule for imports and staff forms.

The decimal separator is the last ``,`` or ``.`` when one or two digits follow it (``3088,65``,
``3088.65``, ``12,5``). Thousands are grouped by three, separated by a space (ordinary,
no-break or narrow no-break), an apostrophe, or the other of ``.`` / ``,`` (``3 088,65``,
``3.088,65``, ``3,088.65``, ``3'088.65``). Anything else is refused, never guessed: a group
that is not three digits, two kinds of thousands separator, three decimals or more.

One case is truly ambiguous: a single ``.`` or ``,`` followed by exactly three digits
(``1.234``, ``1,234``): a thousand and more, or one with three decimals. Spreadsheets exported
the English way write ``1,234`` for 1234, so imports read it as thousands
(``lone_group="thousands"``); a person typing into a form is asked to say which
(``lone_group="refuse"``, the default).

Pure: no Django, no locale; the reasons are ``Text`` (``relance.core.text``), French by
default; staff forms word them their own way by ``kind`` (``relance.lib.forms``).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Literal

from relance.core.text import TextError, gettext_noop

CENT = Decimal("0.01")

NOT_A_NUMBER = "not_a_number"
TOO_MANY_DECIMALS = "too_many_decimals"
AMBIGUOUS = "ambiguous"

# Every kind of space people (and spreadsheets) put between groups of three.
SPACES = " \u00a0\u202f\u2009"
_CURRENCY = re.compile(r"^(?:€|euros?|eur)|(?:€|euros?|eur)$", re.IGNORECASE)
# The usual French writing, "1 234,56": read without the general machinery (imports are big).
_FRENCH = re.compile(r"(\d{1,15}|\d{1,3}([ \u00a0\u202f.])\d{3}(?:\2\d{3})*),(\d\d?)").fullmatch
_GROUPS = str.maketrans("", "", " \u00a0\u202f.")
_CHARACTERS = re.compile(r"[\d.,'" + SPACES + r"]*").fullmatch
_SPACE_RUN = re.compile(r"[" + SPACES + r"\t]+")
MAX_DIGITS = 15  # before the decimal separator: enough for any invoice, and a typo guard


_REASONS = {
    NOT_A_NUMBER: gettext_noop("montant non numérique « %(text)s »"),
    TOO_MANY_DECIMALS: gettext_noop("montant avec plus de 2 décimales « %(text)s »"),
    AMBIGUOUS: gettext_noop(
        "montant ambigu « %(text)s » : écrivez les centimes (par exemple « %(hint)s ») ou "
        "retirez le séparateur"
    ),
}


class AmountError(TextError):
    """An amount that cannot be read; ``exc.text`` is the reason (French as ``str(exc)``),
    ``kind`` says which rule it broke (``NOT_A_NUMBER``, ``TOO_MANY_DECIMALS``,
    ``AMBIGUOUS``) and ``written`` is the amount as it was written."""

    def __init__(self, kind: str, written: str) -> None:
        self.kind, self.written = kind, written
        # For an ambiguous amount, how to write the larger reading unambiguously.
        self.hint = _ambiguous_hint(written) if kind == AMBIGUOUS else ""
        super().__init__(_REASONS[kind], text=written, hint=self.hint)


def _ambiguous_hint(text: str) -> str:
    digits = "".join(c for c in text if c.isdigit())
    return f"{digits[:-3]} {digits[-3:]},00" if len(digits) > 3 else f"{digits},00"


def parse_amount(text: str, *, lone_group: Literal["thousands", "refuse"] = "refuse") -> Decimal:
    """The amount ``text`` says, to the cent; may be negative.

    Accepts ``€`` / ``EUR`` before or after, ``-`` before or after, and parentheses
    (accounting style) for a negative amount. Raises ``AmountError``.
    """
    s = text.strip()
    m = _FRENCH(s)
    if m:
        return Decimal(m[1].translate(_GROUPS) + "." + m[3]).quantize(CENT)
    original = s
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    s = _CURRENCY.sub("", s).strip()
    if s.startswith("-"):
        negative, s = True, s[1:]
    elif s.startswith("+"):
        s = s[1:]
    elif s.endswith("-"):
        negative, s = True, s[:-1]
    s = _SPACE_RUN.sub(" ", _CURRENCY.sub("", s.strip()).strip())
    if not s or not any(c.isdigit() for c in s) or not _CHARACTERS(s):
        raise AmountError(NOT_A_NUMBER, original)
    whole, decimals = _split(s, original, lone_group)
    if len(decimals) > 2 and decimals.rstrip("0")[2:]:
        raise AmountError(TOO_MANY_DECIMALS, original)
    digits = _ungroup(whole, original)
    if len(digits.lstrip("0")) > MAX_DIGITS:
        raise AmountError(NOT_A_NUMBER, original)
    try:
        value = Decimal(f"{digits or '0'}.{decimals or '0'}").quantize(CENT)
    except InvalidOperation:
        raise AmountError(NOT_A_NUMBER, original) from None
    return -value if negative else value


def _split(s: str, original: str, lone_group: str) -> tuple[str, str]:
    """(integer part with its group separators, decimal digits)."""
    last = max(s.rfind("."), s.rfind(","))
    if last < 0:
        return s, ""
    mark, tail = s[last], s[last + 1 :]
    if not tail.isdigit() and tail:
        raise AmountError(NOT_A_NUMBER, original)
    head = s[:last]
    other = "," if mark == "." else "."
    if other in head:  # both kinds: the last one is the decimal separator
        if mark in head:
            raise AmountError(NOT_A_NUMBER, original)
        return head, tail
    if mark in head:  # the same mark twice or more: thousands only ("1.234.567")
        if len(tail) != 3:
            raise AmountError(NOT_A_NUMBER, original)
        return s, ""
    if len(tail) == 3 and _lone_group(head):
        if lone_group == "refuse":
            raise AmountError(AMBIGUOUS, original)
        return s, ""
    return head, tail


def _lone_group(head: str) -> bool:
    """``head`` could be the first group of a number grouped by three ("1" in "1,234")."""
    return head.isdigit() and len(head) <= 3 and not head.startswith("0")


def _ungroup(whole: str, original: str) -> str:
    """The digits of the integer part, its groups checked: one separator kind, groups of 3."""
    separators = {c for c in whole if not c.isdigit()}
    if not separators:
        return whole
    if len(separators) > 1 or whole.startswith(tuple(separators)):
        raise AmountError(NOT_A_NUMBER, original)
    groups = whole.split(separators.pop())
    first, rest = groups[0], groups[1:]
    if not (first.isdigit() and 1 <= len(first) <= 3 and not (first.startswith("0"))):
        raise AmountError(NOT_A_NUMBER, original)
    if any(len(group) != 3 or not group.isdigit() for group in rest):
        raise AmountError(NOT_A_NUMBER, original)
    return "".join(groups)
