"""A reminder's step counts once it is done.

The daily run only *plans*: it records reminders ready to leave or on the to-do, and while one
is under way nothing new is planned for that customer. When the reminder is done (the e-mail or
SMS handed to the server, the letter posted, the call logged, the hand-off confirmed), its items
reach their step, from the day it was done, and the customer counts as contacted that day.
A skipped reminder moves its items past the step without being a contact; a cancelled or failed
one moves nothing, so its items are planned again with the figures of the day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from relance.accounts.audit import Actor, audit_record
from relance.core.planner import shift_on_completion
from relance.dunning.models import (
    CustomerDunning,
    InstalmentDunning,
    Reminder,
    ReminderItem,
    ReminderStatus,
)
from relance.dunning.still_due import REASONS, Covered

# Under way: planned and not yet done, skipped or cancelled (a failed one waits for a person).
UNDER_WAY = (ReminderStatus.READY, ReminderStatus.TODO, ReminderStatus.FAILED)
# Channels whose first message is the Belgian consumer's free first reminder.
WRITTEN = ("email", "letter", "formal_notice")
PAPER = ("letter", "formal_notice")
CHUNK = 500


def reminders_complete(*, reminder_ids: Sequence[int], on: date) -> int:
    """The reminders were done on ``on``: their items reach their step and the customers count
    as contacted. A reminder already done is left as it is; returns how many were completed."""
    return _finish(reminder_ids, on=on, status=ReminderStatus.SENT, contact=True)


def reminders_skip(*, reminder_ids: Sequence[int], on: date) -> int:
    """The reminders were skipped by a person: their items move past the step (it is not
    planned again), but nobody was contacted."""
    return _finish(reminder_ids, on=on, status=ReminderStatus.SKIPPED, contact=False)


def _finish(reminder_ids: Sequence[int], *, on: date, status: str, contact: bool) -> int:
    finished = 0
    ids = sorted(set(reminder_ids))
    for start in range(0, len(ids), CHUNK):
        rows = list(
            Reminder.objects.filter(pk__in=ids[start : start + CHUNK], status__in=UNDER_WAY)
            .values_list("id", "customer_id", "channel", "run_date")
        )  # fmt: skip
        if not rows:
            continue
        chunk = [row[0] for row in rows]
        Reminder.objects.filter(pk__in=chunk).update(status=status)
        planned_on = {pk: run_date for pk, _, _, run_date in rows}
        _advance_items(chunk, planned_on, on)
        if contact:
            _contacted(rows, on)
        finished += len(rows)
    return finished


def _advance_items(reminder_ids: list[int], planned_on: dict[int, date], on: date) -> None:
    items = ReminderItem.objects.filter(reminder_id__in=reminder_ids).values_list(
        "reminder_id", "instalment_id", "step", "shift_days"
    )
    InstalmentDunning.objects.bulk_create(
        [
            InstalmentDunning(
                instalment_id=instalment_id, last_step=step, last_step_on=on,
                shift_days=shift_on_completion(shift, planned_on=planned_on[reminder_id],
                                               done_on=on),
            )
            for reminder_id, instalment_id, step, shift in items
        ],
        update_conflicts=True,
        unique_fields=["instalment"],
        update_fields=["last_step", "last_step_on", "shift_days"],
        batch_size=2000,
    )  # fmt: skip


def _contacted(rows: list[tuple[int, int, str, date]], on: date) -> None:
    customers = sorted({customer_id for _, customer_id, _, _ in rows})
    CustomerDunning.objects.bulk_create(
        [CustomerDunning(customer_id=pk, last_contact_on=on) for pk in customers],
        update_conflicts=True,
        unique_fields=["customer"],
        update_fields=["last_contact_on"],
        batch_size=2000,
    )
    # The first written reminder done is the Belgian consumer's free reminder: keep its date,
    # and whether it went on paper (the waiting period then starts later).
    for paper in (False, True):
        written = sorted(
            {customer for _, customer, channel, _ in rows
             if channel in WRITTEN and (channel in PAPER) == paper}
        )  # fmt: skip
        if written:
            CustomerDunning.objects.filter(customer_id__in=written, first_reminder_on=None).update(
                first_reminder_on=on, first_reminder_paper=paper
            )


def reminders_cancel(*, reasons: Mapping[int, str], actor: Actor) -> int:
    """Cancel reminders that must not go ahead (reason codes of ``still_due.REASONS``): their
    items move nothing, and the reason stays on the reminder and in the audit trail, so the
    customer's timeline says why the task left the to-do."""
    cancelled = 0
    rows = Reminder.objects.filter(pk__in=list(reasons), status__in=UNDER_WAY).select_related(
        "organisation"
    )
    changes = []
    for reminder in rows:
        text = str(REASONS.get(reasons[reminder.pk], reasons[reminder.pk]))
        Reminder.objects.filter(pk=reminder.pk, status=reminder.status).update(
            status=ReminderStatus.CANCELLED, notes=[*reminder.notes, f"Annulée : {text}"]
        )
        changes.append((reminder, {"status": reminder.status},
                        {"status": "cancelled", "reason": reasons[reminder.pk]}))  # fmt: skip
        cancelled += 1
    for reminder, before, after in changes:
        audit_record(
            organisation=reminder.organisation, actor=actor, action="reminder_cancel",
            entity_type="reminder", entity_id=str(reminder.uuid), before=before, after=after,
        )  # fmt: skip
    return cancelled


def reminders_covered(reminder_ids: Sequence[int]) -> dict[int, Covered]:
    """What each reminder is about, for the "still due?" question; the amounts are not
    stated, the task or letter showing the figures of the day it is done."""
    covered: dict[int, Covered] = {}
    customers = dict(Reminder.objects.filter(pk__in=list(reminder_ids))
                     .values_list("id", "customer_id"))  # fmt: skip
    items: dict[int, dict[int, Decimal | None]] = {pk: {} for pk in customers}
    for reminder_id, instalment_id in ReminderItem.objects.filter(
        reminder_id__in=list(customers)
    ).values_list("reminder_id", "instalment_id"):
        items[reminder_id][instalment_id] = None
    for pk, customer_id in customers.items():
        covered[pk] = Covered(customer_id=customer_id, items=items[pk])
    return covered
