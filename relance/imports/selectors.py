"""Reads for matching bank statements: what is open, who the customers are, known IBANs.

Everything is read set-based, a few queries streamed in chunks, so that the index of a
million open items is built without a query per item or per customer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from relance.accounts.models import Organisation
from relance.core import matching
from relance.core.payment_reference import payment_reference
from relance.imports.models import BankEntry, BankEntryStatus, PayerIban
from relance.imports.parsers.cells import gc_paused
from relance.ledger.models import Customer, Instalment, Invoice
from relance.ledger.selectors import open_instalments

CHUNK = 50_000
CENT = Decimal("0.01")


def matching_index(organisation: Organisation) -> matching.Index:
    # A million small objects in no reference cycle: the cyclic collector would rescan them
    # again and again while they are made.
    with gc_paused():
        return matching.build_index(_open_items(organisation), _payers(organisation))


def _open_items(organisation: Organisation) -> Iterator[matching.Item]:
    """Each open instalment as the matcher sees it, read straight from the database cursor
    (server-side where the database has one): the ORM's conversion of each value of a million
    rows would cost more than the query. The few distinct currencies, due dates and customers
    are shared, not repeated a million times in memory."""
    query = (
        open_instalments(organisation)
        .order_by()
        .values_list(  # type: ignore[misc]
            "id",
            "invoice_id",
            "invoice__number",
            "customer_id",
            "outstanding",
            "invoice__currency",
            "due_date",
            "invoice__payment_reference",
        )
    )
    sql, params = query.query.sql_with_params()
    shared: dict[Any, Any] = {}
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            for pk, invoice_id, number, customer_id, left, currency, due, reference in rows:
                yield matching.Item(
                    pk, invoice_id, number, shared.setdefault(customer_id, customer_id),
                    _money(left),
                    shared.setdefault(currency, currency), _day(due, shared), reference,
                )  # fmt: skip


def _money(value: Any) -> Decimal:
    # SQLite computes the difference of two decimals as a float; PostgreSQL as a decimal.
    return (value if isinstance(value, Decimal) else Decimal(str(value))).quantize(CENT)


def _day(value: Any, shared: dict[Any, Any]) -> date:
    found = shared.get(value)
    if found is None:
        found = shared[value] = value if isinstance(value, date) else date.fromisoformat(value)
    return found


def _payers(organisation: Organisation) -> Iterator[matching.Payer]:
    ibans = known_payer_ibans(organisation)
    rows = Customer.objects.filter(organisation=organisation).values_list(
        "id", "name", "country", "external_ref"
    )
    for pk, name, country, external_ref in rows.iterator(CHUNK):
        yield matching.Payer(
            pk,
            name,
            customer_payment_reference(pk, country, external_ref),
            tuple(ibans.get(pk, ())),
        )


def customer_payment_reference(pk: int, country: str, external_ref: str) -> str:
    """The reference printed on the customer's reminders ("" when none can be made)."""
    try:
        return payment_reference(country=country, customer_number=pk, customer_ref=external_ref)
    except ValueError:  # a customer reference with no letter or digit, or too long for RF
        return ""


def known_payer_ibans(organisation: Organisation) -> dict[int, set[str]]:
    """Customer id -> the IBANs known to pay for it: the customer file's and learned ones."""
    known: dict[int, set[str]] = {}
    declared = (
        Customer.objects.filter(organisation=organisation)
        .exclude(iban="")
        .values_list("id", "iban")
    )
    learned = PayerIban.objects.filter(organisation=organisation).values_list("customer_id", "iban")
    for customer_id, iban in (*declared.iterator(CHUNK), *learned.iterator(CHUNK)):
        known.setdefault(customer_id, set()).add(_compact(iban))
    return known


def _compact(iban: str) -> str:
    return "".join(iban.split()).upper()


def stored_entry_ids(organisation: Organisation, entry_ids: Iterable[str]) -> set[str]:
    """Those of ``entry_ids`` already imported."""
    ids = list(entry_ids)
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        found.update(
            BankEntry.objects.filter(
                organisation=organisation, entry_id__in=ids[start : start + 500]
            ).values_list("entry_id", flat=True)
        )
    return found


def payer_ibans_of(customer: Customer) -> set[str]:
    """The IBANs known to pay for one customer, written as matching compares them."""
    learned = PayerIban.objects.filter(customer=customer).values_list("iban", flat=True)
    return {matching.reference_key(iban) for iban in (customer.iban, *learned) if iban}


def reconciliation_entries(organisation: Organisation) -> QuerySet[BankEntry]:
    """The credits still waiting for a person, and the reversals or returns relance could not
    tie to a payment, newest first."""
    return (
        BankEntry.objects.filter(
            Q(status__in=(BankEntryStatus.SUGGESTED, BankEntryStatus.UNMATCHED), amount__gt=0)
            | Q(status=BankEntryStatus.TO_CHECK),
            organisation=organisation,
        )
        .select_related("customer")
        .order_by("-booking_date", "-id")
    )


def suggested_invoices(entries: Iterable[BankEntry]) -> dict[int, list[Invoice]]:
    """Entry id -> the invoices its suggestion would pay, in one query."""
    wanted = {e.pk: {int(item_id) for item_id, _ in e.allocations} for e in entries}
    ids = set().union(*wanted.values()) if wanted else set()
    rows = Instalment.objects.filter(pk__in=ids).select_related("invoice")
    by_instalment = {row.pk: row.invoice for row in rows}
    found: dict[int, list[Invoice]] = {}
    for entry_id, items in wanted.items():
        invoices = {
            by_instalment[i].pk: by_instalment[i] for i in sorted(items) if i in by_instalment
        }
        found[entry_id] = list(invoices.values())
    return found
