"""Applying an amount to open items, oldest due date first (lettrage)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class OpenItem:
    id: int
    due_date: date
    remaining: Decimal
    invoice_id: int = 0  # lets a caller serve one invoice's items first


def reduce_items(items: Sequence[OpenItem], parts: Sequence[tuple[int, Decimal]]) -> list[OpenItem]:
    """The items with what ``parts`` took from them subtracted."""
    used: dict[int, Decimal] = {}
    for pk, amount in parts:
        used[pk] = used.get(pk, ZERO) + amount
    return [
        OpenItem(item.id, item.due_date, item.remaining - used.get(item.id, ZERO), item.invoice_id)
        for item in items
    ]


def allocate_oldest_first(
    items: Sequence[OpenItem], amount: Decimal
) -> tuple[list[tuple[int, Decimal]], Decimal]:
    """Split ``amount`` over ``items`` by due date (then id); return the parts and what is left.

    Items with nothing remaining are passed over; a negative amount is a programming error.
    """
    if amount < ZERO:
        raise ValueError("cannot allocate a negative amount")
    parts: list[tuple[int, Decimal]] = []
    left = amount
    for item in sorted(items, key=lambda it: (it.due_date, it.id)):
        if left <= ZERO:
            break
        if item.remaining <= ZERO:
            continue
        part = min(item.remaining, left)
        parts.append((item.id, part))
        left -= part
    return parts, left
