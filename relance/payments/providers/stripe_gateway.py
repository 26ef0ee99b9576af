"""Stripe, through its official SDK: a Checkout Session per checkout, webhooks verified with
the endpoint's signing secret (``Stripe-Signature``: ``t=…,v1=HMAC-SHA256``, five minutes of
tolerance) by ``stripe.Webhook.construct_event``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from relance.payments.providers.base import (
    Checkout,
    CheckoutRequest,
    EventKind,
    ProviderError,
    ProviderEvent,
    WebhookRejected,
)

CENTS = Decimal(100)
RETRIES = 1
# The debtor waits for the checkout; Stripe's SDK would wait 80 seconds by default.
TIMEOUT = (5, 20)  # seconds to connect, to read
LOCALES = {"fr": "fr", "nl": "nl", "en": "en", "de": "de"}


def _cents(amount: Decimal) -> int:
    return int((amount * CENTS).to_integral_value())


def _amount(cents: object) -> Decimal:
    return (Decimal(int(str(cents))) / CENTS).quantize(Decimal("0.01"))


class StripeGateway:
    def __init__(self, *, api_key: str, webhook_secret: str) -> None:
        self.webhook_secret = webhook_secret
        base = getattr(settings, "RELANCE_STRIPE_API_BASE", "")
        self.client = stripe.StripeClient(
            api_key,
            base_addresses={"api": base} if base else None,
            max_network_retries=RETRIES,
            http_client=stripe.RequestsClient(timeout=TIMEOUT),
        )

    def checkout_create(self, request: CheckoutRequest) -> Checkout:
        params: dict[str, Any] = {
            "mode": "payment",
            "payment_method_types": list(request.methods),
            "line_items": [{
                "quantity": 1,
                "price_data": {"currency": request.currency.lower(),
                               "unit_amount": _cents(request.amount),
                               "product_data": {"name": request.description}},
            }],
            "client_reference_id": request.reference,
            "metadata": {"online_payment": request.reference},
            "payment_intent_data": {"metadata": {"online_payment": request.reference}},
            "locale": LOCALES.get(request.language, "auto"),
            "success_url": request.return_url,
            "cancel_url": request.cancel_url,
        }  # fmt: skip
        try:
            session = self.client.v1.checkout.sessions.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": f"relance-{request.reference}"},
            )
        except stripe.StripeError as exc:
            raise ProviderError(
                _("Stripe a refusé la demande : %(error)s") % {"error": exc.user_message or exc}
            ) from exc
        if not session.url:
            raise ProviderError(_("Stripe n'a pas donné d'adresse de paiement."))
        return Checkout(provider_id=session.id, url=session.url)

    def webhook_parse(self, body: bytes, headers: Mapping[str, str]) -> ProviderEvent | None:
        if not self.webhook_secret:
            raise WebhookRejected("no endpoint secret configured")
        try:
            text = body.decode("utf-8")
            stripe.Webhook.construct_event(
                text, headers.get("Stripe-Signature"), self.webhook_secret
            )
        except (ValueError, UnicodeDecodeError, stripe.SignatureVerificationError) as exc:
            raise WebhookRejected(str(exc)) from exc
        # Verified: the facts are read from the body exactly as signed.
        try:
            return _event(json.loads(text))
        except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
            raise WebhookRejected(f"unexpected event shape: {exc}") from exc

    def account_check(self) -> str:
        try:
            self.client.v1.checkout.sessions.list(params={"limit": 1})
        except stripe.StripeError as exc:
            raise ProviderError(f"Stripe : {exc.user_message or exc}") from exc
        return "Stripe"


def _event(data: dict[str, Any]) -> ProviderEvent | None:
    kind, event_id, thing = str(data["type"]), str(data["id"]), data["data"]["object"]
    if kind.startswith("checkout.session."):
        session = ProviderEvent(
            event_id=event_id, kind=EventKind.PROCESSING,
            reference=str(thing.get("client_reference_id") or ""), checkout_id=str(thing["id"]),
            payment_id=str(thing.get("payment_intent") or ""),
        )  # fmt: skip
        paid = replace(session, kind=EventKind.SUCCEEDED, amount=_amount(thing["amount_total"]),
                       currency=str(thing["currency"]).upper())  # fmt: skip
        if kind == "checkout.session.completed":
            # Only cards are paid on the spot; a SEPA debit completes "unpaid" and is paid
            # (or fails) days later, in an async_payment_* event.
            return (
                replace(paid, method="card") if thing.get("payment_status") == "paid" else session
            )
        if kind == "checkout.session.async_payment_succeeded":
            return replace(paid, method="sepa_debit")
        if kind in ("checkout.session.async_payment_failed", "checkout.session.expired"):
            return replace(session, kind=EventKind.FAILED)
        return None
    payment_intent = str(thing.get("payment_intent") or "")
    taken_back = ProviderEvent(
        event_id=event_id, kind=EventKind.REVERSED, reference="", checkout_id="",
        payment_id=payment_intent, currency=str(thing.get("currency", "")).upper(),
    )  # fmt: skip
    if kind == "charge.refunded":  # every refund so far
        return replace(taken_back, refunded_total=_amount(thing["amount_refunded"]))
    if kind == "charge.dispute.created":  # the disputed amount is taken at once
        return replace(taken_back, charged_back_total=_amount(thing["amount"]))
    if kind == "charge.dispute.funds_reinstated" or (
        kind == "charge.dispute.closed" and thing.get("status") == "won"
    ):  # the merchant won: what the chargeback took comes back
        return replace(taken_back, charged_back_total=Decimal("0.00"))
    return None
