"""Template helpers of the analysis page: a row's figure at N days."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def collected(row: Any, days: int) -> Decimal:
    """What a collection row collected within ``days`` days."""
    amount: Decimal = row.collected(days)
    return amount


@register.filter
def rate(row: Any, days: int) -> Decimal | None:
    """A collection row's rate at ``days`` days, in percent."""
    value: Decimal | None = row.rate(days)
    return value


@register.filter
def share(row: Any, days: int) -> Decimal | None:
    """The share of a month's due amount paid by J+``days``."""
    value: Decimal | None = row.share(days)
    return value
