"""When a promise to pay holds: the one rule every reader of promises applies.

A promise made for a date holds until that date plus the organisation's grace period, both
counted: promised for Monday 10 with 3 days' grace, the items are left alone until Thursday 13
and reminded again from Friday 14 if still unpaid. A broken promise (recorded as such) never
holds. Written once here so that the planner, the last check before a message leaves, the
to-do and the reports cannot disagree.
"""

from __future__ import annotations

from datetime import date, timedelta


def promise_holds(promised_on: date, *, today: date, grace_days: int) -> bool:
    """Whether a promise for ``promised_on`` still covers its items on ``today``."""
    return today <= promised_on + timedelta(days=grace_days)


def earliest_holding_promise(*, today: date, grace_days: int) -> date:
    """The earliest promise date that still holds on ``today`` (for database filters:
    ``promised_on >= earliest_holding_promise(...)``)."""
    return today - timedelta(days=grace_days)


def promise_lapses_on(promised_on: date, *, grace_days: int) -> date:
    """The first day a promise no longer holds: its items are reminded again from then."""
    return promised_on + timedelta(days=grace_days + 1)
