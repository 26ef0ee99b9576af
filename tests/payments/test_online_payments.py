"""Online payment: the official SDKs against the local stand-in of Stripe's and Mollie's
APIs, the webhooks verified and applied exactly once, refunds undone in the ledger."""

from __future__ import annotations

import json
import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from relance.accounts.models import AuditEvent
from relance.ledger.models import Customer, Invoice, Payment
from relance.ledger.services import customer_create, invoice_create
from relance.lib.sealed import unseal
from relance.payments.accounts import (
    ProviderSetupError,
    provider_account_check,
    provider_account_set,
)
from relance.payments.models import CheckoutStatus, OnlinePayment, ProviderAccount, WebhookEvent
from relance.payments.providers import ProviderError
from relance.payments.selectors import webhook_url
from tests.payment_provider import MOLLIE_KEY, STRIPE_KEY, STRIPE_SECRET
from tests.payments.helpers import (
    deliver,
    hook_path,
    mollie_account,
    owed,
    pay_online,
    portal_path,
    stripe_account,
    written,
)

D = Decimal


# Setting up ------------------------------------------------------------------------------


def test_keys_are_sealed_shown_by_their_end_and_checked_at_the_provider(
    organisation, actor, settings, payment_provider
):
    account = stripe_account(organisation, actor, settings)
    stored = ProviderAccount.objects.get()
    assert STRIPE_KEY not in stored.api_key and STRIPE_SECRET not in stored.webhook_secret
    assert unseal(stored.api_key) == STRIPE_KEY and stored.api_key_hint == "sk_test_…1234"
    audit = AuditEvent.objects.get(action="payment_provider_set")
    assert STRIPE_KEY not in json.dumps(audit.after) and STRIPE_SECRET not in json.dumps(
        audit.after
    )
    assert provider_account_check(account) == "Stripe"
    # A key the provider does not know: its own answer, for the person setting it up.
    wrong = provider_account_set(organisation=organisation, provider="stripe",
                                 api_key="sk_test_unknownKey00000000", webhook_secret=None,
                                 methods=["card"], actor=actor)  # fmt: skip
    with pytest.raises(ProviderError, match="Invalid API Key"):
        provider_account_check(wrong)
    assert ProviderAccount.objects.get().webhook_token == account.webhook_token


@pytest.mark.parametrize(
    ("provider", "key", "secret", "methods", "message"),
    [("stripe", "pk_test_publishable0000", STRIPE_SECRET, ["card"], "invalide"),
     ("stripe", STRIPE_KEY, None, ["card"], "secret de signature"),
     ("stripe", STRIPE_KEY, "not-a-secret", ["card"], "whsec_"),
     ("mollie", STRIPE_KEY, None, ["card"], "live_"),
     ("mollie", MOLLIE_KEY, None, [], "moyen de paiement"),
     ("mollie", MOLLIE_KEY, None, ["card", "cash"], "moyen de paiement"),
     ("paypal", MOLLIE_KEY, None, ["card"], "inconnu")],
)  # fmt: skip
def test_bad_settings_are_refused_and_change_nothing(
    organisation, actor, provider, key, secret, methods, message
):
    with pytest.raises(ProviderSetupError, match=message):
        provider_account_set(organisation=organisation, provider=provider, api_key=key,
                             webhook_secret=secret, methods=methods, actor=actor)  # fmt: skip
    assert not ProviderAccount.objects.exists()
    assert not AuditEvent.objects.filter(action="payment_provider_set").exists()


# The portal's button and the checkout -----------------------------------------------------


def test_no_button_without_a_provider(client, debtor, actor):
    path = portal_path(debtor, actor)
    assert "Payer en ligne" not in client.get(path).content.decode()
    answer = client.post(path + "payment/")
    assert answer.status_code == 404 and not OnlinePayment.objects.exists()
    assert "virement" in answer.content.decode()


