"""What a task claims, in one total and what it is made of, from the same context its message,
letter or hand-off note is written from: the figure a collector reads on the task is the one
that leaves (``MessageContext.amount_claimed``), never a second computation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from relance.channels.compose import message_context
from relance.dunning.models import Reminder

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Claim:
    currency: str
    overdue: Decimal  # principal of the overdue items
    interest: Decimal  # claimed only (zero when the step mentions or leaves out penalties)
    indemnity: Decimal
    total: Decimal  # what the message claims: overdue + interest + indemnity
    not_due: Decimal  # open items not yet due: listed, never claimed
    overdue_items: int
    not_due_items: int
    penalties: str  # the step's choice: none, mentioned, claimed
    interest_missing: bool  # a rate was not published for part of the delay


def task_claim(reminder: Reminder, *, today: date) -> Claim:
    context = message_context(reminder, today=today)
    claimed = context.penalties if reminder.penalties == "claimed" else None
    overdue_items = sum(1 for item in context.items if item.days_late > 0)
    return Claim(
        currency=context.currency,
        overdue=context.total_overdue,
        interest=claimed.interest if claimed else ZERO,
        indemnity=claimed.indemnity if claimed else ZERO,
        total=context.amount_claimed,
        not_due=context.total_due - context.total_overdue,
        overdue_items=overdue_items,
        not_due_items=len(context.items) - overdue_items,
        penalties=reminder.penalties,
        interest_missing=bool(claimed and claimed.interest_missing),
    )
