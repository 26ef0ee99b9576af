"""A person settles the bank movements the import could not: accept the suggestion, name the
invoices, or say the movement is not a customer payment; and closes a reversal or return the
import could not tie to a payment, once looked into.

Each action claims the movement with a conditional UPDATE (still suggested or unmatched, or
nothing happens), inside the transaction that records the payment: a double click, or two
people at once, can never pay a movement twice. A payment made here teaches relance the
payer's IBAN like a sure match of the import does.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.accounts.audit import Actor, audit_record
from relance.accounts.models import Organisation
from relance.dunning.reminder_facts import reminder_facts_refresh_paid_by
from relance.imports.bank import PAYMENT_METHOD, payer_ibans_learn, payment_reference_of
from relance.imports.models import BankEntry, BankEntryStatus
from relance.imports.selectors import payer_ibans_of
from relance.ledger.models import Allocation, Customer, Invoice, Payment
from relance.ledger.services import LedgerError, payment_record

CENT = Decimal("0.01")
OPEN = (BankEntryStatus.SUGGESTED, BankEntryStatus.UNMATCHED)
NOT_A_PAYMENT = "not_customer_payment"
MANUAL = "manual"


class ReconcileError(ValueError):
    pass


def ALREADY_DONE() -> str:  # noqa: N802  (one message, translated when raised)
    return _("Ce mouvement est déjà traité : rechargez la page.")


@transaction.atomic
def bank_entry_accept(*, entry: BankEntry, actor: Actor) -> Payment:
    """Record the payment the import suggested, on the invoices it named."""
    if entry.status not in OPEN:
        raise ReconcileError(ALREADY_DONE())
    if entry.status != BankEntryStatus.SUGGESTED or entry.customer_id is None:
        raise ReconcileError(_("Ce mouvement n'a pas de proposition à accepter."))
    instalment_ids = [int(item_id) for item_id, _amount in entry.allocations]
    invoices = list(
        Invoice.objects.filter(organisation_id=entry.organisation_id, customer_id=entry.customer_id,
                               instalments__id__in=instalment_ids).distinct()
    )  # fmt: skip
    customer = Customer.objects.get(pk=entry.customer_id)
    return _pay(entry, customer, invoices, entry.reason, actor)


@transaction.atomic
def bank_entry_allocate(*, entry: BankEntry, invoices: Sequence[Invoice], actor: Actor) -> Payment:
    """Record the movement as a payment of the invoices a person chose (then the customer's
    oldest open items; what is left stays as the customer's credit)."""
    customers = {invoice.customer_id for invoice in invoices}
    if not invoices:
        raise ReconcileError(_("Choisissez au moins une facture."))
    if len(customers) > 1:
        raise ReconcileError(
            _("Ces factures sont à des clients différents : un virement paie un seul client.")
        )
    customer = Customer.objects.get(pk=customers.pop())
    return _pay(entry, customer, invoices, MANUAL, actor)


@transaction.atomic
def bank_entry_ignore(*, entry: BankEntry, actor: Actor) -> None:
    """Not a customer payment (a refund from a supplier, a transfer between own accounts...):
    kept for the record, with who decided and when, and out of the reconciliation list."""
    _claim(entry, BankEntryStatus.IGNORED, NOT_A_PAYMENT, actor)
    audit_record(
        organisation=entry.organisation, actor=actor, action="bank_entry_ignore",
        entity_type="bank_entry", entity_id=str(entry.uuid),
        after={"entry": entry.entry_id, "amount": str(entry.amount), "currency": entry.currency},
    )  # fmt: skip


@transaction.atomic
def bank_entry_checked(*, entry: BankEntry, actor: Actor) -> None:
    """A reversal or return "to check" that a person has looked into (and settled by hand if
    it had to be): off the list, kept with its reason, who closed it and when."""
    claimed = BankEntry.objects.filter(pk=entry.pk, status=BankEntryStatus.TO_CHECK).update(
        status=BankEntryStatus.IGNORED, decided_by=actor.user, decided_at=timezone.now()
    )
    if not claimed:
        raise ReconcileError(ALREADY_DONE())
    audit_record(
        organisation=entry.organisation, actor=actor, action="bank_entry_checked",
        entity_type="bank_entry", entity_id=str(entry.uuid),
        after={"entry": entry.entry_id, "amount": str(entry.amount), "reason": entry.reason},
    )  # fmt: skip


def _claim(entry: BankEntry, status: str, reason: str, actor: Actor) -> None:
    claimed = BankEntry.objects.filter(pk=entry.pk, status__in=OPEN).update(
        status=status, reason=reason, decided_by=actor.user, decided_at=timezone.now()
    )
    if not claimed:
        raise ReconcileError(ALREADY_DONE())
    entry.refresh_from_db()


def _pay(
    entry: BankEntry, customer: Customer, invoices: Sequence[Invoice], reason: str, actor: Actor
) -> Payment:
    if entry.amount <= 0:
        raise ReconcileError(_("Ce mouvement est un débit, pas un encaissement."))
    if entry.amount != entry.amount.quantize(CENT):
        raise ReconcileError(
            _("Montant avec une fraction de centime : enregistrez le paiement à la main.")
        )
    # One reconciliation at a time per organisation, as for imports: what is open must not
    # change while the money is allocated.
    Organisation.objects.select_for_update().filter(pk=entry.organisation_id).first()
    _claim(entry, BankEntryStatus.MATCHED, reason, actor)
    try:
        payment = payment_record(
            organisation=entry.organisation, customer=customer, invoices=invoices,
            reference=payment_reference_of(entry.entry_id),
            date=entry.booking_date or entry.created_at.date(), amount=entry.amount,
            currency=entry.currency, method=PAYMENT_METHOD, actor=actor,
        )  # fmt: skip
    except LedgerError as error:
        raise ReconcileError(str(error)) from error
    reminder_facts_refresh_paid_by(payment_ids=[payment.pk])
    parts = Allocation.objects.filter(payment=payment).values_list("instalment_id", "amount")
    entry.payment, entry.customer = payment, customer
    entry.allocations = [[item_id, str(amount)] for item_id, amount in parts]
    entry.save(update_fields=["payment", "customer", "allocations"])
    known = {iban: {customer.pk} for iban in payer_ibans_of(customer)}
    payer_ibans_learn(
        organisation=entry.organisation,
        pairs=[(entry.counterparty_iban, customer.pk)],
        known=known,
    )
    return payment