def test_stripe_checkout_for_the_total_in_the_debtors_language(
    client, debtor, actor, settings, payment_provider
):
    stripe_account(debtor.organisation, actor, settings, payment_provider)
    debtor.language = "nl"
    debtor.save()
    path = portal_path(debtor, actor)
    page = client.get(path).content.decode()
    assert "Het totaal online betalen" in page and page.count('name="invoice"') == 2
    online, location = pay_online(client, path)
    session = payment_provider.sessions[online.provider_id]
    assert location == session["url"] and location.startswith(payment_provider.base)
    assert session["amount_total"] == 12345 and session["currency"] == "eur"
    assert session["payment_method_types"] == ["card", "sepa_debit"]
    assert session["locale"] == "nl" and session["client_reference_id"] == str(online.uuid)
    assert session["success_url"].startswith(settings.RELANCE_PUBLIC_URL + path + "payment/return/")
    assert "F-1" in session["description"] and "F-2" in session["description"]
    assert online.amount == D("123.45") and online.status == CheckoutStatus.OPEN
    assert sorted(online.invoices.values_list("number", flat=True)) == ["F-1", "F-2"]
    # A second click a moment later goes to the same checkout.
    assert pay_online(client, path)[1] == location and OnlinePayment.objects.count() == 1


def test_mollie_checkout_for_one_invoice(client, debtor, actor, payment_provider):
    account = mollie_account(debtor.organisation, actor)
    path = portal_path(debtor, actor)
    invoice = Invoice.objects.get(number="F-2")
    online, location = pay_online(client, path, invoice.uuid)
    payment = payment_provider.mollie[online.provider_id]
    assert location == payment["_links"]["checkout"]["href"]
    assert payment["amount"] == {"currency": "EUR", "value": "23.45"}
    assert payment["requested_methods"] == ["creditcard"] and payment["locale"] == "fr_FR"
    assert payment["webhookUrl"] == webhook_url(account)
    assert payment["metadata"] == {"online_payment": str(online.uuid)}


def test_someone_elses_invoice_or_a_broken_form_opens_no_checkout(
    client, debtor, organisation, actor, settings, payment_provider
):
    stripe_account(organisation, actor, settings, payment_provider)
    other = customer_create(organisation=organisation, external_ref="K-2", name="Autre",
                            actor=actor)  # fmt: skip
    theirs = invoice_create(organisation=organisation, customer=other, number="F-9",
                            issue_date=date(2026, 1, 1), due_date=date(2026, 1, 31),
                            amount_incl_tax=D("50.00"), actor=actor)  # fmt: skip
    path = portal_path(debtor, actor)
    answer = client.post(path + "payment/", {"invoice": str(theirs.uuid)})
    assert answer.status_code == 409 and "F-9" not in answer.content.decode()
    assert client.post(path + "payment/", {"invoice": "../../x"}).status_code == 400
    assert client.get(path + "payment/").status_code == 405
    assert not OnlinePayment.objects.exists() and not payment_provider.sessions


def test_a_provider_that_does_not_answer_gives_a_clear_page(
    client, debtor, actor, settings, payment_provider
):
    stripe_account(debtor.organisation, actor, settings, payment_provider)
    payment_provider.failing = True
    answer = client.post(portal_path(debtor, actor) + "payment/")
    assert answer.status_code == 503 and "virement" in answer.content.decode()
    assert OnlinePayment.objects.get().status == CheckoutStatus.ERROR
    assert not Payment.objects.exists()


def test_the_return_page_thanks_and_records_nothing(client, debtor, actor):
    path = portal_path(debtor, actor)
    answer = client.get(path + "payment/return/?lang=de&session_id=cs_forged&status=paid")
    assert answer.status_code == 200 and "Danke" in answer.content.decode()
    assert not Payment.objects.exists() and owed(debtor)["F-1"] == D("100.00")


# Stripe webhooks ---------------------------------------------------------------------------


def test_a_paid_card_checkout_pays_its_invoices_once(client, debtor, payment_provider,
                                                    stripe_checkout):  # fmt: skip
    account, online = stripe_checkout
    body, headers = payment_provider.stripe_pay(online.provider_id)
    answer = deliver(client, hook_path(account), body, headers)
    assert answer.status_code == 200 and answer.content == b"paid"
    online.refresh_from_db()
    payment = Payment.objects.get()
    intent = payment_provider.sessions[online.provider_id]["payment_intent"]
    assert payment.reference == f"stripe:{intent}" and payment.amount == D("123.45")
    assert payment.method == "carte (Stripe)"
    assert online.status == CheckoutStatus.PAID and online.payment == payment
    assert online.paid_at is not None and online.method == "card"
    assert owed(debtor) == {}
    audit = AuditEvent.objects.get(action="online_payment_paid")
    assert audit.entity_id == str(debtor.uuid) and audit.after["amount"] == "123.45"
    assert audit.after["invoices"] == ["F-1", "F-2"] and "expected" not in audit.after
    before = written()
    replay = deliver(client, hook_path(account), body, headers)
    assert replay.status_code == 200 and replay.content == b"replay"
    assert written() == before


