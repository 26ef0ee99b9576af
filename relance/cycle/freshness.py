"""Reminders held while the bank data is too old: a customer may have paid yesterday and
relance would not know it yet. The day's automatic reminders of overdue items wait in the
to-do, with the reason, until a person imports the latest statement and decides."""

from __future__ import annotations

from datetime import date

from relance.accounts.models import Organisation
from relance.dunning.models import Reminder, ReminderStatus
from relance.imports.freshness import STALE_REASON, bank_freshness


def stale_bank_data_hold(*, organisation: Organisation, day: date) -> int:
    """Move the day's automatic reminders of overdue items to the to-do; how many. Reminders
    sent before the due date (preventive) go out: they remind of nothing unpaid yet."""
    freshness = bank_freshness(organisation, day=day)
    if freshness is None or not freshness.stale:
        return 0
    held = list(
        Reminder.objects.filter(
            organisation=organisation, run_date=day, mode="auto", status=ReminderStatus.READY,
            message=None, items__instalment__due_date__lt=day,
        ).distinct().only("id", "notes")
    )  # fmt: skip
    for reminder in held:
        reminder.status = ReminderStatus.TODO
        reminder.notes = [*reminder.notes, STALE_REASON]
    Reminder.objects.bulk_update(held, ["status", "notes"], batch_size=1000)
    return len(held)
