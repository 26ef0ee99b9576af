"""Writing to the ledger one document at a time (forms, API, tests). Imports use bulk paths.

Each service checks its input, writes inside a transaction and records an audit event. A
``LedgerError`` carries a message for the person who asked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from relance.accounts.audit import Actor, audit_record, audit_record_many
from relance.accounts.clock import local_day
from relance.accounts.models import Membership, Organisation, Role, User
from relance.core import identifiers
from relance.core.allocation import OpenItem, allocate_oldest_first
from relance.ledger.balances import customer_balances_touch
from relance.ledger.models import (
    Allocation,
    Contact,
    ContactRole,
    CreditNote,
    Customer,
    CustomerKind,
    Instalment,
    Invoice,
    Language,
    Note,
    Payment,
)
from relance.ledger.selectors import open_items_of_customers
from relance.lib import bulk

CENT = Decimal("0.01")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
CURRENCY = re.compile(r"^[A-Z]{3}$")


class LedgerError(ValueError):
    pass


def _money(value: Decimal, what: str) -> Decimal:
    if value != value.quantize(CENT):
        raise LedgerError(
            gettext("%(what)s : au plus deux décimales (%(value)s).")
            % {"what": what, "value": value}
        )
    if value <= 0:
        raise LedgerError(
            gettext("%(what)s : doit être positif (%(value)s).") % {"what": what, "value": value}
        )
    return value.quantize(CENT)


def _same_organisation(organisation: Organisation, customer: Customer) -> None:
    if customer.organisation_id != organisation.pk:
        raise LedgerError(gettext("Ce client n'appartient pas à cette organisation."))


def _currency(value: str) -> str:
    if not CURRENCY.match(value):
        raise LedgerError(
            gettext("Devise « %(value)s » invalide (code ISO 4217).") % {"value": value}
        )
    return value


@transaction.atomic
def customer_create(
    *,
    organisation: Organisation,
    external_ref: str,
    name: str,
    actor: Actor,
    kind: str = CustomerKind.B2B,
    country: str = "FR",
    language: str = "",
    vat_number: str = "",
    siren: str = "",
    enterprise_number: str = "",
    payment_terms: str = "",
    notes: str = "",
) -> Customer:
    if not external_ref.strip() or not name.strip():
        raise LedgerError(gettext("La référence et le nom du client sont obligatoires."))
    if kind not in CustomerKind.values:
        raise LedgerError(gettext("Type de client « %(kind)s » inconnu.") % {"kind": kind})
    language = language or ("nl" if country == "BE" else "fr")
    if language not in Language.values:
        raise LedgerError(
            gettext("Langue « %(language)s » non prise en charge.") % {"language": language}
        )
    try:
        ids = {
            "vat_number": identifiers.vat_number(vat_number) if vat_number else "",
            "siren": identifiers.siren(siren) if siren else "",
            "enterprise_number": (
                identifiers.be_enterprise_number(enterprise_number) if enterprise_number else ""
            ),
        }
    except identifiers.InvalidIdentifier as exc:
        raise LedgerError(str(exc)) from exc
    if Customer.objects.filter(organisation=organisation, external_ref=external_ref).exists():
        raise LedgerError(
            gettext("Le client « %(external_ref)s » existe déjà.") % {"external_ref": external_ref}
        )
    customer = Customer.objects.create(
        organisation=organisation,
        external_ref=external_ref.strip(),
        name=name.strip(),
        kind=kind,
        country=country,
        language=language,
        payment_terms=payment_terms,
        notes=notes,
        **ids,
    )
    audit_record(
        organisation=organisation, actor=actor, action="customer_create",
        entity_type="customer", entity_id=str(customer.uuid),
        after={"external_ref": customer.external_ref, "name": customer.name, "kind": kind},
    )  # fmt: skip
    return customer


def _contact_checked(email: str, phone: str, role: str) -> tuple[str, str]:
    """The e-mail and phone as stored; raises ``LedgerError`` with the reason otherwise."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email, phone = email.strip(), phone.strip()
    if not (email or phone):
        raise LedgerError(gettext("Un contact a au moins une adresse e-mail ou un téléphone."))
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise LedgerError(
                gettext("Adresse e-mail invalide « %(email)s ».") % {"email": email}
            ) from exc
    if phone and not E164.match(phone):
        raise LedgerError(
            gettext("Téléphone « %(phone)s » : format international attendu (+33…).")
            % {"phone": phone}
        )
    if role not in ContactRole.values:
        raise LedgerError(gettext("Rôle de contact « %(role)s » inconnu.") % {"role": role})
    return email, phone


