"""What a debtor's page shows: their open items, totals and penalties per currency, and how
to pay. Reads go through the ledger's selectors; penalties are worded exactly as reminders
word them (``relance.channels.compose.debtor_penalties``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID

import segno
import segno.helpers

from relance.channels.compose import debtor_penalties
from relance.core.formatting import format_date, format_iban, format_money
from relance.ledger.models import Customer
from relance.ledger.selectors import (
    customer_payment_reference,
    customer_statement_rows,
    invoice_payment_reference,
)

ZERO = Decimal("0.00")


@dataclass
class Line:
    invoice: UUID
    number: str
    issued: str
    due: str
    amount: str
    outstanding: str
    days_late: int
    has_pdf: bool
    qr: bool  # a transfer QR code can be offered (euros)


@dataclass
class Account:
    currency: str
    lines: list[Line] = field(default_factory=list)
    total: str = ""
    overdue: str = ""
    penalties: tuple[str, ...] = ()


@dataclass
class Statement:
    accounts: list[Account]
    beneficiary: str
    iban: str
    bic: str
    reference: str
    today: str
    total_eur: Decimal  # what the QR code for the total asks


def build_statement(customer: Customer, *, today: date, language: str) -> Statement:
    by_currency: dict[str, list[tuple[object, ...]]] = {}
    for row in customer_statement_rows(customer):
        by_currency.setdefault(str(row[0]), []).append(row)
    accounts = [_account(customer, currency, rows, today, language)
                for currency, rows in sorted(by_currency.items())]  # fmt: skip
    organisation = customer.organisation
    total_eur = sum((Decimal(str(row[8])) for row in by_currency.get("EUR", [])), ZERO)
    return Statement(
        accounts=accounts, beneficiary=organisation.legal_name,
        iban=format_iban(organisation.iban) if organisation.iban else "",
        bic=organisation.bic, reference=customer_payment_reference(customer),
        today=format_date(today, language, "long"), total_eur=total_eur,
    )  # fmt: skip


def _account(
    customer: Customer, currency: str, rows: list[tuple[object, ...]], today: date, language: str
) -> Account:
    account = Account(currency=currency)

    def money(value: object) -> str:
        return format_money(Decimal(str(value)), language, currency)

    for _, invoice, pdf, _id, number, issued, due, amount, owed in rows:
        assert isinstance(due, date) and isinstance(issued, date) and isinstance(invoice, UUID)
        account.lines.append(Line(
            invoice=invoice, number=str(number), issued=format_date(issued, language),
            due=format_date(due, language), amount=money(amount), outstanding=money(owed),
            days_late=max((today - due).days, 0), has_pdf=bool(pdf), qr=currency == "EUR",
        ))  # fmt: skip
    owed_rows = [Decimal(str(row[8])) for row in rows]
    account.total = money(sum(owed_rows, ZERO))
    overdue_rows = [row[3:] for row in rows if isinstance(row[6], date) and row[6] < today]
    account.overdue = money(sum((Decimal(str(row[5])) for row in overdue_rows), ZERO))
    penalties = debtor_penalties(customer, overdue_rows, today, currency, language)
    account.penalties = penalties.lines if penalties else ()
    return account


def transfer_qr(
    customer: Customer, amount: Decimal, *, invoice: UUID | None = None
) -> segno.QRCode | None:
    """The EPC ("GiroCode") SEPA transfer QR code of ``amount`` to the organisation, with the
    customer's structured reference, or for one ``invoice`` the reference printed on it when
    it has one; None when a code cannot be made (no IBAN, no amount)."""
    organisation = customer.organisation
    if not organisation.iban or not ZERO < amount <= Decimal("999999999.99"):
        return None
    reference = (
        customer_payment_reference(customer)
        if invoice is None
        else invoice_payment_reference(customer, invoice)
    )
    # The EPC structured field takes ISO 11649 (RF) references only; Belgian banks read the
    # +++…+++ communication from the free text, and so does the payer an invoice's own free
    # reference.
    structured = reference if reference.startswith("RF") else None
    return segno.helpers.make_epc_qr(
        name=organisation.legal_name[:70], iban=organisation.iban.replace(" ", ""),
        amount=amount.quantize(ZERO), reference=structured,
        text=None if structured else reference, bic=organisation.bic or None,
    )  # fmt: skip
