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
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from relance.accounts.audit import Actor, audit_record_many
from relance.accounts.models import Organisation
from relance.core.planner import shift_on_completion
from relance.dunning.models import (
    CustomerDunning,
    InstalmentDunning,
    Reminder,
    ReminderItem,
    ReminderStatus,
)
from relance.dunning.reminder_facts import reminder_facts_refresh_done
from relance.dunning.still_due import REASONS, Covered
from relance.lib.bulk import db_values, quoted_names, upsert_rows

# Under way: planned and not yet done, skipped or cancelled (a failed one waits for a person).
UNDER_WAY = (ReminderStatus.READY, ReminderStatus.TODO, ReminderStatus.FAILED)
# Channels whose first message is the Belgian consumer's free first reminder.
WRITTEN = ("email", "letter", "formal_notice")
PAPER = ("letter", "formal_notice")
CHUNK = 500


def reminders_complete(*, reminder_ids: Sequence[int], on: date, facts: bool = True) -> int:
    """The reminders were done on ``on``: their items reach their step and the customers count
    as contacted. A reminder already done is left as it is; returns how many were completed.

    ``facts=False``: the caller brings what the analysis keeps of them up to date itself, for
    many at once (``reminder_facts_refresh_done``: the send loop, after its batch)."""
    return _finish(reminder_ids, on=on, status=ReminderStatus.SENT, contact=True, facts=facts)


def reminders_skip(*, reminder_ids: Sequence[int], on: date) -> int:
    """The reminders were skipped by a person: their items move past the step (it is not
    planned again), but nobody was contacted."""
    return _finish(reminder_ids, on=on, status=ReminderStatus.SKIPPED, contact=False, facts=False)


def _finish(
    reminder_ids: Sequence[int], *, on: date, status: str, contact: bool, facts: bool
) -> int:
    """A few statements written once, whatever the number of reminders: the send loop
    completes each message's reminder as the message leaves, in the same transaction."""
    finished = 0
    ids = sorted(set(reminder_ids))
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            # Only those still under way: a reminder done twice moves its items once.
            cursor.execute(_end_sql(len(chunk)), [status, *chunk, *UNDER_WAY])
            rows: list[tuple[int, int, str, date]] = cursor.fetchall()
            if not rows:
                continue
            planned_on = {pk: run_date for pk, _, _, run_date in rows}
            _advance_items(cursor, planned_on, on)
            if contact:
                _contacted(cursor, rows, on)
            if facts:
                reminder_facts_refresh_done(reminder_ids=planned_on)
            finished += len(rows)
    return finished


def _advance_items(cursor: CursorWrapper, planned_on: dict[int, date], on: date) -> None:
    cursor.execute(_items_sql(len(planned_on)), list(planned_on))
    day = db_values(InstalmentDunning, {"last_step_on": on})[0]
    upsert_rows(
        InstalmentDunning,
        ["instalment", "last_step", "last_step_on", "shift_days", "repeats"],
        [
            (instalment_id, step, day,
             shift_on_completion(shift, planned_on=planned_on[reminder_id], done_on=on), repeat)
            for reminder_id, instalment_id, step, shift, repeat in cursor.fetchall()
        ],
        unique="instalment",
        update=["last_step", "last_step_on", "shift_days", "repeats"],
    )  # fmt: skip


def _contacted(cursor: CursorWrapper, rows: list[tuple[int, int, str, date]], on: date) -> None:
    customers = sorted({customer_id for _, customer_id, _, _ in rows})
    day = db_values(CustomerDunning, {"last_contact_on": on})[0]
    upsert_rows(CustomerDunning, ["customer", "last_contact_on"],
                [(pk, day) for pk in customers], unique="customer",
                update=["last_contact_on"])  # fmt: skip
    # The first written reminder done is the Belgian consumer's free reminder: keep its date,
    # and whether it went on paper (the waiting period then starts later).
    for paper in (False, True):
        written = sorted(
            {customer for _, customer, channel, _ in rows
             if channel in WRITTEN and (channel in PAPER) == paper}
        )  # fmt: skip
        if written:
            cursor.execute(_first_reminder_sql(len(written)),
                           [day, paper, *written])  # fmt: skip


@cache
def _end_sql(count: int) -> str:
    table, pk, customer, channel, run_date, status = quoted_names(
        Reminder, "id", "customer", "channel", "run_date", "status"
    )
    return (
        f"UPDATE {table} SET {status} = %s WHERE {pk} IN ({_marks(count)})"
        f" AND {status} IN ({_marks(len(UNDER_WAY))})"
        f" RETURNING {pk}, {customer}, {channel}, {run_date}"
    )


@cache
def _items_sql(count: int) -> str:
    table, reminder, instalment, step, shift, repeat = quoted_names(
        ReminderItem, "reminder", "instalment", "step", "shift_days", "repeat"
    )
    return (f"SELECT {reminder}, {instalment}, {step}, {shift}, {repeat} FROM {table}"
            f" WHERE {reminder} IN ({_marks(count)})")  # fmt: skip


@cache
def _first_reminder_sql(count: int) -> str:
    table, customer, first_on, paper = quoted_names(
        CustomerDunning, "customer", "first_reminder_on", "first_reminder_paper"
    )
    return (f"UPDATE {table} SET {first_on} = %s, {paper} = %s"
            f" WHERE {customer} IN ({_marks(count)}) AND {first_on} IS NULL")  # fmt: skip


def _marks(count: int) -> str:
    return ", ".join(["%s"] * count)


@transaction.atomic(savepoint=False)
def reminders_cancel(
    *, organisation: Organisation, reasons: Mapping[int, str], actor: Actor
) -> int:
    """Cancel reminders that must not go ahead (reason codes of ``still_due.REASONS``): their
    items move nothing, and the reason stays on the reminder and in the audit trail, so the
    customer's timeline says why the task left the to-do.

    Set-based: per chunk, one read (rows locked where the database can) and one batch of
    updates, then one batch of audit rows, whatever the number."""
    ids = sorted(reasons)
    cancelled: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for start in range(0, len(ids), CHUNK):
        rows = list(
            Reminder.objects.select_for_update()
            .filter(
                organisation=organisation, pk__in=ids[start : start + CHUNK], status__in=UNDER_WAY
            )
            .only("id", "uuid", "status", "notes")
            .order_by("id")
        )
        changes = []
        for reminder in rows:
            text = str(REASONS.get(reasons[reminder.pk], reasons[reminder.pk]))
            changes.append((ReminderStatus.CANCELLED.value,
                            _json_notes([*reminder.notes, f"Annulée : {text}"]),
                            reminder.pk, reminder.status))  # fmt: skip
            cancelled.append((str(reminder.uuid), {"status": reminder.status},
                              {"status": "cancelled", "reason": reasons[reminder.pk]}))  # fmt: skip
        if changes:
            with connection.cursor() as cursor:
                # Only if still as read: a reminder done meanwhile is not cancelled over it.
                cursor.executemany(_cancel_sql(), changes)
    if cancelled:
        audit_record_many(organisation=organisation, actor=actor, action="reminder_cancel",
                          entity_type="reminder", changes=cancelled)  # fmt: skip
    return len(cancelled)


def _json_notes(notes: list[str]) -> Any:
    return Reminder._meta.get_field("notes").get_db_prep_save(notes, connection=connection)


@cache
def _cancel_sql() -> str:
    table, notes, pk, status = quoted_names(Reminder, "notes", "id", "status")
    return f"UPDATE {table} SET {status} = %s, {notes} = %s WHERE {pk} = %s AND {status} = %s"


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