def _contact_state(contact: Contact) -> dict[str, object]:
    return {
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "role": contact.role,
        "primary": contact.is_primary,
        "in_copy": contact.in_copy,
    }


@transaction.atomic
def contact_add(
    *,
    customer: Customer,
    actor: Actor,
    name: str = "",
    email: str = "",
    phone: str = "",
    role: str = ContactRole.BILLING,
    is_primary: bool = False,
    in_copy: bool = False,
) -> Contact:
    email, phone = _contact_checked(email, phone, role)
    if is_primary:  # one primary contact per customer: the new one takes over
        Contact.objects.filter(customer=customer, is_primary=True).update(is_primary=False)
    contact = Contact.objects.create(
        organisation_id=customer.organisation_id, customer=customer, name=name, email=email,
        phone=phone, role=role, is_primary=is_primary, in_copy=in_copy,
    )  # fmt: skip
    audit_record(
        organisation=customer.organisation, actor=actor, action="contact_add",
        entity_type="customer", entity_id=str(customer.uuid),
        after={"email": email, "phone": phone, "role": role, "primary": is_primary},
    )  # fmt: skip
    return contact


def _addresses_of(customer_id: int, addresses: Sequence[str]) -> list[int]:
    wanted = {address.strip().lower() for address in addresses if address.strip()}
    return [
        pk for pk, email in Contact.objects.filter(customer_id=customer_id).exclude(email="")
        .values_list("id", "email") if email.lower() in wanted
    ]  # fmt: skip


def contacts_bounced(
    *, customer_id: int, addresses: Sequence[str], status: str, at: datetime
) -> int:
    """Flag the customer's contacts at these addresses: a hard bounce came back from them."""
    ids = _addresses_of(customer_id, addresses)
    return Contact.objects.filter(pk__in=ids).update(bounced_at=at, bounce_status=status[:20])


def contacts_delivered(*, customer_id: int, addresses: Sequence[str], since: datetime) -> int:
    """A message sent to these addresses at ``since`` was shown delivered (opened, answered):
    the bounce flags older than it are lifted."""
    ids = _addresses_of(customer_id, addresses)
    return Contact.objects.filter(pk__in=ids, bounced_at__lt=since).update(
        bounced_at=None, bounce_status=""
    )


@transaction.atomic
def contact_update(
    *,
    contact: Contact,
    actor: Actor,
    name: str,
    email: str,
    phone: str,
    role: str,
    is_primary: bool,
    in_copy: bool,
) -> Contact:
    """Change a contact; made primary, it takes over from the customer's previous one."""
    email, phone = _contact_checked(email, phone, role)
    before = _contact_state(contact)
    if is_primary and not contact.is_primary:
        Contact.objects.filter(customer_id=contact.customer_id, is_primary=True).update(
            is_primary=False
        )
    if email.lower() != contact.email.lower():  # a new address has not bounced yet
        contact.bounced_at, contact.bounce_status = None, ""
    contact.name, contact.email, contact.phone, contact.role = name.strip(), email, phone, role
    contact.is_primary, contact.in_copy = is_primary, in_copy
    contact.save(update_fields=["name", "email", "phone", "role", "is_primary", "in_copy",
                                "bounced_at", "bounce_status"])  # fmt: skip
    after = _contact_state(contact)
    if after != before:
        audit_record(
            organisation=contact.customer.organisation, actor=actor, action="contact_update",
            entity_type="customer", entity_id=str(contact.customer.uuid),
            before={"contact": str(contact.uuid), **before},
            after={"contact": str(contact.uuid), **after},
        )  # fmt: skip
    return contact


