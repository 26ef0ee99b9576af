"""Every instalment of an organisation as it stood on a day, in one streamed statement.

The forecast reads the whole ledger (a million instalments is the size it is built for), so
the statement is written once per database rather than built by the ORM, and gives back only
integers where it can: dates as day numbers and amounts in cents, computed by the database.
Turning a million dates and decimals into Python objects row by row cost more than all the
rest of the forecast; here a ``date`` or a ``Decimal`` is made only for the open items.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache

from django.db import connection

from relance.accounts.models import Organisation
from relance.ledger.models import Allocation, Instalment, Invoice
from relance.lib.bulk import quoted_names

CHUNK = 20_000
EPOCH = date(2000, 1, 1)  # day numbers count from it


# An instalment on ``as_of``, as plain tuples (a million of them): id, customer id, due day,
# amount in cents, cents allocated by as_of, how many of those allocations come from a
# payment (not a credit note), the day of the latest, invoice id; then the invoice's number
# and currency, read only when the instalment is still open. Days are day numbers (``day``).
Row = tuple[int, int, int, int, int, int, int | None, int, str | None, str | None]


def day(number: int) -> date:
    """The date of a day number."""
    return EPOCH + timedelta(days=number)


def instalment_rows(organisation: Organisation, as_of: date) -> Iterator[list[Row]]:
    """The instalments of invoices issued by ``as_of``, with their allocations dated by then,
    in lists of a few thousand."""
    known = connection.ops.adapt_datefield_value(as_of)
    with connection.chunked_cursor() as cursor:
        cursor.execute(_statement(connection.vendor), [known, organisation.pk, known])
        while rows := cursor.fetchmany(CHUNK):
            yield rows


def _day_number(expression: str, vendor: str) -> str:
    if vendor == "sqlite":
        return f"CAST(julianday({expression}) - julianday('2000-01-01') AS INTEGER)"
    return f"({expression} - DATE '2000-01-01')"


def _cents(expression: str, vendor: str) -> str:
    if vendor == "sqlite":  # decimals are stored as floats: round, never truncate
        return f"CAST(ROUND({expression} * 100) AS INTEGER)"
    return f"CAST({expression} * 100 AS BIGINT)"


@cache
def _statement(vendor: str) -> str:
    instalment, pk, invoice, customer, due, amount, organisation = quoted_names(
        Instalment, "id", "invoice", "customer", "due_date", "amount", "organisation"
    )
    invoices, invoice_pk, number, currency, issued = quoted_names(
        Invoice, "id", "number", "currency", "issue_date"
    )
    allocation, allocated, payment, dated, allocation_instalment = quoted_names(
        Allocation, "amount", "payment", "date", "instalment"
    )
    paid = f"CAST(COALESCE(SUM({_cents(f'a.{allocated}', vendor)}), 0) AS BIGINT)"
    still_open = f"{paid} < {_cents(f'i.{amount}', vendor)}"
    # Grouped by due date first on SQLite: the organisation's index on (organisation, due
    # date) then hands the rows over in groups, with no sort of a million rows.
    group = f"i.{due}, i.{pk}, v.{invoice_pk}" if vendor == "sqlite" else f"i.{pk}, v.{invoice_pk}"
    return (
        f"SELECT i.{pk}, i.{customer}, {_day_number(f'i.{due}', vendor)},"
        f" {_cents(f'i.{amount}', vendor)}, {paid}, COUNT(a.{payment}),"
        f" {_day_number(f'MAX(a.{dated})', vendor)}, i.{invoice},"
        f" CASE WHEN {still_open} THEN v.{number} END,"
        f" CASE WHEN {still_open} THEN v.{currency} END"
        f" FROM {instalment} i JOIN {invoices} v ON v.{invoice_pk} = i.{invoice}"
        f" LEFT JOIN {allocation} a ON a.{allocation_instalment} = i.{pk} AND a.{dated} <= %s"
        f" WHERE i.{organisation} = %s AND v.{issued} <= %s"
        f" GROUP BY {group}"
    )
