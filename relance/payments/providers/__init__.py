"""One interface over the payment providers: open a checkout, and turn a webhook delivery
into what happened to a payment. Adapters use the providers' official SDKs."""

from __future__ import annotations

from django.utils.translation import gettext as _

from relance.payments.providers.base import (
    Checkout,
    CheckoutRequest,
    EventKind,
    ProviderError,
    ProviderEvent,
    ProviderGateway,
    WebhookRejected,
)


def gateway(provider: str, *, api_key: str, webhook_secret: str = "") -> ProviderGateway:
    """The adapter of ``provider`` with the organisation's credentials."""
    if provider == "stripe":
        from relance.payments.providers.stripe_gateway import StripeGateway

        return StripeGateway(api_key=api_key, webhook_secret=webhook_secret)
    if provider == "mollie":
        from relance.payments.providers.mollie_gateway import MollieGateway

        return MollieGateway(api_key=api_key)
    raise ProviderError(_("prestataire inconnu « %(provider)s »") % {"provider": provider})


__all__ = [
    "Checkout",
    "CheckoutRequest",
    "EventKind",
    "ProviderError",
    "ProviderEvent",
    "ProviderGateway",
    "WebhookRejected",
    "gateway",
]
