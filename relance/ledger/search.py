"""Find anything from one search box: customers, invoices, contacts and payments.

Reads only, always within one organisation. Each kind is looked up through an index kept by
the database (``relance.ledger.search_index``), a unique index or an amount index, and capped:
a search costs the same on a thousand invoices as on a million. How a query is read (words,
invoice number, phone, amount, payment reference) is ``relance.core.search_text``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Model, Q
from django.db.models.expressions import RawSQL

from relance.accounts.models import Organisation
from relance.core.matching import number_key
from relance.core.payment_reference import InvalidReference, belgian_structured, invoice_reference
from relance.core.search_text import Query, QueryError, parse_query
from relance.ledger.models import Contact, Customer, CustomerBalance, Instalment, Invoice, Payment
from relance.ledger.search_index import (
    CONTACTS,
    CUSTOMERS,
    FOLD,
    INVOICES,
    postgresql_compact,
)
from relance.ledger.selectors import customer_payment_reference

# On SQLite, every search reads its FTS5 table first and joins the rows it found ("CROSS
# JOIN" keeps that order): the other way round, SQLite would run the full-text query once
# per row of the organisation (seconds, not milliseconds, at 100,000 contacts).
KINDS = ("customers", "invoices", "contacts", "payments")
LIMIT = 10
MAX_LIMIT = 50
# Invoices whose number contains the query, read to put the closest first.
NUMBER_CANDIDATES = 200
# Columns holding a reference a payer copies onto a transfer, looked up exactly (each has a
# unique index): (kind of result, model, field). Another such column is one more line here.
REFERENCE_FIELDS: tuple[tuple[str, type[Model], str], ...] = (
    ("payments", Payment, "reference"),
    ("invoices", Invoice, "payment_reference"),
)
_RUNS = re.compile(r"[A-Z]+|\d+")
_SIREN = re.compile(r"\d{9}")
# An EU VAT number: a member state's code (Greece writes EL), then 8 to 12 characters.
_VAT = re.compile(
    r"(?:AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK)"
    r"[0-9A-Z]{8,12}"
)


@dataclass
class SearchResults:
    query: Query
    customers: list[Customer] = field(default_factory=list)
    invoices: list[Invoice] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    # Kinds with more results than shown.
    more: set[str] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not (self.customers or self.invoices or self.contacts or self.payments)


def search(
    organisation: Organisation,
    text: str,
    *,
    limit: int = LIMIT,
    kinds: Iterable[str] = KINDS,
) -> SearchResults:
    """What ``text`` finds, by kind, at most ``limit`` of each, the closest first.
    Raises ``relance.core.search_text.QueryError`` for a query that cannot be searched."""
    query = parse_query(text)
    limit = max(1, min(limit, MAX_LIMIT))
    results = SearchResults(query)
    wanted = set(kinds)
    references = _by_reference_fields(organisation, query, limit) if query.text else {}
    finders: dict[str, Callable[[], list[Any]]] = {
        "customers": lambda: _customers(organisation, query, limit),
        "invoices": lambda: _invoices(organisation, query, limit, references.get("invoices", [])),
        "contacts": lambda: _contacts(organisation, query, limit),
        "payments": lambda: _payments(organisation, references.get("payments", []), limit),
    }
    for kind, find in finders.items():
        if kind not in wanted:
            continue
        found = find()
        if len(found) > limit:
            results.more.add(kind)
        setattr(results, kind, found[:limit])
    return results


def customer_condition(organisation: Organisation, text: str) -> Q:
    """The customers a list search for ``text`` shows, as a condition on ``Customer``: every
    word in the name or reference, a contact's name, e-mail or phone, the SIREN, VAT number
    or payment reference. A query that cannot be searched finds nothing."""
    try:
        query = parse_query(text)
    except ValueError:
        return Q(pk__in=[])
    sql, params = _customer_words_sql(organisation, query)
    contact_sql, contact_params = _contact_sql(organisation, query)
    condition = Q(pk__in=RawSQL(sql, params)) | Q(
        pk__in=RawSQL(f"SELECT customer_id FROM ledger_contact WHERE id IN ({contact_sql})",
                      contact_params)
    )  # fmt: skip
    identifiers = _identifier_condition(query)
    if identifiers:
        condition |= identifiers
    by_reference = _customers_by_payment_reference(organisation, query)
    if by_reference:
        condition |= Q(pk__in=by_reference)
    return condition


# --------------------------------------------------------------------------- customers


def _customers(organisation: Organisation, query: Query, limit: int) -> list[Customer]:
    ids: list[int] = []
    ids += _customers_by_payment_reference(organisation, query)
    identifiers = _identifier_condition(query)
    if identifiers:
        ids += (
            Customer.objects.filter(organisation=organisation)
            .filter(identifiers)
            .values_list("id", flat=True)[: limit + 1]
        )
    if query.amount is not None:
        ids += CustomerBalance.objects.filter(
            organisation=organisation, outstanding=query.amount
        ).values_list("customer_id", flat=True)[: limit + 1]
    sql, params = _customer_words_sql(organisation, query, ranked=True)
    ids += _ids(f"{sql} LIMIT %s", [*params, limit + 1])
    return _in_order(organisation, Customer.objects.all(), _unique(ids), limit)


def _customer_words_sql(
    organisation: Organisation, query: Query, *, ranked: bool = False
) -> tuple[str, list[Any]]:
    """SQL of the ids of the customers whose name or reference holds every word."""
    if connection.vendor == "sqlite":
        order = " ORDER BY s.rank" if ranked else ""
        return (
            f"SELECT c.id FROM {CUSTOMERS} s CROSS JOIN ledger_customer c ON c.id = s.rowid "
            f"WHERE s.{CUSTOMERS} MATCH %s AND c.organisation_id = %s{order}",
            [_fts_words(query.words), organisation.pk],
        )
    words = " AND ".join([f"{FOLD}(name || ' ' || external_ref) ~ {FOLD}(%s)"] * len(query.words))
    order = " ORDER BY name, id" if ranked else ""
    return (
        f"SELECT id FROM ledger_customer WHERE organisation_id = %s AND {words}{order}",
        [organisation.pk, *(_word_start(word) for word in query.words)],
    )


def _identifier_condition(query: Query) -> Q | None:
    """An exact SIREN or VAT number: only asked when the query has the shape of one."""
    compact = query.text.replace(" ", "").replace(".", "").upper()
    if _SIREN.fullmatch(compact):
        return Q(siren=compact)
    if _VAT.fullmatch(compact) and any(c.isdigit() for c in compact):
        return Q(vat_number=compact)
    return None


def _customers_by_payment_reference(organisation: Organisation, query: Query) -> list[int]:
    """The customer whose reminders print this reference (+++…+++ or RF…)."""
    reference = query.reference
    if not reference:
        return []
    if reference.startswith("+++"):
        digits = re.sub(r"\D", "", reference)
        number = int(digits[:10])
        if not number or belgian_structured(number).replace(" ", "") != reference:
            return []
        candidates = Customer.objects.filter(organisation=organisation, pk=number)
    else:  # RF: check digits, then the customer's reference without its separators
        body = reference[4:]
        # "C00123" was written "C00123" or "C-00123": as one word, or its letters and digits.
        ids: list[int] = []
        for words in {body, " ".join(_RUNS.findall(body))}:
            try:
                ids += _ids(*_customer_words_sql(organisation, parse_query(words)))[:50]
            except QueryError:  # too short, or too many pieces to be a customer reference
                continue
        candidates = Customer.objects.filter(organisation=organisation).filter(
            Q(external_ref=body) | Q(pk__in=ids)
        )
    return [c.pk for c in candidates if customer_payment_reference(c) == reference]


# ---------------------------------------------------------------------------- invoices


def _invoices(
    organisation: Organisation, query: Query, limit: int, by_reference: list[int]
) -> list[Invoice]:
    ids = list(by_reference)
    ids += Invoice.objects.filter(organisation=organisation, number=query.text).values_list(
        "id", flat=True
    )
    ids += _invoices_by_number(organisation, query)
    if query.amount is not None:
        ids += Instalment.objects.filter(
            organisation=organisation, amount=query.amount, amount__isnull=False
        ).values_list("invoice_id", flat=True)[: limit + 1]
    rows = Invoice.objects.select_related("customer")
    return _in_order(organisation, rows, _unique(ids), limit)


def _invoices_by_number(organisation: Organisation, query: Query) -> list[int]:
    """Invoices whose number contains the query (separators aside), the closest first: the
    same number as bank matching reads it (prefix and leading zeros aside), then those
    starting with it, then the others, newest first."""
    found: dict[int, str] = {}
    for text in dict.fromkeys(t for t in (query.number, query.number_key) if t):
        # The number as bank matching reads it is only looked for when the number as typed
        # did not already find it, nor enough others.
        same = any(number_key(number) == query.number_key for number in found.values())
        if same or len(found) >= NUMBER_CANDIDATES:
            break
        found |= _number_candidates(organisation, text)
    compact_query = query.number or query.number_key

    def closeness(item: tuple[int, str]) -> tuple[int, int]:
        pk, number = item
        compact = re.sub(r"[^0-9A-Za-z]", "", number).upper()
        if number_key(number) == query.number_key or compact == compact_query:
            return (0, -pk)
        return (1 if compact.startswith(compact_query) else 2, -pk)

    return [pk for pk, _ in sorted(found.items(), key=closeness)]


def _number_candidates(organisation: Organisation, text: str) -> dict[int, str]:
    if connection.vendor == "sqlite":
        sql = (f"SELECT i.id, i.number FROM {INVOICES} s "
               "CROSS JOIN ledger_invoice i ON i.id = s.rowid "
               f"WHERE s.{INVOICES} MATCH %s AND i.organisation_id = %s "
               "ORDER BY s.rowid DESC LIMIT %s")  # fmt: skip
        params: list[Any] = [_fts_phrase(text), organisation.pk, NUMBER_CANDIDATES]
    else:
        sql = (f"SELECT id, number FROM ledger_invoice WHERE organisation_id = %s "
               f"AND {postgresql_compact('number')} LIKE %s LIMIT %s")  # fmt: skip
        params = [organisation.pk, _contains(text), NUMBER_CANDIDATES]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


# ---------------------------------------------------------------------------- contacts


def _contacts(organisation: Organisation, query: Query, limit: int) -> list[Contact]:
    sql, params = _contact_sql(organisation, query)
    rows = Contact.objects.select_related("customer")
    return _in_order(organisation, rows, _ids(f"{sql} LIMIT %s", [*params, limit + 1]), limit)


def _contact_sql(organisation: Organisation, query: Query) -> tuple[str, list[Any]]:
    """SQL of the ids of the contacts whose name and e-mail hold every word or, for a phone
    number, whose number ends with the digits asked for."""
    if connection.vendor == "sqlite":
        # A phone number is looked up as one: its pieces as words would each match
        # thousands of numbers.
        match = (f'phone : "{query.phone_digits}"*' if query.phone_digits
                 else _fts_words(query.words))  # fmt: skip
        return (
            f"SELECT c.id FROM {CONTACTS} s CROSS JOIN ledger_contact c ON c.id = s.rowid "
            f"WHERE s.{CONTACTS} MATCH %s AND c.organisation_id = %s",
            [match, organisation.pk],
        )
    text = f"{FOLD}(name || ' ' || email || ' ' || phone)"
    if query.phone_digits:
        condition, params = f"{text} LIKE %s", [_contains(query.phone_digits)]
    else:
        condition = " AND ".join([f"{text} ~ {FOLD}(%s)"] * len(query.words))
        params = [_word_start(word) for word in query.words]
    return (
        f"SELECT id FROM ledger_contact WHERE organisation_id = %s AND ({condition})",
        [organisation.pk, *params],
    )


# ---------------------------------------------------------------------------- payments


def _by_reference_fields(
    organisation: Organisation, query: Query, limit: int
) -> dict[str, list[int]]:
    """Ids by kind of the rows whose reference is the query, as typed or without spaces."""
    forms = list(dict.fromkeys((query.text, query.text.replace(" ", ""),
                                _reference_form(query.text))))  # fmt: skip
    found: dict[str, list[int]] = {}
    for kind, model, name in REFERENCE_FIELDS:
        rows = model._default_manager.filter(organisation=organisation, **{f"{name}__in": forms})
        found.setdefault(kind, []).extend(rows.values_list("pk", flat=True)[: limit + 1])
    return found


def _reference_form(text: str) -> str:
    """The query as invoices keep their own payment reference (``+++…+++``, RF compact)."""
    try:
        return invoice_reference(text)
    except InvalidReference:
        return text


def _payments(organisation: Organisation, ids: list[int], limit: int) -> list[Payment]:
    rows = Payment.objects.select_related("customer")
    return _in_order(organisation, rows, ids, limit)


# ----------------------------------------------------------------------------- helpers


def _fts_phrase(text: str) -> str:
    """``text`` as one FTS5 phrase: quotes doubled, so that no character of a query
    (``*``, ``-``, ``:``, ``NEAR``, ``OR``...) is read as FTS5 syntax."""
    return '"' + text.replace('"', '""') + '"'


def _fts_words(words: Sequence[str]) -> str:
    """Every word, each as the start of a word of the text (FTS5 prefix phrases)."""
    return " ".join(f"{_fts_phrase(word)}*" for word in words)


def _contains(text: str) -> str:
    """A LIKE pattern (PostgreSQL) for ``text`` anywhere, its wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _word_start(word: str) -> str:
    """A PostgreSQL regular expression for ``word`` at the start of a word (as SQLite's
    FTS5 prefix queries read it), its characters taken literally."""
    escaped = "".join(c if c.isalnum() else f"\\{c}" for c in word)
    return f"(^|[^[:alnum:]]){escaped}"


def _ids(sql: str, params: list[Any]) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _unique(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(ids))


def _in_order(organisation: Organisation, rows: Any, ids: list[int], limit: int) -> list[Any]:
    """The rows of ``ids`` (one more than ``limit``, to tell whether there are more), in the
    order of ``ids``. Read by primary key alone, the organisation checked on each row: with
    "organisation = ?" in the query, SQLite would walk the organisation's million invoices
    along its (organisation, number) index instead."""
    wanted = ids[: limit + 1]
    found = rows.filter(pk__in=wanted)
    by_id = {row.pk: row for row in found if row.organisation_id == organisation.pk}
    return [by_id[pk] for pk in wanted if pk in by_id]
