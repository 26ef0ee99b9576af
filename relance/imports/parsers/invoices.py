"""Invoices (and credit notes, and instalments) file -> ``InvoiceRow``.

Rules (see also the module docs of ``values`` for the cell formats):

* required columns: number, customer_ref, issue_date, due_date, amount_incl_tax;
* due date before issue date is an error; a payment dated before the invoice is accepted
  (prepayment);
* ``paid_amount`` <= amount, and > 0 needs ``paid_date``; a ``paid_date`` with an empty or
  absent ``paid_amount`` means fully paid; a ``paid_amount`` of 0 drops the ``paid_date``;
* a credit note (``kind`` column: avoir / credit note / AV) may be written negative (its
  absolute value is kept) and may have an empty due date (= issue date); a negative amount on
  anything else is an error;
* ``payment_reference``, optional: the reference the issuing software printed on the invoice;
  an RF (ISO 11649) or Belgian +++ reference must pass its check digits and is kept in its
  canonical form, any other text is kept as written (spaces collapsed);
* ``order_reference``, ``quote_reference``, ``contract_reference``, optional: the customer's
  order, the quote, the contract the invoice answers to, kept as written (spaces collapsed);
* the same number on several rows: with an instalment-amount column they are the instalments
  of one invoice (same customer, issue date, amount, currency; instalment amounts add up to
  the amount; paid amounts add up, the latest paid date is kept); without it identical rows
  are kept once and different ones are an error on the later line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal

from relance.core.payment_reference import InvalidReference, invoice_reference
from relance.core.text import Text, gettext_noop

from .cells import Cells, gc_paused
from .headers import (
    CURRENCY_SYNONYMS,
    CUSTOMER_REF_SYNONYMS,
    PAYMENT_TERMS_SYNONYMS,
    FileSpec,
    fields,
    find_columns,
)
from .instalments import merge_instalments
from .limits import DEFAULT_LIMITS, Limits
from .rows import InstalmentRow, InvoiceRow, ParseResult, Progress
from .table import read_table
from .values import NOTHING, PLAIN_AMOUNT, ZERO, fold, parse_currency

INVOICE_SPEC = FileSpec(
    kind=gettext_noop("factures"),
    fields=fields(
        number=(
            "n° de facture",
            (
                "invoice_number",
                "invoice number",
                "invoice no",
                "n° facture",
                "n° de facture",
                "numéro de facture",
                "numéro facture",
                "n° pièce",
                "numéro de pièce",
                "factuurnummer",
                "document number",
                "facture",
                "invoice",
                "pièce",
                "factuur",
            ),
        ),
        customer_ref=("client", (*CUSTOMER_REF_SYNONYMS, "customer", "client", "klant")),
        issue_date=(
            "date de facture",
            (
                "issue_date",
                "invoice date",
                "date facture",
                "date de facture",
                "date d'émission",
                "date de facturation",
                "date pièce",
                "factuurdatum",
                "date",
            ),
        ),
        due_date=(
            "échéance",
            (
                "due_date",
                "due date",
                "date d'échéance",
                "date échéance",
                "échéance",
                "vervaldatum",
                "vervaldag",
            ),
        ),
        amount_incl_tax=(
            "montant TTC",
            (
                "amount_incl_tax",
                "amount incl tax",
                "montant ttc",
                "total ttc",
                "montant facture",
                "ttc",
                "total amount",
                "bedrag incl btw",
                "amount",
                "montant",
                "total",
                "bedrag",
            ),
        ),
        currency=("devise", CURRENCY_SYNONYMS),
        paid_date=(
            "date de paiement",
            (
                "paid_date",
                "paid date",
                "payment date",
                "date de paiement",
                "date de règlement",
                "date règlement",
                "betaaldatum",
            ),
        ),
        paid_amount=(
            "montant réglé",
            (
                "paid_amount",
                "paid amount",
                "amount paid",
                "montant payé",
                "montant réglé",
                "réglé",
                "payé",
                "betaald bedrag",
            ),
        ),
        payment_terms=("conditions de paiement", PAYMENT_TERMS_SYNONYMS),
        payment_reference=(
            "référence de paiement",
            (
                "payment_reference",
                "payment reference",
                "référence de paiement",
                "référence paiement",
                "communication structurée",
                "référence structurée",
                "betalingsreferentie",
                "gestructureerde mededeling",
                "creditor reference",
            ),
        ),
        order_reference=(
            "référence de commande",
            (
                "order_reference",
                "order reference",
                "purchase order",
                "po number",
                "n° de commande",
                "numéro de commande",
                "référence commande",
                "référence de commande",
                "bon de commande",
                "commande",
                "bestelbon",
                "bestelnummer",
            ),
        ),
        quote_reference=(
            "référence du devis",
            (
                "quote_reference",
                "quote reference",
                "quote number",
                "quotation",
                "n° de devis",
                "numéro de devis",
                "référence devis",
                "référence du devis",
                "devis",
                "offerte",
            ),
        ),
        contract_reference=(
            "référence du contrat",
            (
                "contract_reference",
                "contract reference",
                "contract number",
                "n° de contrat",
                "numéro de contrat",
                "référence contrat",
                "référence du contrat",
                "contrat",
                "contract",
                "contractnummer",
            ),
        ),
        kind=("type de pièce", ("type de pièce", "document type", "type de document", "type")),
        applies_to=(
            "facture d'origine",
            ("applies_to", "facture d'origine", "invoice_ref", "original invoice", "facture liée"),
        ),
        instalment_amount=(
            "montant de l'échéance",
            (
                "instalment_amount",
                "installment_amount",
                "instalment amount",
                "installment amount",
                "montant échéance",
                "montant de l'échéance",
            ),
        ),
    ),
    required=(("number",), ("customer_ref",), ("issue_date",), ("due_date",), ("amount_incl_tax",)),
)

# Free-text references kept as written (spaces collapsed); one home for their names.
REFERENCE_FIELDS = ("order_reference", "quote_reference", "contract_reference")

_DOCUMENT_KINDS = {
    **dict.fromkeys(("facture", "invoice", "fa", "f", "fac", "factuur"), False),
    **dict.fromkeys(
        ("avoir", "creditnote", "credit", "av", "a", "notedecredit", "creditnota", "nc"), True
    ),
}


@gc_paused()
def parse_invoices(
    data: bytes,
    *,
    filename: str = "",
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
    encoding: str = "",
) -> ParseResult[InvoiceRow]:
    table = read_table(data, filename=filename, progress=progress, limits=limits, encoding=encoding)
    columns = find_columns(table.headers, INVOICE_SPEC, mapping)
    table.limit_lengths(columns.index, limits.lengths)
    index, head = columns.index, columns.mapping
    cells = Cells()
    error = cells.error
    errors = cells.errors
    dates = cells.dates
    strings = cells.strings
    plain = PLAIN_AMOUNT

    i_number, h_number = index["number"], head["number"]
    i_cust, h_cust = index["customer_ref"], head["customer_ref"]
    i_issue, h_issue = index["issue_date"], head["issue_date"]
    i_due, h_due = index["due_date"], head["due_date"]
    i_amount, h_amount = index["amount_incl_tax"], head["amount_incl_tax"]
    i_cur, h_cur = index.get("currency"), head.get("currency", "")
    i_pdate, h_pdate = index.get("paid_date"), head.get("paid_date", "")
    i_paid, h_paid = index.get("paid_amount"), head.get("paid_amount", "")
    i_terms = index.get("payment_terms")
    i_ref, h_ref = index.get("payment_reference"), head.get("payment_reference", "")
    i_refs = [index.get(name) for name in REFERENCE_FIELDS]
    i_kind, h_kind = index.get("kind"), head.get("kind", "")
    i_applies = index.get("applies_to")
    i_inst, h_inst = index.get("instalment_amount"), head.get("instalment_amount", "")

    currencies: dict[str, str] = {"": "EUR", "EUR": "EUR"}
    seen: dict[str, InvoiceRow] = {}
    parts: dict[str, list[tuple[InvoiceRow, Decimal | None]]] = {}
    amount: Decimal | None

    for line, row in table:
        before = len(errors)
        number = row[i_number].strip()
        if not number:
            error(line, h_number, gettext_noop("n° de facture manquant"))
        customer = row[i_cust].strip()
        if not customer:
            error(line, h_cust, gettext_noop("client manquant"))
        raw = row[i_issue]
        issue = dates.get(raw) or cells.date(
            raw, line, h_issue, gettext_noop("date de facture manquante")
        )

        credit = False
        if i_kind is not None and (text := row[i_kind].strip()):
            found = _DOCUMENT_KINDS.get(fold(text))
            if found is None:
                error(
                    line,
                    h_kind,
                    gettext_noop("type de pièce inconnu « %(text)s » (attendu facture ou avoir)"),
                    text=text,
                )
            credit = bool(found)

        raw = row[i_due]
        due = dates.get(raw) or cells.date(
            raw, line, h_due, "" if credit else gettext_noop("date d'échéance manquante")
        )
        if due is None and credit and not raw.strip():
            due = issue
        elif due is not None and issue is not None and due < issue:
            error(
                line,
                h_due,
                gettext_noop("échéance « %(due)s » antérieure à la date de facture « %(issue)s »"),
                due=raw.strip(),
                issue=row[i_issue].strip(),
            )

        raw = row[i_amount]
        if not (plain(raw) and (amount := Decimal(raw))):
            amount = _amount(cells, raw, line, h_amount, credit, i_kind is not None)

        currency = "EUR"
        if i_cur is not None:
            raw = row[i_cur]
            cached = currencies.get(raw)
            if cached is None:
                count = len(errors)
                cached = cells.text(raw, line, h_cur, parse_currency) or "EUR"
                if len(errors) == count:  # never cache a bad value: each row must report it
                    currencies[raw] = cached
            currency = cached

        paid_date: date | None = None
        if i_pdate is not None and (raw := row[i_pdate]):
            paid_date = dates.get(raw) or cells.date(raw, line, h_pdate)
        paid = ZERO
        if i_paid is not None:
            raw = row[i_paid]
            if raw == row[i_amount] and amount is not None:
                paid = amount
            elif raw != "0.00" and raw.strip():
                paid = cells.amount(raw, line, h_paid, allow_zero=True) or ZERO
            elif paid_date is not None and not raw.strip() and amount is not None:
                paid = amount
        elif paid_date is not None and amount is not None:
            paid = amount
        if not paid:
            paid_date = None
        elif paid_date is None and (i_pdate is None or not row[i_pdate].strip()):
            error(line, h_paid, gettext_noop("montant réglé sans date de paiement"))

        instalment: Decimal | None = None
        if i_inst is not None and row[i_inst].strip():
            instalment = cells.amount(row[i_inst], line, h_inst, allow_negative=credit)
            if instalment is not None:
                instalment = abs(instalment)
        limit = instalment if instalment is not None else amount
        if limit is not None and paid > limit:
            written = row[i_paid].strip() if i_paid is not None else ""
            above = (
                gettext_noop(
                    "montant réglé « %(paid)s » supérieur au montant de l'échéance « %(limit)s »"
                )
                if instalment is not None
                else gettext_noop(
                    "montant réglé « %(paid)s » supérieur au montant de la facture « %(limit)s »"
                )
            )
            error(line, h_paid, above, paid=written, limit=str(limit))

        reference = ""
        if i_ref is not None and (raw := row[i_ref].strip()):
            try:
                reference = invoice_reference(raw)
            except InvalidReference as invalid:
                error(line, h_ref, invalid.text)

        if len(errors) != before:
            continue
        assert issue is not None and due is not None and amount is not None
        invoice = InvoiceRow(
            line,
            number,
            strings.setdefault(customer, customer),
            issue,
            currency,
            amount,
            (InstalmentRow(due, amount if instalment is None else instalment),),
            credit,
            row[i_applies].strip() if i_applies is not None else "",
            paid_date,
            paid,
            strings.setdefault(terms := row[i_terms].strip(), terms) if i_terms is not None else "",
            reference,
            *(" ".join(row[i].split()) if i is not None else "" for i in i_refs),
        )
        if i_inst is not None:
            parts.setdefault(number, []).append((invoice, instalment))
            continue
        previous = seen.setdefault(number, invoice)
        if previous is not invoice and replace(previous, line=line) != invoice:
            error(
                line,
                h_number,
                gettext_noop(
                    "facture « %(number)s » déjà présente ligne %(line)s avec un contenu différent"
                ),
                number=number,
                line=str(previous.line),
            )

    rows = list(seen.values())
    if i_inst is not None:
        rows = [
            merged
            for group in parts.values()
            if (merged := merge_instalments(group, cells, h_number)) is not None
        ]
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


def _amount(
    cells: Cells, raw: str, line: int, column: str, credit: bool, has_kind: bool
) -> Decimal | None:
    """The invoice amount, off the fast path: French formats, negatives of credit notes."""
    value = cells.amount(
        raw, line, column, missing=gettext_noop("montant manquant"), allow_negative=True
    )
    if value is None or value > 0:
        return value
    if value < 0 and credit:
        return -value
    text = raw.strip()
    if value < 0:
        hint = (
            gettext_noop("indiquez « avoir » dans la colonne du type de pièce")
            if has_kind
            else gettext_noop("ajoutez une colonne « Type » contenant « avoir »")
        )
        cells.error(
            line,
            column,
            gettext_noop("montant négatif « %(text)s » (pour un avoir, %(hint)s)"),
            text=text,
            hint=Text(hint),
        )
    else:
        cells.error(line, column, NOTHING, text=text)
    return None


__all__ = ["INVOICE_SPEC", "parse_invoices"]
