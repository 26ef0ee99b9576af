"""Running a collection day in tests, as it goes when all is well."""

from __future__ import annotations

from datetime import date

from relance.accounts.audit import Actor
from relance.accounts.models import Organisation
from relance.dunning.completion import reminders_complete
from relance.dunning.models import Reminder, ReminderStatus
from relance.dunning.run import RunSummary, run_day


def run_and_send(
    organisation: Organisation, day: date, actor: Actor, *, manual: bool = False
) -> RunSummary:
    """The day's run, then its automatic reminders handed over that same day (what
    ``send-outbox`` does when the mail server answers): their steps count from ``day``.
    Manual steps stay on the to-do, unless ``manual``: then they are done that day too."""
    summary = run_day(organisation=organisation, day=day, actor=actor)
    statuses = [ReminderStatus.READY, *([ReminderStatus.TODO] if manual else [])]
    ready = Reminder.objects.filter(
        organisation=organisation, run_date=day, status__in=statuses
    ).values_list("id", flat=True)
    reminders_complete(reminder_ids=list(ready), on=day)
    return summary