@transaction.atomic
def invoice_create(
    *,
    organisation: Organisation,
    customer: Customer,
    number: str,
    issue_date: date,
    amount_incl_tax: Decimal,
    actor: Actor,
    due_date: date | None = None,
    instalments: Sequence[tuple[date, Decimal]] = (),
    currency: str = "EUR",
    payment_terms: str = "",
) -> Invoice:
    """An invoice and its instalments: one due date, or several whose amounts add up."""
    _same_organisation(organisation, customer)
    amount = _money(amount_incl_tax, gettext("Montant TTC"))
    _currency(currency)
    if not number.strip():
        raise LedgerError(gettext("Le numéro de facture est obligatoire."))
    if (due_date is None) == (not instalments):
        raise LedgerError(gettext("Donnez soit une échéance, soit la liste des échéances."))
    schedule = sorted(instalments) if due_date is None else [(due_date, amount)]
    total = Decimal("0.00")
    for due, part in schedule:
        if due < issue_date:
            raise LedgerError(
                gettext("Échéance %(due)s antérieure à la date de facture %(issue_date)s.")
                % {"due": due, "issue_date": issue_date}
            )
        total += _money(part, gettext("Montant d'échéance"))
    if total != amount:
        raise LedgerError(
            gettext("Les échéances (%(total)s) ne font pas le montant TTC (%(amount)s).")
            % {"total": total, "amount": amount}
        )
    try:
        with transaction.atomic():
            invoice = Invoice.objects.create(
                organisation=organisation, customer=customer, number=number.strip(),
                issue_date=issue_date, currency=currency, amount_incl_tax=amount,
                payment_terms=payment_terms,
            )  # fmt: skip
    except IntegrityError as exc:
        raise LedgerError(
            gettext("La facture « %(number)s » existe déjà.") % {"number": number}
        ) from exc
    Instalment.objects.bulk_create(
        Instalment(organisation=organisation, invoice=invoice, customer=customer,
                   sequence=sequence, due_date=due, amount=part)
        for sequence, (due, part) in enumerate(schedule, 1)
    )  # fmt: skip
    audit_record(
        organisation=organisation, actor=actor, action="invoice_create",
        entity_type="invoice", entity_id=str(invoice.uuid),
        after={"number": invoice.number, "amount_incl_tax": str(amount), "currency": currency,
               "instalments": [[str(due), str(part)] for due, part in schedule]},
    )  # fmt: skip
    customer_balances_touch(organisation=organisation, customer_ids=[customer.pk])
    return invoice


def _allocate(
    organisation: Organisation,
    customer: Customer,
    currency: str,
    amount: Decimal,
    *,
    invoice: Invoice | None,
    invoices: Sequence[Invoice] = (),
) -> list[tuple[int, Decimal]]:
    """Split ``amount`` over the named invoices first, then the customer's oldest open items."""
    items: list[OpenItem] = open_items_of_customers(organisation, [customer.pk]).get(
        (customer.pk, currency), []
    )
    named = {i.pk for i in invoices} | ({invoice.pk} if invoice is not None else set())
    parts, left = allocate_oldest_first([i for i in items if i.invoice_id in named], amount)
    more, _ = allocate_oldest_first([i for i in items if i.invoice_id not in named], left)
    return parts + more