def test_forged_wrongly_signed_and_stale_deliveries_change_nothing(
    client, payment_provider, stripe_checkout
):
    account, online = stripe_checkout
    body, headers = payment_provider.stripe_pay(online.provider_id)
    url = hook_path(account)
    before = written()
    forged = body.replace(b"12345", b"99999")
    assert deliver(client, url, forged, headers).status_code == 400
    assert deliver(client, url, body, {}).status_code == 400
    payment_provider.stripe_secret = "whsec_anotherEndpointSecret"
    _wrong_body, wrong = payment_provider.stripe_pay(online.provider_id)
    assert deliver(client, url, _wrong_body, wrong).status_code == 400
    payment_provider.stripe_secret = STRIPE_SECRET
    stale_body, stale = payment_provider.stripe_event(
        "checkout.session.completed", payment_provider.sessions[online.provider_id],
        timestamp=int(time.time()) - 3600,
    )  # fmt: skip
    assert deliver(client, url, stale_body, stale).status_code == 400
    assert deliver(client, url, b"not json", headers).status_code == 400
    assert deliver(client, url.replace(account.webhook_token, "x" * 43), body,
                 headers).status_code == 404  # fmt: skip
    assert written() == before and not WebhookEvent.objects.exists()
    assert AuditEvent.objects.filter(action__startswith="online_payment_").count() == 1  # started


def test_an_authentic_event_about_another_checkout_is_ignored(client, payment_provider,
                                                              stripe_checkout):  # fmt: skip
    account, online = stripe_checkout
    session = dict(payment_provider.sessions[online.provider_id])
    session.update(id="cs_test_elsewhere", client_reference_id="not-ours",
                   payment_status="paid", payment_intent="pi_elsewhere")  # fmt: skip
    body, headers = payment_provider.stripe_event("checkout.session.completed", session)
    answer = deliver(client, hook_path(account), body, headers)
    assert answer.status_code == 200 and answer.content == b"unknown_checkout"
    assert written() == (0, 0, 0, 0)


def test_an_amount_that_differs_is_recorded_as_received(client, debtor, payment_provider,
                                                        stripe_checkout):  # fmt: skip
    account, online = stripe_checkout
    payment_provider.sessions[online.provider_id]["amount_total"] = 10000
    body, headers = payment_provider.stripe_pay(online.provider_id)
    assert deliver(client, hook_path(account), body, headers).content == b"paid"
    assert Payment.objects.get().amount == D("100.00")
    assert owed(debtor) == {"F-2": D("23.45")}  # oldest first: F-1 paid, F-2 still owed
    audit = AuditEvent.objects.get(action="online_payment_paid")
    assert audit.after["expected"] == "123.45 EUR" and audit.after["amount"] == "100.00"


def test_a_refund_takes_back_what_it_must(client, debtor, payment_provider, stripe_checkout):
    account, online = stripe_checkout
    deliver(client, hook_path(account), *payment_provider.stripe_pay(online.provider_id))
    assert owed(debtor) == {}
    partial = payment_provider.stripe_refund(online.provider_id, 2345)
    assert deliver(client, hook_path(account), *partial).content == b"reversed"
    assert owed(debtor) == {"F-2": D("23.45")}  # the last-settled invoice is owed again
    assert Payment.objects.get().amount == D("100.00")
    assert deliver(client, hook_path(account), *partial).content == b"replay"
    full = payment_provider.stripe_refund(online.provider_id, 12345)
    assert deliver(client, hook_path(account), *full).content == b"reversed"
    assert owed(debtor) == {"F-1": D("100.00"), "F-2": D("23.45")}
    payment = Payment.objects.get()  # kept for the record, marked reversed
    assert payment.reversed_on is not None and payment.reversal_reason == "refunded (Stripe)"
    online.refresh_from_db()
    assert online.status == CheckoutStatus.REFUNDED and online.reversed_amount == D("123.45")
    assert online.payment == payment
    reversals = AuditEvent.objects.filter(action="payment_reverse").order_by("id")
    assert reversals[0].after["reversed"] == "23.45"
    assert reversals[1].after["reason"] == "refunded (Stripe)"
    assert AuditEvent.objects.filter(action="online_payment_reversed").count() == 2
    # The success delivered again after the refund records nothing new.
    body, headers = payment_provider.stripe_event(
        "checkout.session.completed", payment_provider.sessions[online.provider_id]
    )
    assert deliver(client, hook_path(account), body, headers).content == b"already_paid"
    assert Payment.objects.get().reversed_on is not None and owed(debtor)["F-1"] == D("100.00")


