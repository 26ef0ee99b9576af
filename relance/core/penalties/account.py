"""Which regime applies to a customer, and the penalties of its late instalments.

One place for both, so that the e-mails, letters, SMS and the staff invoice page claim the
same amounts: ``regime_for`` picks the regime from the customer's country and kind, and
``invoice_penalties`` runs ``compute_penalties`` on each late instalment, then applies the
fixed indemnity once per invoice (or per instalment where the law says so).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from relance.core.penalties.model import ZERO, PenaltyError, PenaltyResult
from relance.core.penalties.regimes import compute_penalties, invoice_indemnity
from relance.core.rates import RateNotFoundError, RateTables

# Directive 2011/7/EU applies in every member state; those without a regime of their own in
# relance get its minimum (regime "EU").
EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
# Consumers: only where the national rule was researched; elsewhere nothing is claimed.
CONSUMER_REGIMES = {"FR": "FR-B2C", "BE": "BE-B2C", "DE": "DE-B2C"}
# Businesses and public buyers. A Belgian public buyer falls under the law of 2 August 2002,
# a German one under § 288 (2) BGB (no consumer involved).
BUSINESS_REGIMES = {"FR": "FR-B2B", "BE": "BE-B2B", "DE": "DE-B2B"}
CONSUMER_KINDS = frozenset({"B2C"})
BUSINESS_KINDS = frozenset({"B2B", "PUBLIC"})


def regime_for(country: str, kind: str) -> str | None:
    """The statutory regime for a customer of ``country`` (ISO code) and ``kind`` (B2B, B2C,
    PUBLIC); None when relance has no rule for it (a consumer outside FR/BE/DE, a country
    outside the EU, an unknown kind)."""
    country = country.strip().upper()
    if kind in CONSUMER_KINDS:
        return CONSUMER_REGIMES.get(country)
    if kind not in BUSINESS_KINDS:
        return None
    if country == "FR" and kind == "PUBLIC":
        return "FR-PUBLIC"
    if country in BUSINESS_REGIMES:
        return BUSINESS_REGIMES[country]
    return "EU" if country in EU_COUNTRIES else None


@dataclass(frozen=True, slots=True)
class DueItem:
    """One instalment of an invoice (an invoice payable at once has one, sequence 1)."""

    invoice: str  # the invoice number
    sequence: int
    amount: Decimal  # tax included
    due_date: date
    payments: tuple[tuple[date, Decimal], ...] = ()  # payments and credit notes allocated


@dataclass(frozen=True, slots=True)
class ItemPenalties:
    item: DueItem
    result: PenaltyResult | None = None
    error: PenaltyError | RateNotFoundError | None = None  # why nothing could be computed


@dataclass(frozen=True, slots=True)
class InvoicePenalties:
    """The penalties of one invoice or of an account's late items.

    ``indemnities`` is the fixed indemnity owed per invoice number, in the order of the
    items; the ``indemnity`` of each item's result is what that instalment alone would owe.
    """

    regime: str
    currency: str
    until: date
    items: tuple[ItemPenalties, ...]
    indemnities: tuple[tuple[str, Decimal], ...]

    @property
    def results(self) -> tuple[PenaltyResult, ...]:
        return tuple(item.result for item in self.items if item.result is not None)

    @property
    def interest(self) -> Decimal:
        """The sum of every period's interest, each rounded half-up to the cent."""
        return sum((result.interest for result in self.results), ZERO)

    @property
    def indemnity(self) -> Decimal:
        return sum((amount for _, amount in self.indemnities), ZERO)

    @property
    def total(self) -> Decimal:
        return self.interest + self.indemnity

    @property
    def errors(self) -> tuple[PenaltyError | RateNotFoundError, ...]:
        return tuple(item.error for item in self.items if item.error is not None)

    def several_instalments(self, invoice: str) -> bool:
        """Whether ``invoice`` is shown with more than one instalment (to name them)."""
        shown = [item.item for item in self.items if item.item.invoice == invoice]
        return len(shown) > 1 or any(item.sequence > 1 for item in shown)


def _settled_on_time(item: DueItem) -> bool:
    paid = sum((part for when, part in item.payments if when <= item.due_date), ZERO)
    return paid >= item.amount


def invoice_penalties(
    items: Iterable[DueItem],
    *,
    regime: str,
    until: date,
    tables: RateTables,
    currency: str = "EUR",
) -> InvoicePenalties:
    """Penalties of the ``items`` that fell due before ``until`` and were not settled by their
    due date, up to ``until`` included.

    A computation that fails (bad input, a day with no published rate) is kept as that item's
    ``error``; the caller decides what to show (staff) or to claim nothing (debtors).
    """
    computed: list[ItemPenalties] = []
    owed: dict[str, list[Decimal]] = {}
    for item in items:
        if item.due_date >= until or _settled_on_time(item):
            continue
        try:
            result = compute_penalties(
                regime=regime,
                amount=Decimal(item.amount),
                due_date=item.due_date,
                until=until,
                tables=tables,
                payments=sorted(item.payments),
                currency=currency,
            )
        except (PenaltyError, RateNotFoundError) as exc:
            computed.append(ItemPenalties(item, error=exc))
            continue
        computed.append(ItemPenalties(item, result))
        owed.setdefault(item.invoice, []).append(result.indemnity)
    indemnities = tuple(
        (number, invoice_indemnity(regime, parts)) for number, parts in owed.items()
    )
    return InvoicePenalties(
        regime=regime,
        currency=currency,
        until=until,
        items=tuple(computed),
        indemnities=indemnities,
    )
