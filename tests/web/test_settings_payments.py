"""Settings, online payment: the provider's keys are sealed and never shown back, the
webhook address is given, the key is checked at the provider (its stand-in); the customer's
history shows each step of a payment made online."""

from __future__ import annotations

from urllib.parse import urlparse

from relance.accounts.models import AuditEvent
from relance.lib.sealed import unseal
from relance.payments.models import ProviderAccount
from tests.payment_provider import MOLLIE_KEY, STRIPE_KEY, STRIPE_SECRET
from tests.payments.helpers import (
    debtor_with_two_invoices,
    deliver,
    hook_path,
    pay_online,
    portal_path,
)
from tests.web.test_settings import url


def form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {"provider": "stripe", "api_key": STRIPE_KEY,
                               "webhook_secret": STRIPE_SECRET,
                               "methods": ["card", "sepa_debit"]}  # fmt: skip
    data.update(changes)
    return data


def test_keys_are_sealed_never_shown_and_kept_when_left_blank(
    admin_client_org, organisation, settings, payment_provider
):
    target = url("settings_payments", organisation)
    assert "Pas de paiement en ligne" in admin_client_org.get(target).content.decode()
    assert admin_client_org.post(target, form()).status_code == 302
    account = ProviderAccount.objects.get(organisation=organisation)
    assert unseal(account.api_key) == STRIPE_KEY and account.methods == ["card", "sepa_debit"]
    page = admin_client_org.get(target).content.decode()
    assert STRIPE_KEY not in page and STRIPE_SECRET not in page and account.api_key not in page
    assert "sk_test_…1234" in page
    hook = f"{settings.RELANCE_PUBLIC_URL}/payments/webhook/stripe/{account.webhook_token}/"
    assert hook in page
    assert admin_client_org.post(target, form(api_key="", webhook_secret="",
                                              methods=["card"])).status_code == 302  # fmt: skip
    account.refresh_from_db()
    assert unseal(account.api_key) == STRIPE_KEY and unseal(account.webhook_secret) == STRIPE_SECRET
    assert account.methods == ["card"]
    checked = admin_client_org.post(url("settings_payments_check", organisation), follow=True)
    assert "Stripe accepte la clé" in checked.content.decode()
    assert all(STRIPE_KEY not in str(event.after)
               for event in AuditEvent.objects.filter(action="payment_provider_set"))  # fmt: skip


def test_a_rejected_key_and_a_bad_form_are_explained(
    admin_client_org, organisation, payment_provider
):
    target = url("settings_payments", organisation)
    refused = admin_client_org.post(target, form(provider="mollie", api_key=STRIPE_KEY))
    assert refused.status_code == 400 and "live_" in refused.content.decode()
    assert STRIPE_KEY not in refused.content.decode()
    assert admin_client_org.post(target, form(methods=[])).status_code == 400
    assert not ProviderAccount.objects.exists()
    admin_client_org.post(target, form(provider="mollie", api_key="test_notTheStandinsKey1",
                                       methods=["card"]))  # fmt: skip
    checked = admin_client_org.post(url("settings_payments_check", organisation), follow=True)
    assert "refuse la clé" in checked.content.decode()
    admin_client_org.post(url("settings_payments_remove", organisation))
    assert not ProviderAccount.objects.exists()


def test_only_administrators_see_the_payment_settings(collector, organisation):
    assert collector.get(url("settings_payments", organisation)).status_code == 403
    assert collector.post(url("settings_payments", organisation), form()).status_code == 403
    assert not ProviderAccount.objects.exists()


def test_the_customer_history_shows_a_payment_made_online(
    admin_client_org, client, organisation, actor, payment_provider
):
    debtor = debtor_with_two_invoices(organisation, actor)
    mollie = form(provider="mollie", api_key=MOLLIE_KEY, methods=["card"])
    admin_client_org.post(url("settings_payments", organisation), mollie)
    account = ProviderAccount.objects.get()
    online, _location = pay_online(client, portal_path(debtor, actor))
    body = payment_provider.mollie_pay(online.provider_id)
    deliver(client, hook_path(account), body, {"Content-Type": "application/x-www-form-urlencoded"})
    page = admin_client_org.get(url("customer", organisation, customer=debtor.uuid),
                                {"tab": "timeline"})  # fmt: skip
    html = page.content.decode()
    assert "Paiement en ligne commencé" in html and "Payé en ligne par carte" in html
    assert "F-1, F-2" in html and "123,45" in html
    assert urlparse(hook_path(account)).path not in html
