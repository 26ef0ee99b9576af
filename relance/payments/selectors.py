"""Reads of online payment: the organisation's provider account and its webhook address."""

from __future__ import annotations

from django.conf import settings

from relance.accounts.models import Organisation
from relance.payments.models import OnlinePayment, ProviderAccount

WEBHOOK_PREFIX = "payments/webhook/"  # where relance/urls.py mounts the webhooks


def provider_account_of(organisation: Organisation | int) -> ProviderAccount | None:
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    return ProviderAccount.objects.filter(organisation_id=organisation_id).first()


def webhook_url(account: ProviderAccount) -> str:
    """The address to give the provider: it names the provider and the organisation's own
    unguessable segment."""
    base = settings.RELANCE_PUBLIC_URL.rstrip("/")
    return f"{base}/{WEBHOOK_PREFIX}{account.provider}/{account.webhook_token}/"


def online_payments_of_customer(customer_id: int, *, limit: int = 50) -> list[OnlinePayment]:
    return list(
        OnlinePayment.objects.filter(customer_id=customer_id).order_by("-created_at", "-id")[:limit]
    )
