"""Stable entry ids and the balance check, shared by every format.

An entry's id must be the same when the same movement comes back in a re-imported or an
overlapping statement, so that it is never recorded twice. The bank's own reference is used
when the file carries one; otherwise a hash of what identifies the movement, plus its rank
among identical movements of the same day (two genuine identical transfers stay two).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from relance.core.text import Text, gettext_noop

from .model import Balance


class EntryIds:
    """Hands out ids for one account; one instance per statement file and account."""

    def __init__(self, account: str) -> None:
        self.account = account
        self._seen: Counter[str] = Counter()

    def from_reference(self, reference: str) -> str:
        key = f"{self.account}/{reference}"
        rank = self._seen[key]
        self._seen[key] += 1
        # A bank reference repeated in one file (seen in batch details) is disambiguated by
        # its rank, which re-importing the same file reproduces.
        return key if rank == 0 else f"{key}#{rank}"

    def from_content(
        self,
        *,
        booking_date: date | None,
        value_date: date | None,
        amount: Decimal,
        text: str,
    ) -> str:
        raw = f"{self.account}|{booking_date}|{value_date}|{amount}|{' '.join(text.split())}"
        rank = self._seen[raw]
        self._seen[raw] += 1
        digest = hashlib.sha1(f"{raw}|{rank}".encode()).hexdigest()[:20]
        return f"{self.account}/h:{digest}"


def balance_warnings(
    *,
    opening: Balance | None,
    closing: Balance | None,
    booked: Iterable[Decimal],
    label: Text,
) -> list[Text]:
    """A warning when opening + booked movements differs from closing (nothing when unknown).

    Amounts are given as the bank wrote them (a point, no grouping): the reader compares
    them with the file."""
    if opening is None or closing is None:
        return []
    expected = opening.amount + sum(booked, Decimal(0))
    if expected == closing.amount:
        return []
    return [
        Text(
            gettext_noop(
                "%(statement)s : le solde final (%(closing)s) ne correspond pas au solde "
                "initial (%(opening)s) plus les opérations (%(movements)s) ; écart %(gap)s. "
                "Vérifiez qu'il ne manque pas d'opérations."
            ),
            {
                "statement": label,
                "closing": str(closing.amount),
                "opening": str(opening.amount),
                "movements": str(expected - opening.amount),
                "gap": str(closing.amount - expected),
            },
        )
    ]
