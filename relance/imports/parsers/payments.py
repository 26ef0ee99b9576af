"""Payments file -> ``PaymentRow``.

Required columns: date, amount, and customer_ref or invoice_number (each row needs at least
one of them filled). Amounts must be > 0 (a refund is not a payment).

References: with a reference column, a reference on several rows is kept once when the rows
are identical and is an error otherwise. Without one (bank statements rarely have a unique
id) each row gets ``auto:`` + the first 20 hex digits of the SHA-1 of
``date|amount|currency|customer_ref|invoice_number|n``, where ``n`` counts the earlier rows
of the file with the same five values. Re-importing the same file (or a later export that
keeps the same rows) gives the same references, so nothing is recorded twice, while two
genuinely identical payments of one file stay two payments.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

from relance.core.text import gettext_noop

from .cells import Cells, gc_paused
from .headers import CURRENCY_SYNONYMS, CUSTOMER_REF_SYNONYMS, FileSpec, fields, find_columns
from .limits import DEFAULT_LIMITS, Limits
from .rows import ParseResult, PaymentRow, Progress
from .table import read_table
from .values import parse_currency

PAYMENT_SPEC = FileSpec(
    kind=gettext_noop("règlements"),
    fields=fields(
        reference=(
            "référence du règlement",
            (
                "payment_id",
                "payment reference",
                "référence règlement",
                "référence du règlement",
                "référence paiement",
                "n° règlement",
                "numéro de règlement",
                "transaction id",
                "reference",
                "référence",
                "id",
            ),
        ),
        date=(
            "date",
            (
                "payment_date",
                "payment date",
                "date de paiement",
                "date de règlement",
                "date règlement",
                "date",
                "date valeur",
                "date d'opération",
                "datum",
            ),
        ),
        amount=(
            "montant",
            (
                "amount",
                "montant réglé",
                "montant payé",
                "montant",
                "crédit",
                "bedrag",
            ),
        ),
        currency=("devise", CURRENCY_SYNONYMS),
        customer_ref=("client", (*CUSTOMER_REF_SYNONYMS, "customer", "client", "klant")),
        invoice_number=(
            "n° de facture",
            (
                "invoice_number",
                "invoice number",
                "n° facture",
                "n° de facture",
                "numéro de facture",
                "référence facture",
                "factuurnummer",
                "invoice",
                "facture",
                "factuur",
            ),
        ),
        method=(
            "mode de règlement",
            (
                "payment method",
                "mode de règlement",
                "mode de paiement",
                "moyen de paiement",
                "betaalwijze",
            ),
        ),
    ),
    required=(("date",), ("amount",), ("customer_ref", "invoice_number")),
)


def auto_reference(
    day: str, amount: Decimal, currency: str, customer: str, invoice: str, n: int
) -> str:
    key = f"{day}|{amount}|{currency}|{customer}|{invoice}|{n}"
    return "auto:" + hashlib.sha1(key.encode()).hexdigest()[:20]


@gc_paused()
def parse_payments(
    data: bytes,
    *,
    filename: str = "",
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
    encoding: str = "",
) -> ParseResult[PaymentRow]:
    table = read_table(data, filename=filename, progress=progress, limits=limits, encoding=encoding)
    columns = find_columns(table.headers, PAYMENT_SPEC, mapping)
    table.limit_lengths(columns.index, limits.lengths)
    index, head = columns.index, columns.mapping
    cells = Cells()
    errors = cells.errors
    seen: dict[str, PaymentRow] = {}
    occurrences: dict[str, int] = {}
    rows: list[PaymentRow] = []
    has_reference = "reference" in index

    for line, row in table:
        before = len(errors)
        text = {name: row[col].strip() for name, col in index.items()}
        day = cells.date(
            text["date"], line, head["date"], gettext_noop("date du règlement manquante")
        )
        amount = cells.amount(
            text["amount"], line, head["amount"], missing=gettext_noop("montant manquant")
        )
        currency = cells.text(
            text.get("currency", ""), line, head.get("currency", ""), parse_currency
        )
        customer = text.get("customer_ref", "")
        invoice = text.get("invoice_number", "")
        if not customer and not invoice:
            column = head.get("customer_ref") or head["invoice_number"]
            cells.error(
                line,
                column,
                gettext_noop("ni client ni n° de facture : le règlement ne peut être rattaché"),
            )
        reference = text.get("reference", "")
        if has_reference and not reference:
            cells.error(line, head["reference"], gettext_noop("référence du règlement manquante"))
        if len(errors) != before:
            continue
        assert day is not None and amount is not None
        currency = currency or "EUR"
        if not has_reference:
            key = f"{day}|{amount}|{currency}|{customer}|{invoice}"
            n = occurrences.get(key, 0)
            occurrences[key] = n + 1
            reference = auto_reference(day.isoformat(), amount, currency, customer, invoice, n)
        payment = PaymentRow(
            line=line,
            reference=reference,
            date=day,
            amount=amount,
            currency=currency,
            customer_ref=cells.shared(customer),
            invoice_number=invoice,
            method=cells.shared(text.get("method", "")),
        )
        previous = seen.setdefault(reference, payment)
        if previous is payment:
            rows.append(payment)
        elif replace(previous, line=line) != payment:
            cells.error(
                line,
                head["reference"],
                gettext_noop(
                    "règlement « %(reference)s » déjà présent ligne %(line)s avec un contenu "
                    "différent"
                ),
                reference=reference,
                line=str(previous.line),
            )

    errors.extend(table.errors)
    errors.sort(key=lambda e: e.line)
    return ParseResult(
        rows=rows,
        errors=errors,
        encoding=table.encoding,
        delimiter=table.delimiter,
        mapping=columns.mapping,
        data_rows=table.data_rows,
    )
