"""Chargebacks: the debtor's bank takes the money back, and gives it back when the merchant
wins; refunds and chargebacks add up without counting twice, at Stripe and at Mollie."""

from __future__ import annotations

from decimal import Decimal

from relance.accounts.models import AuditEvent
from relance.ledger.models import Payment
from relance.payments.models import CheckoutStatus
from tests.payments.helpers import deliver, hook_path, mollie_account, owed, pay_online, portal_path

D = Decimal
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_a_stripe_chargeback_takes_the_money_back_and_a_won_one_gives_it_back(
    client, debtor, payment_provider, stripe_checkout
):
    account, online = stripe_checkout
    url = hook_path(account)
    deliver(client, url, *payment_provider.stripe_pay(online.provider_id))
    assert owed(debtor) == {}
    created = payment_provider.stripe_dispute(online.provider_id, 12345)
    assert deliver(client, url, *created).content == b"reversed"
    assert owed(debtor) == {"F-1": D("100.00"), "F-2": D("23.45")}
    first = Payment.objects.get()
    assert first.reversed_on is not None and first.reversal_reason == "charged back (Stripe)"
    online.refresh_from_db()
    assert online.status == CheckoutStatus.REFUNDED and online.charged_back_amount == D("123.45")

    won = payment_provider.stripe_dispute(
        online.provider_id, 12345, "charge.dispute.funds_reinstated", "won"
    )
    assert deliver(client, url, *won).content == b"given_back"
    assert owed(debtor) == {}  # paid again, and only once
    again = Payment.objects.exclude(pk=first.pk).get()
    assert again.amount == D("123.45") and again.reversed_on is None
    assert again.method == "carte (Stripe)"
    online.refresh_from_db()
    assert online.status == CheckoutStatus.PAID and online.reversed_amount == D("0.00")
    # The same outcome told again (the dispute's closing) changes nothing.
    closed = payment_provider.stripe_dispute(
        online.provider_id, 12345, "charge.dispute.closed", "won"
    )
    assert deliver(client, url, *closed).content == b"no_change"
    assert Payment.objects.filter(reversed_on__isnull=True).count() == 1
    assert AuditEvent.objects.filter(action="online_payment_given_back").count() == 1


def test_a_lost_dispute_keeps_the_money_taken_back(
    client, debtor, payment_provider, stripe_checkout
):
    account, online = stripe_checkout
    url = hook_path(account)
    deliver(client, url, *payment_provider.stripe_pay(online.provider_id))
    deliver(client, url, *payment_provider.stripe_dispute(online.provider_id, 12345))
    lost = payment_provider.stripe_dispute(
        online.provider_id, 12345, "charge.dispute.closed", "lost"
    )
    assert deliver(client, url, *lost).content == b"ignored"
    assert owed(debtor) == {"F-1": D("100.00"), "F-2": D("23.45")}


def test_a_refund_then_a_chargeback_of_the_rest_takes_back_all_and_no_more(
    client, debtor, payment_provider, stripe_checkout
):
    account, online = stripe_checkout
    url = hook_path(account)
    deliver(client, url, *payment_provider.stripe_pay(online.provider_id))
    deliver(client, url, *payment_provider.stripe_refund(online.provider_id, 2345))
    assert owed(debtor) == {"F-2": D("23.45")}
    # The bank disputes what was left: 100.00, not 100.00 less the refund.
    assert deliver(client, url, *payment_provider.stripe_dispute(online.provider_id, 10000)
                   ).content == b"reversed"  # fmt: skip
    assert owed(debtor) == {"F-1": D("100.00"), "F-2": D("23.45")}
    online.refresh_from_db()
    assert (online.refunded_amount, online.charged_back_amount, online.reversed_amount) == (
        D("23.45"), D("100.00"), D("123.45"),
    )  # fmt: skip
    # Won: the 100.00 comes back and pays the oldest invoice; the refund stays refunded.
    won = payment_provider.stripe_dispute(
        online.provider_id, 10000, "charge.dispute.funds_reinstated", "won"
    )
    assert deliver(client, url, *won).content == b"given_back"
    assert owed(debtor) == {"F-2": D("23.45")}


def test_a_mollie_chargeback_and_its_reversal(client, debtor, actor, payment_provider):
    account = mollie_account(debtor.organisation, actor)
    online, _location = pay_online(client, portal_path(debtor, actor))
    url = hook_path(account)
    deliver(client, url, payment_provider.mollie_pay(online.provider_id), FORM)
    assert owed(debtor) == {}
    charged_back = payment_provider.mollie_chargeback(online.provider_id, D("123.45"))
    assert deliver(client, url, charged_back, FORM).content == b"reversed"
    assert owed(debtor) == {"F-1": D("100.00"), "F-2": D("23.45")}
    assert deliver(client, url, charged_back, FORM).content == b"replay"
    reversed_ = payment_provider.mollie_chargeback_reverse(online.provider_id)
    assert deliver(client, url, reversed_, FORM).content == b"given_back"
    assert owed(debtor) == {}
    assert Payment.objects.filter(reversed_on__isnull=True).count() == 1
    # Refunded afterwards: taken back from the payment that stands, the one given back.
    refund = payment_provider.mollie_refund(online.provider_id, D("23.45"))
    assert deliver(client, url, refund, FORM).content == b"reversed"
    assert owed(debtor) == {"F-2": D("23.45")}
