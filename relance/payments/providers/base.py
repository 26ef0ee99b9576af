"""What relance asks of a payment provider, and what it reads back, provider-neutral."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


class ProviderError(Exception):
    """The provider could not be reached or refused the request; the message is for staff."""


class WebhookRejected(Exception):
    """A delivery that does not prove it comes from the provider: answered 400, nothing kept."""


@dataclass(frozen=True)
class CheckoutRequest:
    reference: str  # the OnlinePayment's uuid: given back in every event about it
    amount: Decimal
    currency: str
    description: str
    language: str  # fr, nl, en, de
    methods: Sequence[str]  # card, sepa_debit
    return_url: str  # where the debtor comes back to (proves nothing)
    cancel_url: str  # where a debtor who gives up goes back to
    webhook_url: str


@dataclass(frozen=True)
class Checkout:
    provider_id: str
    url: str


class EventKind(enum.StrEnum):
    SUCCEEDED = "succeeded"  # the money is paid
    PROCESSING = "processing"  # accepted, not yet paid (a SEPA debit in progress)
    FAILED = "failed"  # never paid, or a debit that bounced
    # Money taken back (a refund, a chargeback) or given back (a chargeback the merchant won):
    # the event says where the totals stand now, ``refunded_total`` and/or ``charged_back_total``.
    REVERSED = "reversed"


@dataclass(frozen=True)
class ProviderEvent:
    """One verified fact from the provider about a checkout."""

    event_id: str  # unique per fact: a second delivery of it is a replay
    kind: EventKind
    reference: str  # our OnlinePayment uuid, as the provider carries it ("" if none)
    checkout_id: str  # the provider's checkout id ("" when the event does not name it)
    payment_id: str  # the provider's payment id (Stripe PaymentIntent, Mollie payment)
    amount: Decimal = Decimal("0.00")  # what was paid (SUCCEEDED)
    currency: str = ""
    method: str = ""  # card, sepa_debit, or ""
    # REVERSED: all refunded so far, all charged back and not given back so far; None when
    # the event does not tell (a refund says nothing of chargebacks, and the other way round).
    refunded_total: Decimal | None = None
    charged_back_total: Decimal | None = None


class ProviderGateway(Protocol):
    def checkout_create(self, request: CheckoutRequest) -> Checkout: ...

    def webhook_parse(self, body: bytes, headers: Mapping[str, str]) -> ProviderEvent | None:
        """The verified event, None for an authentic event relance has no use for; raises
        ``WebhookRejected`` for anything unverifiable."""
        ...

    def account_check(self) -> str:
        """Reach the provider with the key; a short description of what answered."""
        ...
