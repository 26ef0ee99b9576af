"""Mollie, through its official SDK (``mollie-api-python``): one Payments API payment per
checkout. Mollie's webhook carries only a payment id and no signature (this SDK version
has no signed webhooks): what happened is read back from the API with the organisation's
own key, so a forged delivery can at most make relance look at a payment it already has."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings
from django.utils.translation import gettext as _
from mollie.api.client import Client
from mollie.api.error import Error as MollieError
from mollie.api.error import NotFoundError, RequestSetupError, UnauthorizedError

from relance.payments.providers.base import (
    Checkout,
    CheckoutRequest,
    EventKind,
    ProviderError,
    ProviderEvent,
    WebhookRejected,
)

PAYMENT_ID = re.compile(r"^tr_[A-Za-z0-9]{1,64}$")
MAX_BODY = 1024
LOCALES = {"fr": "fr_FR", "nl": "nl_BE", "en": "en_US", "de": "de_DE"}
METHODS = {"card": "creditcard", "sepa_debit": "directdebit"}
OUR_METHODS = {value: key for key, value in METHODS.items()}
FAILED = {"failed", "canceled", "expired"}


def _money(value: Mapping[str, Any] | None) -> Decimal:
    if not value:
        return Decimal("0.00")
    try:
        return Decimal(str(value["value"])).quantize(Decimal("0.01"))
    except (KeyError, InvalidOperation) as exc:
        raise WebhookRejected(f"unreadable amount {value!r}") from exc


class MollieGateway:
    def __init__(self, *, api_key: str) -> None:
        self.client = Client(api_endpoint=getattr(settings, "RELANCE_MOLLIE_API_BASE", ""))
        try:
            self.client.set_api_key(api_key)
        except RequestSetupError as exc:
            raise ProviderError(
                _("Clé Mollie invalide : elle commence par live_ ou test_.")
            ) from exc

    def checkout_create(self, request: CheckoutRequest) -> Checkout:
        data: dict[str, Any] = {
            "amount": {"currency": request.currency, "value": f"{request.amount:.2f}"},
            "description": request.description[:255],
            "redirectUrl": request.return_url,
            "webhookUrl": request.webhook_url,
            "locale": LOCALES.get(request.language, "en_US"),
            "metadata": {"online_payment": request.reference},
            "method": [METHODS[method] for method in request.methods if method in METHODS],
        }
        try:
            payment = self.client.payments.create(
                data, idempotency_key=f"relance-{request.reference}"
            )
        except MollieError as exc:
            raise ProviderError(_("Mollie a refusé la demande : %(exc)s") % {"exc": exc}) from exc
        if not payment.checkout_url:
            raise ProviderError(_("Mollie n'a pas donné d'adresse de paiement."))
        return Checkout(provider_id=str(payment.id), url=str(payment.checkout_url))

    def webhook_parse(self, body: bytes, headers: Mapping[str, str]) -> ProviderEvent | None:
        if len(body) > MAX_BODY:
            raise WebhookRejected("body too large")
        try:
            ids = parse_qs(body.decode("ascii"), strict_parsing=True).get("id", [])
        except (UnicodeDecodeError, ValueError) as exc:
            raise WebhookRejected("unreadable body") from exc
        if len(ids) != 1 or not PAYMENT_ID.match(ids[0]):
            raise WebhookRejected("no payment id")
        try:
            payment = self.client.payments.get(ids[0])
        except (NotFoundError, UnauthorizedError) as exc:
            raise WebhookRejected(f"payment {ids[0]} unknown to this account") from exc
        except MollieError as exc:
            raise ProviderError(f"Mollie : {exc}") from exc
        return _event(payment, _charged_back(payment))

    def account_check(self) -> str:
        try:
            self.client.payments.list(limit=1)
        except MollieError as exc:
            raise ProviderError(f"Mollie : {exc}") from exc
        return "Mollie"


def _charged_back(payment: Any) -> Decimal:
    """What chargebacks still hold: a chargeback Mollie reversed in the merchant's favour
    (``reversedAt``) gives its money back, so it is read from the chargebacks themselves."""
    if not (payment.get("_links") or {}).get("chargebacks"):
        return _money(payment.amount_chargedback)
    try:
        chargebacks = list(payment.chargebacks.list())
    except MollieError as exc:
        raise ProviderError(f"Mollie : {exc}") from exc
    return sum(
        (_money(chargeback.amount) for chargeback in chargebacks if not chargeback.reversed_at),
        Decimal("0.00"),
    )


def _event(payment: Any, charged_back: Decimal) -> ProviderEvent | None:
    """The payment's state as one fact; its id names the state, so the same state delivered
    twice is the same event."""
    payment_id, status = str(payment.id), str(payment.status)
    metadata = payment.metadata if isinstance(payment.metadata, dict) else {}
    amount = payment.amount or {}
    state = ProviderEvent(
        event_id=f"{payment_id}:{status}", kind=EventKind.PROCESSING,
        reference=str(metadata.get("online_payment") or ""), checkout_id=payment_id,
        payment_id=payment_id, currency=str(amount.get("currency", "")),
    )  # fmt: skip
    refunded = _money(payment.amount_refunded)
    ever_charged_back = bool((payment.get("_links") or {}).get("chargebacks"))
    if payment.is_paid() and (refunded > 0 or charged_back > 0 or ever_charged_back):
        return replace(state, event_id=f"{payment_id}:reversed:{refunded}:{charged_back}",
                       kind=EventKind.REVERSED, refunded_total=refunded,
                       charged_back_total=charged_back)  # fmt: skip
    if status == "paid":
        return replace(state, kind=EventKind.SUCCEEDED, amount=_money(amount),
                       method=OUR_METHODS.get(str(payment.method), ""))  # fmt: skip
    if status in FAILED:
        return replace(state, kind=EventKind.FAILED)
    return state if status in ("pending", "authorized") else None
