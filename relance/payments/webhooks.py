"""Provider webhooks, applied exactly once.

A delivery is verified first (the adapter: Stripe's signature, Mollie's payment read back
from the API); one that cannot be verified is answered 400 and leaves no trace. A verified
event is stored under its id with a unique constraint, in the same transaction as what it
changes: the same event delivered again, even at the same instant, changes nothing. The
organisation row is locked while money is allocated, as bank reconciliation does.

Amounts are taken as the provider reports them: money received is recorded as received,
even when it is not what the checkout asked (the difference is noted in the audit trail;
an excess stays as the customer's credit, as for any payment).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from relance.accounts.audit import Actor, audit_record
from relance.accounts.clock import local_day
from relance.accounts.models import Organisation
from relance.dunning.reminder_facts import (
    paid_instalments,
    reminder_facts_refresh,
    reminder_facts_refresh_paid_by,
)
from relance.ledger.models import Payment
from relance.ledger.services import LedgerError, payment_record, payment_reverse
from relance.payments.accounts import account_gateway
from relance.payments.models import (
    CheckoutStatus,
    Method,
    OnlinePayment,
    Provider,
    ProviderAccount,
    WebhookEvent,
)
from relance.payments.providers import EventKind, ProviderError, ProviderEvent, WebhookRejected

ZERO = Decimal("0.00")
NOT_PAID = (CheckoutStatus.OPEN, CheckoutStatus.PROCESSING, CheckoutStatus.ERROR)
METHOD_WORDS: dict[str, str] = {Method.CARD: "carte", Method.SEPA_DEBIT: "prélèvement SEPA"}


@dataclass(frozen=True)
class Delivery:
    status: int  # the HTTP answer: 200 taken (or nothing to do), 400 refused, 404, 502
    outcome: str


def webhook_receive(
    *, provider: str, token: str, body: bytes, headers: Mapping[str, str]
) -> Delivery:
    account = (
        ProviderAccount.objects.select_related("organisation")
        .filter(provider=provider, webhook_token=token).first()
    ) if provider in Provider.values and token else None  # fmt: skip
    if account is None:
        return Delivery(404, "unknown_endpoint")
    try:
        event = account_gateway(account).webhook_parse(body, headers)
    except WebhookRejected:
        return Delivery(400, "rejected")
    except ProviderError:
        return Delivery(502, "provider_unreachable")  # the provider delivers again later
    if event is None:
        return Delivery(200, "ignored")
    return Delivery(200, event_apply(organisation=account.organisation, provider=provider,
                                     event=event))  # fmt: skip


def event_apply(*, organisation: Organisation, provider: str, event: ProviderEvent) -> str:
    """Apply a verified event once; what it did (``replay`` when it had been applied)."""
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        online = _online_payment(organisation, provider, event)
        if online is None:
            return "unknown_checkout"  # authentic, but not one of ours: nothing to keep
        try:
            with transaction.atomic():
                stored = WebhookEvent.objects.create(
                    organisation=organisation, provider=provider, event_id=event.event_id,
                    kind=event.kind, online_payment=online, outcome="",
                    received_at=timezone.now(),
                )  # fmt: skip
        except IntegrityError:
            return "replay"
        actor = Actor.system(f"paiement en ligne ({Provider(provider).label})")
        outcome = APPLY[event.kind](online, event, actor)
        stored.outcome = outcome
        stored.save(update_fields=["outcome"])
        return outcome


def _online_payment(
    organisation: Organisation, provider: str, event: ProviderEvent
) -> OnlinePayment | None:
    ours = OnlinePayment.objects.select_for_update().filter(
        organisation=organisation, provider=provider
    )
    if event.reference:
        try:
            found = ours.filter(uuid=uuid.UUID(event.reference)).first()
        except ValueError:
            return None
        if found is not None and event.checkout_id and found.provider_id != event.checkout_id:
            return None  # our reference on somebody else's checkout
        return found
    if event.checkout_id:
        return ours.filter(provider_id=event.checkout_id).first()
    if event.payment_id:
        return ours.filter(provider_payment_id=event.payment_id).first()
    return None


def _audit(online: OnlinePayment, action: str, actor: Actor, **facts: object) -> None:
    audit_record(
        organisation=online.organisation, actor=actor, action=action, entity_type="customer",
        entity_id=str(online.customer.uuid),
        after={"checkout": str(online.uuid), "provider": online.provider, **facts},
    )  # fmt: skip


def _succeeded(online: OnlinePayment, event: ProviderEvent, actor: Actor) -> str:
    if online.status not in NOT_PAID and online.status != CheckoutStatus.FAILED:
        return "already_paid"
    method = event.method if event.method in METHOD_WORDS else ""
    words = METHOD_WORDS.get(method, "en ligne")
    # Invoices are named only in their own currency; otherwise the payment goes, like any
    # other, to the customer's oldest items in its currency, or stays as a credit.
    invoices = list(online.invoices.all()) if event.currency == online.currency else []
    try:
        payment = payment_record(
            organisation=online.organisation, customer=online.customer,
            reference=f"{online.provider}:{event.payment_id or event.checkout_id}",
            date=local_day(online.organisation), amount=event.amount, currency=event.currency,
            invoices=invoices, method=f"{words} ({Provider(online.provider).label})"[:30],
            actor=actor,
        )  # fmt: skip
    except LedgerError as exc:
        _audit(online, "online_payment_refused", actor, reason=str(exc),
               amount=str(event.amount), currency=event.currency)  # fmt: skip
        return "ledger_refused"
    reminder_facts_refresh_paid_by(payment_ids=[payment.pk])
    online.status, online.paid_at, online.payment = CheckoutStatus.PAID, timezone.now(), payment
    online.paid_amount, online.method = event.amount, method
    online.provider_payment_id = event.payment_id or online.provider_payment_id
    online.save(update_fields=["status", "paid_at", "payment", "paid_amount", "method",
                               "provider_payment_id"])  # fmt: skip
    mismatch = event.amount != online.amount or event.currency != online.currency
    _audit(
        online, "online_payment_paid", actor, amount=str(event.amount), currency=event.currency,
        method=method, reference=payment.reference,
        invoices=sorted(invoice.number for invoice in invoices),
        **({"expected": f"{online.amount} {online.currency}"} if mismatch else {}),
    )  # fmt: skip
    return "paid"


def _processing(online: OnlinePayment, event: ProviderEvent, actor: Actor) -> str:
    if online.status != CheckoutStatus.OPEN:
        return "no_change"
    online.status = CheckoutStatus.PROCESSING
    online.provider_payment_id = event.payment_id or online.provider_payment_id
    online.save(update_fields=["status", "provider_payment_id"])
    _audit(online, "online_payment_processing", actor, amount=str(online.amount),
           currency=online.currency)  # fmt: skip
    return "processing"


def _failed(online: OnlinePayment, event: ProviderEvent, actor: Actor) -> str:
    if online.status == CheckoutStatus.PAID:
        # A debit that bounces after it was reported paid: the bank takes all of it back.
        online.charged_back_amount = online.paid_amount - online.refunded_amount
        return _take_back(online, online.paid_amount, actor, "failed")
    if online.status not in NOT_PAID:
        return "no_change"
    online.status = CheckoutStatus.FAILED
    online.save(update_fields=["status"])
    _audit(online, "online_payment_failed", actor, amount=str(online.amount),
           currency=online.currency)  # fmt: skip
    return "failed"


def _reversed(online: OnlinePayment, event: ProviderEvent, actor: Actor) -> str:
    """Refunds and chargebacks are told apart, each as a running total: a refund's event says
    nothing of chargebacks, and a chargeback the merchant wins gives its money back."""
    if online.status not in (CheckoutStatus.PAID, CheckoutStatus.REFUNDED):
        return "not_paid"
    if event.refunded_total is not None:
        online.refunded_amount = event.refunded_total
    if event.charged_back_total is not None:
        online.charged_back_amount = event.charged_back_total
    total = min(online.refunded_amount + online.charged_back_amount, online.paid_amount)
    if total > online.reversed_amount:
        why = "refunded" if event.refunded_total is not None else "charged back"
        return _take_back(online, total, actor, why)
    if total < online.reversed_amount:
        return _give_back(online, total, event, actor)
    online.save(update_fields=["refunded_amount", "charged_back_amount"])
    return "no_change"


def _payments_in(online: OnlinePayment) -> list[Payment]:
    """The ledger payments this checkout brought, still standing, the latest first: the one
    recorded when it was paid, and any recorded when a chargeback was won."""
    return list(
        Payment.objects.filter(organisation=online.organisation, reversed_on__isnull=True)
        .filter(Q(pk=online.payment_id) | Q(reference__startswith=_given_back_prefix(online)))
        .order_by("-id")
    )


def _given_back_prefix(online: OnlinePayment) -> str:
    return f"{online.provider}:back:{online.uuid}:"


def _take_back(online: OnlinePayment, total: Decimal, actor: Actor, why: str) -> str:
    """Bring what was taken back, all told, up to ``total``."""
    amount = left = total - online.reversed_amount
    payments = _payments_in(online)
    touched = paid_instalments(payment.pk for payment in payments)
    for payment in payments:
        part = min(left, payment.amount)
        payment_reverse(payment=payment, amount=part, actor=actor,
                        reason=f"{why} ({Provider(online.provider).label})")  # fmt: skip
        left -= part
        if left <= ZERO:
            break
    reminder_facts_refresh(instalment_ids=touched)
    online.reversed_amount = total
    if online.reversed_amount >= online.paid_amount:
        online.status = CheckoutStatus.REFUNDED
    online.save(update_fields=_REVERSAL_FIELDS)
    _audit(online, "online_payment_reversed", actor, amount=str(amount),
           currency=online.currency, reason=why)  # fmt: skip
    return "reversed"


def _give_back(online: OnlinePayment, total: Decimal, event: ProviderEvent, actor: Actor) -> str:
    """Bring what was taken back down to ``total``: the money returned is a new payment,
    allocated as the first one was."""
    amount = online.reversed_amount - total
    words = METHOD_WORDS.get(online.method, "en ligne")
    try:
        payment = payment_record(
            organisation=online.organisation, customer=online.customer,
            reference=f"{_given_back_prefix(online)}{event.event_id}"[:100],
            date=local_day(online.organisation), amount=amount, currency=online.currency,
            invoices=list(online.invoices.all()),
            method=f"{words} ({Provider(online.provider).label})"[:30], actor=actor,
        )  # fmt: skip
    except LedgerError as exc:
        _audit(online, "online_payment_refused", actor, reason=str(exc), amount=str(amount),
               currency=online.currency)  # fmt: skip
        return "ledger_refused"
    reminder_facts_refresh_paid_by(payment_ids=[payment.pk])
    online.reversed_amount, online.status = total, CheckoutStatus.PAID
    online.save(update_fields=_REVERSAL_FIELDS)
    _audit(online, "online_payment_given_back", actor, amount=str(amount),
           currency=online.currency)  # fmt: skip
    return "given_back"


_REVERSAL_FIELDS = ["reversed_amount", "refunded_amount", "charged_back_amount", "status"]


APPLY = {
    EventKind.SUCCEEDED: _succeeded,
    EventKind.PROCESSING: _processing,
    EventKind.FAILED: _failed,
    EventKind.REVERSED: _reversed,
}
