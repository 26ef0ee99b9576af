"""A debtor with two open invoices, and the steps of paying online: shared by the tests of
online payment (tests/payments, tests/web, tests/browser)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import urlparse

from relance.accounts.models import AuditEvent
from relance.ledger.models import Payment
from relance.ledger.portal_links import portal_link_issue
from relance.ledger.selectors import customer_statement_rows
from relance.ledger.services import contact_add, customer_create, invoice_create
from relance.payments.accounts import provider_account_set
from relance.payments.models import CheckoutStatus, OnlinePayment, WebhookEvent
from relance.payments.selectors import webhook_url
from tests.payment_provider import MOLLIE_KEY, STRIPE_KEY, STRIPE_SECRET

D = Decimal


def debtor_with_two_invoices(organisation, actor):
    organisation.iban, organisation.bic = "FR7630006000011234567890189", "AGRIFRPP"
    organisation.save()
    customer = customer_create(organisation=organisation, external_ref="K-1", actor=actor,
                               name="Boulangerie Lefèvre SARL")  # fmt: skip
    contact_add(customer=customer, email="compta@lefevre.example", is_primary=True, actor=actor)
    for number, amount, due in (("F-1", "100.00", date(2026, 1, 31)),
                                ("F-2", "23.45", date(2026, 2, 28))):  # fmt: skip
        invoice_create(organisation=organisation, customer=customer, number=number,
                       issue_date=date(2026, 1, 1), due_date=due, amount_incl_tax=D(amount),
                       actor=actor)  # fmt: skip
    return customer


def owed(customer) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for row in customer_statement_rows(customer):
        found[str(row[4])] = found.get(str(row[4]), D("0")) + Decimal(str(row[8]))
    return found


def stripe_account(organisation, actor, settings, standin=None):
    account = provider_account_set(organisation=organisation, provider="stripe",
                                   api_key=STRIPE_KEY, webhook_secret=STRIPE_SECRET,
                                   methods=["card", "sepa_debit"], actor=actor)  # fmt: skip
    if standin is not None:
        standin.stripe_webhook_url = webhook_url(account)
    return account


def mollie_account(organisation, actor):
    return provider_account_set(organisation=organisation, provider="mollie",
                                api_key=MOLLIE_KEY, webhook_secret=None,
                                methods=["card"], actor=actor)  # fmt: skip


def portal_path(customer, actor) -> str:
    return urlparse(portal_link_issue(customer=customer, actor=actor).url).path


def pay_online(client, path, invoice=None):
    """The debtor clicks "Pay online": the checkout at the provider it is sent to."""
    answer = client.post(path + "payment/", {"invoice": str(invoice)} if invoice else {})
    assert answer.status_code == 302, answer.content
    return OnlinePayment.objects.latest("created_at"), answer["Location"]


def hook_path(account) -> str:
    return urlparse(webhook_url(account)).path


def deliver(client, url, body, headers):
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()
             if name.lower() != "content-type"}  # fmt: skip
    content_type = headers.get("Content-Type", "application/json")
    return client.generic("POST", url, body, content_type=content_type, **extra)


def written() -> tuple[int, int, int, int]:
    return (Payment.objects.count(), WebhookEvent.objects.count(),
            AuditEvent.objects.filter(action__startswith="online_payment_paid").count(),
            OnlinePayment.objects.filter(status=CheckoutStatus.PAID).count())  # fmt: skip
