"""What the analysis reads of each reminded item instead of joining every allocation.

- ``ReminderItemPayment``: the payments allocated to the item's instalment, summed per day
  from the reminder's day to ``PAID_WITHIN_DAYS`` days after it (credit notes are not
  payments). The collection rates and their median read these rows.
- ``InstalmentDunning.first_reminder_item`` / ``first_reminded_on``: the instalment's first
  reminder done (the earliest day, then the first reminder written that day). The cohorts by
  first reminder start from them.

Both follow from the ledger and the reminders done, so they are rebuilt, never adjusted, for
the instalments a write touched: wherever allocations are made or removed (payments
recorded, imported, matched from the bank, paid online, reversed, refunded) and when
reminders are done (``relance.dunning.completion``), since payments may have come in before.
A few statements per 500 instalments, whatever the number of items and payments.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Model, OuterRef, QuerySet, Subquery, Sum, Value

from relance.accounts.models import Organisation
from relance.dunning.models import (
    InstalmentDunning,
    ReminderItem,
    ReminderItemPayment,
    ReminderStatus,
)
from relance.ledger.models import Allocation
from relance.lib.bulk import chunks, quoted_names
from relance.lib.days import DaysBetween

PAID_WITHIN_DAYS = 30
CHUNK = 500


def reminder_facts_refresh(*, instalment_ids: Iterable[int]) -> None:
    """Rebuild the payments per day and the first reminder of these instalments' items."""
    with transaction.atomic():
        for chunk in chunks(sorted(set(instalment_ids)), CHUNK):
            _rebuild(_done_items().filter(instalment_id__in=chunk))


def reminder_facts_refresh_done(*, reminder_ids: Iterable[int]) -> None:
    """The reminders were just done: their items' payments per day (some may have come in
    before) and their instalments' first reminder."""
    with transaction.atomic():
        for chunk in chunks(sorted(set(reminder_ids)), CHUNK):
            _rebuild(_done_items().filter(reminder_id__in=chunk))


def reminder_facts_refresh_paid_by(*, payment_ids: Iterable[int]) -> None:
    """Rebuild the facts of the instalments these payments are allocated to."""
    reminder_facts_refresh(instalment_ids=paid_instalments(payment_ids))


def paid_instalments(payment_ids: Iterable[int]) -> set[int]:
    """The instalments these payments are allocated to: read before the allocations go, for
    a refresh once they are gone."""
    found: set[int] = set()
    for chunk in chunks(sorted(set(payment_ids)), CHUNK):
        found.update(
            Allocation.objects.filter(payment_id__in=chunk).values_list("instalment_id", flat=True)
        )
    return found


def reminder_facts_rebuild(*, organisation: Organisation | None = None) -> None:
    """Rebuild the facts of every reminded item of the organisation (of all when None),
    set-based: after data written without the services (the first fill, a repair)."""
    items = _done_items()
    if organisation is not None:
        items = items.filter(reminder__organisation=organisation)
    with transaction.atomic():
        _rebuild(items)


@dataclass(frozen=True)
class FactsCheck:
    """How many reminded items and instalments have facts other than a rebuild would write."""

    items: int
    instalments: int


def reminder_facts_check(*, organisation: Organisation) -> FactsCheck:
    """Compare what is kept with what the ledger gives now (one query for each side)."""
    items = _done_items().filter(reminder__organisation=organisation)
    kept = set(
        ReminderItemPayment.objects.filter(item__in=items.values("pk")).values_list(
            "item_id", "days", "amount"
        )
    )
    expected = {(row["pk"], row["days"], row["amount"]) for row in _paid_by_day(items)}
    first = _first_item()
    firsts = (
        InstalmentDunning.objects.filter(instalment__organisation=organisation)
        .annotate(
            item=Subquery(first.values("pk")[:1]),
            day=Subquery(first.values("reminder__run_date")[:1]),
        )
        .values_list("first_reminder_item_id", "first_reminded_on", "item", "day")
    )
    return FactsCheck(
        items=len({item for item, _, _ in kept ^ expected}),
        instalments=sum(1 for kept_item, kept_day, *now in firsts if [kept_item, kept_day] != now),
    )


def _done_items() -> QuerySet[ReminderItem]:
    return ReminderItem.objects.filter(reminder__status=ReminderStatus.SENT)


def _rebuild(items: QuerySet[ReminderItem]) -> None:
    ReminderItemPayment.objects.filter(item__in=items.values("pk"))._raw_delete(
        ReminderItemPayment.objects.db
    )
    _insert(ReminderItemPayment, ("item", "days", "amount"), _paid_by_day(items))
    _insert(
        InstalmentDunning,
        ("instalment", "last_step", "shift_days", "repeats"),
        _missing_states(items),
    )
    _first_reminders(items)


def _paid_by_day(items: QuerySet[ReminderItem]) -> QuerySet[ReminderItem, Any]:
    """Per item and day after its reminder (0 to PAID_WITHIN_DAYS): the payments allocated."""
    return (
        items.filter(
            instalment__allocations__payment__isnull=False,
            instalment__allocations__date__gte=F("reminder__run_date"),
        )
        .annotate(days=DaysBetween("instalment__allocations__date", "reminder__run_date"))
        .filter(days__lte=PAID_WITHIN_DAYS)
        .values("pk", "days")
        .annotate(amount=Sum("instalment__allocations__amount"))
        .order_by()
    )


def _missing_states(items: QuerySet[ReminderItem]) -> QuerySet[ReminderItem, Any]:
    """Instalments reminded without a dunning state row yet: a row of defaults says the same
    as none, and gives the first reminder a place."""
    return (
        items.filter(instalment__dunning__isnull=True)
        .annotate(blank=Value(""), no_shift=Value(0), no_repeat=Value(0))
        .values_list("instalment_id", "blank", "no_shift", "no_repeat")
        .distinct()
        .order_by()
    )


def _first_item() -> QuerySet[ReminderItem]:
    """The first reminder done of the instalment of the outer row: the earliest day, then the
    first reminder written that day."""
    return (
        _done_items()
        .filter(instalment_id=OuterRef("instalment_id"))
        .order_by("reminder__run_date", "reminder_id")
    )


def _first_reminders(items: QuerySet[ReminderItem]) -> None:
    first = _first_item()
    InstalmentDunning.objects.filter(instalment_id__in=items.values("instalment_id")).update(
        first_reminder_item=Subquery(first.values("pk")[:1]),
        first_reminded_on=Subquery(first.values("reminder__run_date")[:1]),
    )


def _insert(model: type[Model], fields: tuple[str, ...], rows: QuerySet[Any, Any]) -> None:
    """INSERT ... SELECT: the rows never come through Python."""
    table, *columns = quoted_names(model, *fields)
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) {sql}", params)
