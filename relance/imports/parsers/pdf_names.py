"""Which invoice a PDF's file name names: the file name contains the invoice number.

Both are compared normalised (``number_key``): case, spaces and separators do not count, so
``Facture F-2024 0012.pdf`` names invoice ``F2024/0012``. A number is found only where it is
not part of a longer run of digits (``F20240012`` is not invoice ``2024``). When several
numbers are found, the longest wins (the most specific); two different invoices found at the
same length make the name ambiguous.

The ledger may hold a million invoices: its numbers are read once, as a stream, and each one
is tested only when its longest run of digits appears among the file names' digits (a set
lookup), never against every file. A number without any digit is never looked for in names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

DIGITS = re.compile(r"\d+")
NOT_ALNUM = re.compile(r"[\W_]+")
# The usual separators, dropped in C by str.translate: a million numbers are keyed per import.
SEPARATORS = str.maketrans("", "", " \t-_/.\\:;,#'\"()[]+°")


def number_key(text: str) -> str:
    """An invoice number or a file name as compared: lower case, letters and digits only."""
    key = text.translate(SEPARATORS).casefold()
    return key if not key or key.isalnum() else NOT_ALNUM.sub("", key)


def _longest_digits(key: str) -> str:
    return max(DIGITS.findall(key), key=len, default="")


def _digit_pieces(key: str) -> set[str]:
    """Every piece of every run of digits of ``key``."""
    pieces = set()
    for run in DIGITS.findall(key):
        for start in range(len(run)):
            for end in range(start + 1, len(run) + 1):
                pieces.add(run[start:end])
    return pieces


def _found_in(number: str, name: str) -> bool:
    """``number`` appears in ``name`` without being part of a longer run of digits."""
    start = name.find(number)
    while start >= 0:
        end = start + len(number)
        before = name[start - 1] if start else ""
        after = name[end] if end < len(name) else ""
        if not (before.isdigit() and number[0].isdigit()) and not (
            after.isdigit() and number[-1].isdigit()
        ):
            return True
        start = name.find(number, start + 1)
    return False


@dataclass
class NameMatch:
    """The invoices a file name may be: ``best`` holds one id when it names one invoice."""

    found: dict[str, set[int]] = field(default_factory=dict)  # number key -> invoice ids

    @property
    def best(self) -> list[tuple[str, set[int]]]:
        if not self.found:
            return []
        longest = max(len(key) for key in self.found)
        return [(key, ids) for key, ids in self.found.items() if len(key) == longest]


@dataclass
class Matches:
    by_name: dict[str, NameMatch]  # file name -> what its name gave
    by_number: dict[str, set[int]]  # wanted number key (from an embedded XML) -> invoice ids


def match_numbers(
    names: Mapping[str, str], wanted: set[str], ledger: Iterable[tuple[int, str]]
) -> Matches:
    """``names``: file name -> its key (``number_key`` of the name without ".pdf");
    ``wanted``: number keys to find exactly (embedded invoices); ``ledger``: (id, number) of
    every invoice, read once."""
    pieces: dict[str, list[str]] = {}  # piece of digits -> the names holding it
    for name, key in names.items():
        for piece in _digit_pieces(key):
            pieces.setdefault(piece, []).append(name)
    by_name = {name: NameMatch() for name in names}
    by_number: dict[str, set[int]] = {}
    for invoice_id, number in ledger:
        key = number_key(number)
        if key in wanted:
            by_number.setdefault(key, set()).add(invoice_id)
        digits = _longest_digits(key)
        for name in pieces.get(digits, ()) if digits else ():
            if _found_in(key, names[name]):
                by_name[name].found.setdefault(key, set()).add(invoice_id)
    return Matches(by_name=by_name, by_number=by_number)