@transaction.atomic
def payment_record(
    *,
    organisation: Organisation,
    customer: Customer,
    reference: str,
    date: date,
    amount: Decimal,
    actor: Actor,
    currency: str = "EUR",
    invoice: Invoice | None = None,
    invoices: Sequence[Invoice] = (),
    method: str = "",
) -> Payment:
    """Record a payment and allocate it to the named invoice(s) first, then the customer's
    oldest open items; what cannot be allocated stays as a credit."""
    _same_organisation(organisation, customer)
    amount = _money(amount, gettext("Montant du paiement"))
    _currency(currency)
    for named in [*([invoice] if invoice is not None else []), *invoices]:
        if named.customer_id != customer.pk:
            raise LedgerError(
                gettext("La facture « %(number)s » n'est pas à ce client.")
                % {"number": named.number}
            )
        if named.currency != currency:
            raise LedgerError(
                gettext("Devise %(currency)s différente de celle de la facture.")
                % {"currency": currency}
            )
    if Payment.objects.filter(organisation=organisation, reference=reference).exists():
        raise LedgerError(
            gettext("Le paiement « %(reference)s » est déjà enregistré.") % {"reference": reference}
        )
    payment = Payment.objects.create(
        organisation=organisation, customer=customer, reference=reference, date=date,
        currency=currency, amount=amount, method=method,
    )  # fmt: skip
    parts = _allocate(organisation, customer, currency, amount, invoice=invoice, invoices=invoices)
    Allocation.objects.bulk_create(
        Allocation(organisation=organisation, instalment_id=pk, payment=payment, amount=part,
                   date=date)
        for pk, part in parts
    )  # fmt: skip
    audit_record(
        organisation=organisation, actor=actor, action="payment_record",
        entity_type="payment", entity_id=str(payment.uuid),
        after={"reference": reference, "date": date.isoformat(), "amount": str(amount),
               "currency": currency, "method": method,
               "allocated": [[pk, str(part)] for pk, part in parts]},
    )  # fmt: skip
    customer_balances_touch(organisation=organisation, customer_ids=[customer.pk])
    return payment


@dataclass(frozen=True)
class PaymentReversal:
    """A payment the bank took back: on which day, and why (its return reason code, or
    ``reversal`` for a reversal without one)."""

    payment_id: int
    on: date
    reason: str


