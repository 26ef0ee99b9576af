"""Online payment through a payment provider: the organisation's account with it, each
checkout a debtor starts from the portal, and each provider event applied.

A checkout becomes a ledger ``Payment`` only when the provider says, through a verified
webhook, that the money was paid; the debtor coming back to the portal proves nothing.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.accounts.models import Organisation
from relance.ledger.models import Customer, Invoice, Payment, money_field


class Provider(models.TextChoices):
    STRIPE = "stripe", "Stripe"
    MOLLIE = "mollie", "Mollie"


class Method(models.TextChoices):
    CARD = "card", _("Carte bancaire")
    SEPA_DEBIT = "sepa_debit", _("Prélèvement SEPA")


class ProviderAccount(models.Model):
    """An organisation's account with its payment provider (one at a time)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, primary_key=True, related_name="payment_provider"
    )
    provider = models.CharField(max_length=10, choices=Provider.choices)
    api_key = models.TextField()  # sealed with relance.lib.sealed
    api_key_hint = models.CharField(max_length=20)  # the key's last characters, to recognise it
    webhook_secret = models.TextField(blank=True)  # sealed; Stripe's endpoint secret
    methods = models.JSONField(default=list)  # Method values offered to debtors
    # The webhook address's own segment: the provider is told this address, nobody else.
    webhook_token = models.CharField(max_length=64, unique=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.provider} ({self.organisation_id})"


class CheckoutStatus(models.TextChoices):
    OPEN = "open", _("Ouvert")
    PROCESSING = "processing", _("En cours de traitement")
    PAID = "paid", _("Payé")
    FAILED = "failed", _("Échoué")
    REFUNDED = "refunded", _("Remboursé")
    ERROR = "error", _("Refusé par le prestataire")


class OnlinePayment(models.Model):
    """A checkout a debtor started: what it pays, and what became of it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    invoices = models.ManyToManyField(Invoice, related_name="+")
    amount = money_field("montant")
    currency = models.CharField(max_length=3)
    language = models.CharField(max_length=2)
    provider = models.CharField(max_length=10, choices=Provider.choices)
    # The checkout (Stripe Checkout Session, Mollie payment) and, once paid, the payment
    # itself (Stripe PaymentIntent; for Mollie the same id).
    provider_id = models.CharField(max_length=100, blank=True)
    provider_payment_id = models.CharField(max_length=100, blank=True)
    checkout_url = models.TextField(blank=True)  # where the debtor pays, at the provider
    status = models.CharField(
        max_length=12, choices=CheckoutStatus.choices, default=CheckoutStatus.OPEN
    )
    method = models.CharField(max_length=12, blank=True)
    paid_amount = money_field("montant payé", default=Decimal("0.00"))
    reversed_amount = money_field("montant repris", default=Decimal("0.00"))  # all told, now
    # What the provider last said of each way back; a won chargeback lowers the second.
    refunded_amount = money_field("remboursé", default=Decimal("0.00"))
    charged_back_amount = money_field("contesté par la banque", default=Decimal("0.00"))
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organisation", "provider", "provider_id"],
                condition=~models.Q(provider_id=""),
                name="online_payment_provider_id_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="online_payment_positive"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["organisation", "provider", "provider_payment_id"]),
            models.Index(fields=["customer", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.provider_id or self.uuid} {self.status}"


class WebhookEvent(models.Model):
    """A provider event applied once: a second delivery of the same id finds it here and
    changes nothing (the unique constraint settles two deliveries at the same instant)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    provider = models.CharField(max_length=10, choices=Provider.choices)
    event_id = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
    online_payment = models.ForeignKey(
        OnlinePayment, null=True, on_delete=models.SET_NULL, related_name="events"
    )
    outcome = models.CharField(max_length=40)
    received_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organisation", "provider", "event_id"], name="webhook_event_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id} {self.outcome}"