def test_a_sepa_debit_is_paid_when_it_clears_and_a_failed_one_pays_nothing(
    client, debtor, payment_provider, stripe_checkout
):
    account, online = stripe_checkout
    session = payment_provider.sessions[online.provider_id]
    session["payment_intent"] = "pi_sepa"
    pending = payment_provider.stripe_event("checkout.session.completed", session)
    assert deliver(client, hook_path(account), *pending).content == b"processing"
    assert not Payment.objects.exists()
    failed = payment_provider.stripe_event("checkout.session.async_payment_failed", session)
    assert deliver(client, hook_path(account), *failed).content == b"failed"
    online.refresh_from_db()
    assert online.status == CheckoutStatus.FAILED and not Payment.objects.exists()
    assert owed(debtor)["F-1"] == D("100.00")


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_the_same_instant_pay_once(
    debtor, actor, settings, payment_provider, live_server
):
    settings.RELANCE_PUBLIC_URL = live_server.url
    from django.test import Client

    account = stripe_account(debtor.organisation, actor, settings, payment_provider)
    online, _location = pay_online(Client(), portal_path(debtor, actor))
    body, headers = payment_provider.stripe_pay(online.provider_id)
    start = threading.Barrier(4)

    def deliver() -> None:
        start.wait()
        payment_provider.deliver(webhook_url(account), body, headers)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    connection.close()
    answers = sorted(delivery.answer for delivery in payment_provider.deliveries)
    assert {delivery.status for delivery in payment_provider.deliveries} == {200}
    assert answers == ["paid", "replay", "replay", "replay"]
    assert Payment.objects.count() == 1 and WebhookEvent.objects.count() == 1


# Mollie webhooks ---------------------------------------------------------------------------


def test_mollie_payment_read_back_from_the_api_pays_once_and_refunds(
    client, debtor, actor, payment_provider
):
    account = mollie_account(debtor.organisation, actor)
    online, _location = pay_online(client, portal_path(debtor, actor))
    form = "application/x-www-form-urlencoded"
    url = hook_path(account)
    # Said paid before it is: the API says open, nothing happens.
    early = deliver(client, url, f"id={online.provider_id}".encode(), {"Content-Type": form})
    assert early.status_code == 200 and early.content == b"ignored"
    body = payment_provider.mollie_pay(online.provider_id)
    assert deliver(client, url, body, {"Content-Type": form}).content == b"paid"
    payment = Payment.objects.get()
    assert payment.reference == f"mollie:{online.provider_id}" and payment.amount == D("123.45")
    assert payment.method == "carte (Mollie)" and owed(debtor) == {}
    assert deliver(client, url, body, {"Content-Type": form}).content == b"replay"
    refund = payment_provider.mollie_refund(online.provider_id, D("123.45"))
    assert deliver(client, url, refund, {"Content-Type": form}).content == b"reversed"
    assert Payment.objects.get().reversed_on is not None and owed(debtor)["F-1"] == D("100.00")


@pytest.mark.parametrize("body", [b"id=tr_unknown1", b"id=ch_notapayment", b"id=", b"x" * 2000,
                                  b"id=tr_a&id=tr_b", b"\xff\xfe"])  # fmt: skip
def test_mollie_ids_the_api_does_not_confirm_are_refused(
    client, debtor, actor, payment_provider, body
):
    account = mollie_account(debtor.organisation, actor)
    pay_online(client, portal_path(debtor, actor))
    before = written()
    answer = deliver(client, hook_path(account), body,
                   {"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert answer.status_code == 400 and written() == before


def test_a_payment_of_one_organisation_is_never_applied_to_another(
    client, debtor, actor, other_organisation, payment_provider
):
    mollie_account(debtor.organisation, actor)
    online, _location = pay_online(client, portal_path(debtor, actor))
    payment_provider.mollie_pay(online.provider_id)
    other = mollie_account(other_organisation, actor)
    answer = deliver(client, hook_path(other), f"id={online.provider_id}".encode(),
                   {"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert answer.status_code == 200 and answer.content == b"unknown_checkout"
    assert written() == (0, 0, 0, 0)
    assert Customer.objects.filter(organisation=other_organisation).count() == 0