@transaction.atomic
def payments_reverse(
    *, organisation: Organisation, reversals: Sequence[PaymentReversal], actor: Actor
) -> list[int]:
    """Undo payments the bank took back (reversals, direct-debit returns), set-based.

    Each payment's allocations are removed, so the invoices it paid are open again and the
    morning run reminds them; the payment is kept for the record, marked reversed with its
    date and reason, and the reversal is audited with what it had paid. A payment already
    reversed is left as it is: undoing twice undoes once. Returns the ids reversed."""
    wanted = {reversal.payment_id: reversal for reversal in reversals}
    ids = sorted(wanted)
    payments: list[tuple[int, object, int]] = []
    paid: dict[int, list[list[object]]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        payments.extend(
            Payment.objects.select_for_update()
            .filter(organisation=organisation, pk__in=chunk, reversed_on__isnull=True)
            .values_list("id", "uuid", "customer_id")
        )
        for payment_id, instalment_id, amount in Allocation.objects.filter(
            payment_id__in=chunk
        ).values_list("payment_id", "instalment_id", "amount"):
            paid.setdefault(payment_id, []).append([instalment_id, str(amount)])
    reversed_ids = [pk for pk, _, _ in payments]
    bulk.delete_where(Allocation, "payment_id", reversed_ids)
    bulk.update_rows(
        Payment,
        ("reversed_on", "reversal_reason"),
        ((wanted[pk].on, wanted[pk].reason[:100], pk) for pk in reversed_ids),
    )
    audit_record_many(
        organisation=organisation, actor=actor, action="payment_reverse", entity_type="payment",
        changes=(
            (str(uuid), {"allocated": paid.get(pk, [])},
             {"reversed_on": wanted[pk].on.isoformat(), "reason": wanted[pk].reason})
            for pk, uuid, _ in payments
        ),
    )  # fmt: skip
    customer_balances_touch(
        organisation=organisation, customer_ids={customer for _, _, customer in payments}
    )
    return reversed_ids


@transaction.atomic
def credit_note_create(
    *,
    organisation: Organisation,
    customer: Customer,
    number: str,
    issue_date: date,
    amount: Decimal,
    actor: Actor,
    currency: str = "EUR",
    invoice: Invoice | None = None,
) -> CreditNote:
    """A credit note, applied to the invoice it corrects (or the oldest open items)."""
    _same_organisation(organisation, customer)
    amount = _money(amount, gettext("Montant de l'avoir"))
    _currency(currency)
    if invoice is not None and invoice.customer_id != customer.pk:
        raise LedgerError(
            gettext("La facture « %(number)s » n'est pas à ce client.") % {"number": invoice.number}
        )
    if CreditNote.objects.filter(organisation=organisation, number=number).exists():
        raise LedgerError(gettext("L'avoir « %(number)s » existe déjà.") % {"number": number})
    credit_note = CreditNote.objects.create(
        organisation=organisation, customer=customer, number=number, issue_date=issue_date,
        currency=currency, amount=amount, invoice=invoice,
    )  # fmt: skip
    parts = _allocate(organisation, customer, currency, amount, invoice=invoice)
    Allocation.objects.bulk_create(
        Allocation(organisation=organisation, instalment_id=pk, credit_note=credit_note,
                   amount=part, date=issue_date)
        for pk, part in parts
    )  # fmt: skip
    audit_record(
        organisation=organisation, actor=actor, action="credit_note_create",
        entity_type="credit_note", entity_id=str(credit_note.uuid),
        after={"number": number, "amount": str(amount), "currency": currency,
               "allocated": [[pk, str(part)] for pk, part in parts]},
    )  # fmt: skip
    customer_balances_touch(organisation=organisation, customer_ids=[customer.pk])
    return credit_note


NOTE_MAX_LENGTH = 5000


@transaction.atomic
def note_add(
    *, customer: Customer, text: str, actor: Actor, invoice: Invoice | None = None
) -> Note:
    """A staff note on a customer, or on one of its invoices."""
    text = text.strip()
    if not text:
        raise LedgerError(gettext("La note est vide."))
    if len(text) > NOTE_MAX_LENGTH:
        raise LedgerError(
            gettext("Une note fait au plus %(max)s caractères.") % {"max": NOTE_MAX_LENGTH}
        )
    if invoice is not None and invoice.customer_id != customer.pk:
        raise LedgerError(
            gettext("La facture « %(number)s » n'est pas à ce client.") % {"number": invoice.number}
        )
    note = Note.objects.create(
        organisation_id=customer.organisation_id, customer=customer, invoice=invoice,
        author=actor.user, text=text, created_at=timezone.now(),
    )  # fmt: skip
    audit_record(
        organisation=customer.organisation, actor=actor, action="note_add",
        entity_type="customer", entity_id=str(customer.uuid),
        after={"note": str(note.uuid), "text": text,
               "invoice": invoice.number if invoice is not None else None},
    )  # fmt: skip
    return note


@transaction.atomic
def customer_collector_set(*, customer: Customer, collector: User | None, actor: Actor) -> Customer:
    """Give the customer to a collector (an admin or collector of its organisation), or to none."""
    if collector is not None and not Membership.objects.filter(
        user=collector, organisation_id=customer.organisation_id,
        role__in=[Role.ADMIN, Role.COLLECTOR],
    ).exists():  # fmt: skip
        raise LedgerError(gettext("Ce chargé de recouvrement n'est pas membre de l'organisation."))
    before = customer.collector.email if customer.collector is not None else None
    after = collector.email if collector is not None else None
    if before == after:
        return customer
    customer.collector = collector
    customer.save(update_fields=["collector", "updated_at"])
    audit_record(
        organisation=customer.organisation, actor=actor, action="customer_collector",
        entity_type="customer", entity_id=str(customer.uuid),
        before={"collector": before}, after={"collector": after},
    )  # fmt: skip
    return customer


ADDRESS_FIELDS = {"address_line1": 200, "address_line2": 200, "postal_code": 20, "city": 100}
COUNTRY = re.compile(r"^[A-Z]{2}$")


@transaction.atomic
def customer_address_update(
    *,
    customer: Customer,
    actor: Actor,
    address_line1: str,
    address_line2: str,
    postal_code: str,
    city: str,
    country: str,
) -> Customer:
    """Change the customer's postal address (the one letters are sent to). The country is also
    the customer's for the late-payment rules. Records the changed values, before and after."""
    new = {
        "address_line1": " ".join(address_line1.split()),
        "address_line2": " ".join(address_line2.split()),
        "postal_code": " ".join(postal_code.split()).upper(),
        "city": " ".join(city.split()),
        "country": country.strip().upper(),
    }
    for name, limit in ADDRESS_FIELDS.items():
        if len(new[name]) > limit:
            raise LedgerError(
                gettext("Adresse : « %(value)s… » dépasse %(limit)s caractères.")
                % {"value": new[name][:30], "limit": limit}
            )
    if not COUNTRY.match(new["country"]):
        raise LedgerError(
            gettext("Pays « %(country)s » invalide : code ISO à 2 lettres (FR, BE…).")
            % {"country": country}
        )
    changed = [name for name, value in new.items() if getattr(customer, name) != value]
    if not changed:
        return customer
    before = {name: getattr(customer, name) for name in changed}
    for name in changed:
        setattr(customer, name, new[name])
    customer.save(update_fields=[*changed, "updated_at"])
    audit_record(
        organisation=customer.organisation, actor=actor, action="customer_address",
        entity_type="customer", entity_id=str(customer.uuid),
        before=before, after={name: new[name] for name in changed},
    )  # fmt: skip
    return customer


@transaction.atomic
def payment_reverse(
    *, payment: Payment, amount: Decimal, reason: str, actor: Actor, on: date | None = None
) -> Payment | None:
    """Take ``amount`` of a payment back (a refund, a chargeback, a failed direct debit).

    Taken back whole, the payment is reversed as the bank's reversals are
    (``payments_reverse``: kept for the record, marked reversed, what it paid owed again);
    returns None. In part: its unallocated credit goes first, then its allocations from the
    latest due instalment back, so that what becomes owed again is what was settled last;
    returns the payment, reduced."""
    amount = _money(amount, gettext("Montant repris"))
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.reversed_on is not None:
        raise LedgerError(
            gettext("Le paiement %(reference)s a déjà été annulé.")
            % {"reference": payment.reference}
        )
    if amount > payment.amount:
        raise LedgerError(
            gettext("On ne peut reprendre %(amount)s d'un paiement de %(paid)s.")
            % {"amount": amount, "paid": payment.amount}
        )
    if amount == payment.amount:
        day = on or local_day(payment.organisation)
        payments_reverse(organisation=payment.organisation, actor=actor,
                         reversals=[PaymentReversal(payment.pk, day, reason)])  # fmt: skip
        return None
    allocations = list(
        Allocation.objects.filter(payment=payment)
        .select_related("instalment")
        .order_by("-instalment__due_date", "-instalment_id", "-id")
    )
    allocated = sum((part.amount for part in allocations), Decimal("0.00"))
    left = amount - min(payment.amount - allocated, amount)  # the credit goes back first
    undone: list[list[object]] = []
    for part in allocations:
        if left <= 0:
            break
        taken = min(part.amount, left)
        undone.append([part.instalment_id, str(taken)])
        left -= taken
        if taken == part.amount:
            part.delete()
        else:
            part.amount -= taken
            part.save(update_fields=["amount"])
    before = {"reference": payment.reference, "amount": str(payment.amount),
              "currency": payment.currency, "method": payment.method}  # fmt: skip
    payment.amount -= amount
    payment.save(update_fields=["amount"])
    audit_record(
        organisation=payment.organisation, actor=actor, action="payment_reverse",
        entity_type="payment", entity_id=str(payment.uuid), before=before,
        after={"reversed": str(amount), "reason": reason, "unallocated": undone,
               "remaining": str(payment.amount)},
    )  # fmt: skip
    customer_balances_touch(organisation=payment.organisation, customer_ids=[payment.customer_id])
    return payment
