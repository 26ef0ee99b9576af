"""Keeping ``CustomerBalance`` in step with the ledger, set-based.

One aggregate query over the open instalments gives, per customer and currency, what is owed
and how late; the rows are then replaced in bulk. Called with the customers a write touched
(a payment, a credit note, an invoice) or with none to rebuild the whole organisation (after an
import and each morning, since ageing buckets move with the calendar).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from relance.accounts.models import Organisation
from relance.ledger.models import CustomerBalance
from relance.ledger.selectors import open_instalments
from relance.lib import bulk

CENT = Decimal("0.01")
CHUNK = 500
FIELDS = (
    "organisation_id",
    "customer_id",
    "currency",
    "as_of",
    "outstanding",
    "overdue",
    "not_due",
    "days_1_30",
    "days_31_60",
    "days_61_90",
    "days_over_90",
    "open_items",
    "oldest_due_date",
)


def _aged_rows(
    organisation: Organisation, as_of: date, customer_ids: list[int] | None
) -> Iterator[tuple[Any, ...]]:
    def late_between(first: int, last: int | None) -> Q:
        # An item due on as_of - n days is n days late.
        condition = Q(due_date__lte=as_of - timedelta(days=first))
        if last is not None:
            condition &= Q(due_date__gte=as_of - timedelta(days=last))
        return condition

    query = open_instalments(organisation)
    if customer_ids is not None:
        query = query.filter(customer_id__in=customer_ids)
    rows = (
        query.values("customer_id", "invoice__currency")
        .annotate(
            total=Sum("outstanding"),
            overdue=Sum("outstanding", filter=Q(due_date__lt=as_of)),
            not_due=Sum("outstanding", filter=Q(due_date__gte=as_of)),
            d1_30=Sum("outstanding", filter=late_between(1, 30)),
            d31_60=Sum("outstanding", filter=late_between(31, 60)),
            d61_90=Sum("outstanding", filter=late_between(61, 90)),
            d90=Sum("outstanding", filter=late_between(91, None)),
            items=Count("id"),
            oldest=Min("due_date", filter=Q(due_date__lt=as_of)),
        )
        .order_by()
    )
    for row in rows.iterator(chunk_size=5000):
        yield (
            organisation.pk,
            row["customer_id"],
            row["invoice__currency"],
            as_of,
            *(
                Decimal(row[key] or 0).quantize(CENT)
                for key in ("total", "overdue", "not_due", "d1_30", "d31_60", "d61_90", "d90")
            ),
            row["items"],
            row["oldest"],
        )


def balances_day(organisation: Organisation) -> date:
    """The day the organisation's balances are aged at: the last full refresh, else today."""
    last = (
        CustomerBalance.objects.filter(organisation=organisation)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .first()
    )
    if last is not None:
        return last
    return timezone.now().astimezone(zoneinfo.ZoneInfo(organisation.timezone)).date()


def customer_balances_touch(*, organisation: Organisation, customer_ids: Iterable[int]) -> int:
    """After a write: rebuild these customers' balances at the day the others are aged at."""
    return customer_balances_refresh(
        organisation=organisation, as_of=balances_day(organisation), customer_ids=customer_ids
    )


def customer_balances_refresh(
    *, organisation: Organisation, as_of: date, customer_ids: Iterable[int] | None = None
) -> int:
    """Rebuild the balances of these customers (all when None); returns the rows written."""
    with transaction.atomic():
        if customer_ids is None:
            CustomerBalance.objects.filter(organisation=organisation)._raw_delete(
                CustomerBalance.objects.db
            )
            return bulk.insert_rows(CustomerBalance, FIELDS, _aged_rows(organisation, as_of, None))
        ids = sorted(set(customer_ids))
        written = 0
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            CustomerBalance.objects.filter(
                organisation=organisation, customer_id__in=chunk
            )._raw_delete(CustomerBalance.objects.db)
            written += bulk.insert_rows(
                CustomerBalance, FIELDS, _aged_rows(organisation, as_of, chunk)
            )
        return written
