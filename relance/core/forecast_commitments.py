"""What customers committed to pay and when: promises to pay and payment plans.

A commitment covers some invoices with a schedule (one date for a promise, the plan's due
dates for a plan). What it still brings is its schedule less what was already paid: when the
schedule adds up to more than its invoices still owe, the difference was paid and the earliest
dates are the ones taken off (a plan is paid in order; a promise brings at most what is owed).
What remains is spread over the invoices' open items, the oldest due first; anything a
commitment does not cover is left to the statistical prediction.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")
PROMISE = "promise"
PLAN = "plan"
MODEL = "model"  # a receipt predicted from past payments


@dataclass(frozen=True, slots=True)
class Commitment:
    """A promise (one date) or a payment plan (its instalments), known at the forecast date."""

    kind: str  # PROMISE or PLAN
    invoices: frozenset[Hashable]
    schedule: tuple[tuple[date, Decimal], ...]  # (due date, amount), in date order


@dataclass(frozen=True, slots=True)
class Receipt:
    """An amount expected on a day, and what the expectation rests on."""

    day: date
    amount: Decimal
    source: str  # MODEL, PROMISE or PLAN


@dataclass(frozen=True, slots=True)
class Covered:
    """The receipts of one item that commitments account for."""

    receipts: tuple[Receipt, ...]
    commitments: tuple[Commitment, ...]

    @property
    def amount(self) -> Decimal:
        return sum((receipt.amount for receipt in self.receipts), ZERO)


@dataclass(slots=True)
class _Due:
    day: date
    amount: Decimal


def still_expected(schedule: Sequence[tuple[date, Decimal]], owed: Decimal) -> list[_Due]:
    """The schedule without what was already paid: its total brought down to ``owed`` by
    taking amounts off its earliest dates."""
    excess = sum((amount for _day, amount in schedule), ZERO) - owed
    remaining: list[_Due] = []
    for day, amount in schedule:
        taken = min(amount, max(excess, ZERO))
        excess -= taken
        if amount - taken > ZERO:
            remaining.append(_Due(day, amount - taken))
    return remaining


def cover(
    commitments: Sequence[Commitment],
    items: Sequence[tuple[Hashable, Hashable, date, Decimal]],
    *,
    earliest: date,
) -> dict[Hashable, Covered]:
    """Spread each commitment over the open items of its invoices (``(key, invoice, due date,
    open amount)``), oldest due first, in the order given (an item already covered by one is
    not covered twice). No receipt is dated before ``earliest``: a date passed without payment
    is expected the next day at the soonest."""
    # The items of the invoices committed to, found once: commitments name a few invoices
    # among hundreds of thousands.
    named = {invoice for commitment in commitments for invoice in commitment.invoices}
    left: dict[Hashable, Decimal] = {}
    of_invoice: dict[Hashable, list[tuple[date, str, Hashable]]] = {}
    for key, invoice, due_date, amount in items:
        if invoice in named:
            left[key] = amount
            of_invoice.setdefault(invoice, []).append((due_date, str(key), key))
    receipts: dict[Hashable, list[Receipt]] = {}
    used: dict[Hashable, list[Commitment]] = {}
    for commitment in commitments:
        mine = sorted(
            entry for invoice in commitment.invoices for entry in of_invoice.get(invoice, ())
            if left[entry[2]] > ZERO
        )  # fmt: skip
        owed = sum((left[key] for _due, _text, key in mine), ZERO)
        schedule = still_expected(commitment.schedule, owed)
        for _due, _text, key in mine:
            while left[key] > ZERO and schedule:
                due = schedule[0]
                part = min(left[key], due.amount)
                receipts.setdefault(key, []).append(
                    Receipt(max(due.day, earliest), part, commitment.kind)
                )
                if commitment not in used.setdefault(key, []):
                    used[key].append(commitment)
                left[key] -= part
                due.amount -= part
                if due.amount <= ZERO:
                    schedule.pop(0)
    return {key: Covered(tuple(parts), tuple(used[key])) for key, parts in receipts.items()}
