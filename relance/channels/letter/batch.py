"""The day's letters and formal notices waiting to be printed, as the to-do and
``letters print`` take them: those whose customer has a complete postal address make the
batch; the others wait for their address (``relance.ledger.postal``)."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from relance.accounts.models import Organisation
from relance.channels.letter.compose import letter_problem
from relance.dunning.models import Reminder, ReminderStatus
from relance.dunning.todo import open_todo


def _unprinted(organisation: Organisation, today: date) -> QuerySet[Reminder]:
    """The to-do's letters and formal notices not printed yet."""
    return open_todo(organisation, today=today).filter(
        channel__in=["letter", "formal_notice"], status=ReminderStatus.TODO, dispatch=None
    )


def letters_pending(
    organisation: Organisation, *, today: date
) -> tuple[list[Reminder], list[Reminder]]:
    """The day's unprinted letters in one read: the batch, and those held for their address."""
    ready: list[Reminder] = []
    held: list[Reminder] = []
    for reminder in (
        _unprinted(organisation, today)
        .select_related("customer", "organisation", "customer__collector")
        .order_by("run_date", "id")
    ):
        (held if letter_problem(reminder) else ready).append(reminder)
    return ready, held


def letters_to_print(
    organisation: Organisation, *, today: date, blocked: bool = False
) -> list[Reminder]:
    """The day's batch (``blocked``: the letters held back for their address instead)."""
    return letters_pending(organisation, today=today)[1 if blocked else 0]
