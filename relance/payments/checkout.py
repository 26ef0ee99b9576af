"""A debtor starts paying online: an ``OnlinePayment`` for what their chosen invoices still
owe, and a checkout at the provider to send them to. Nothing is paid until the provider
says so in a verified webhook (``relance.payments.webhooks``)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from relance.accounts.audit import Actor, audit_record
from relance.ledger.models import Customer, Invoice
from relance.ledger.selectors import customer_statement_rows
from relance.payments.accounts import account_gateway
from relance.payments.models import CheckoutStatus, OnlinePayment
from relance.payments.providers import CheckoutRequest, ProviderError
from relance.payments.selectors import provider_account_of, webhook_url

# SEPA debits are in euros, and so is the portal's QR code: online payment is for the euro
# account of a customer.
CURRENCY = "EUR"
REUSE_FOR = timedelta(minutes=30)  # a second click pays through the same checkout
ACTOR = Actor.system("portail client")


class CheckoutRefused(Exception):
    """Why no checkout: ``unavailable`` (no provider), ``nothing_due``, ``provider``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def online_payment_offered(customer: Customer) -> bool:
    return provider_account_of(customer.organisation_id) is not None


def _owed(customer: Customer, invoice: UUID | None) -> dict[UUID, Decimal]:
    """What each chosen invoice of the customer still owes in euros."""
    owed: dict[UUID, Decimal] = {}
    for currency, uuid, _pdf, _id, _number, _issued, _due, _amount, left in customer_statement_rows(
        customer
    ):
        if currency == CURRENCY and (invoice is None or uuid == invoice):
            assert isinstance(uuid, UUID)
            owed[uuid] = owed.get(uuid, Decimal("0.00")) + Decimal(str(left))
    return owed


def online_checkout_start(
    *, customer: Customer, invoice: UUID | None, language: str, return_url: str,
    cancel_url: str,
) -> OnlinePayment:  # fmt: skip
    """A checkout for all the customer owes in euros, or for one of their invoices."""
    account = provider_account_of(customer.organisation_id)
    if account is None:
        raise CheckoutRefused("unavailable")
    owed = _owed(customer, invoice)
    amount = sum(owed.values(), Decimal("0.00"))
    if amount <= 0:
        raise CheckoutRefused("nothing_due")
    invoices = list(Invoice.objects.filter(customer=customer, uuid__in=list(owed)))
    numbers = sorted(row.number for row in invoices)
    recent = _reusable(customer, amount, {row.pk for row in invoices}, account.provider)
    if recent is not None:
        return recent
    with transaction.atomic():
        online = OnlinePayment.objects.create(
            organisation_id=customer.organisation_id, customer=customer, amount=amount,
            currency=CURRENCY, language=language, provider=account.provider,
            created_at=timezone.now(),
        )  # fmt: skip
        online.invoices.set(invoices)
    description = f"{customer.organisation.legal_name} — {', '.join(numbers)}"
    request = CheckoutRequest(
        reference=str(online.uuid), amount=amount, currency=CURRENCY,
        description=description[:200], language=language, methods=list(account.methods),
        return_url=return_url, cancel_url=cancel_url, webhook_url=webhook_url(account),
    )  # fmt: skip
    try:
        checkout = account_gateway(account).checkout_create(request)
    except ProviderError as exc:
        online.status = CheckoutStatus.ERROR
        online.save(update_fields=["status"])
        audit_record(organisation=customer.organisation, actor=ACTOR,
                     action="online_payment_error", entity_type="customer",
                     entity_id=str(customer.uuid),
                     after={"checkout": str(online.uuid), "error": str(exc)})  # fmt: skip
        raise CheckoutRefused("provider") from exc
    online.provider_id, online.checkout_url = checkout.provider_id, checkout.url
    online.save(update_fields=["provider_id", "checkout_url"])
    audit_record(
        organisation=customer.organisation, actor=ACTOR, action="online_payment_started",
        entity_type="customer", entity_id=str(customer.uuid),
        after={"checkout": str(online.uuid), "provider": account.provider,
               "amount": str(amount), "currency": CURRENCY, "invoices": numbers},
    )  # fmt: skip
    return online


def _reusable(
    customer: Customer, amount: Decimal, invoice_ids: set[int], provider: str
) -> OnlinePayment | None:
    """The checkout the debtor opened a moment ago for the very same thing, if any."""
    candidates = (
        OnlinePayment.objects.filter(
            customer=customer, status=CheckoutStatus.OPEN, amount=amount, provider=provider,
            created_at__gte=timezone.now() - REUSE_FOR,
        )
        .exclude(checkout_url="")
        .prefetch_related("invoices")
        .order_by("-created_at")[:5]
    )  # fmt: skip
    for online in candidates:
        if {row.pk for row in online.invoices.all()} == invoice_ids:
            return online
    return None
