"""The cash-in forecast of an organisation on a day: per invoice and per week.

The ledger as it stood that day (``forecast_history``) goes through the pure model
(``relance.core.forecast``); nothing here decides a date. Amounts stay per currency.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from relance.accounts.models import Organisation
from relance.core.forecast import ItemForecast, forecast_items
from relance.core.forecast_delays import DelayModel
from relance.core.forecast_summary import CurrencyWeeks, InvoiceForecast, by_invoice, weekly
from relance.imports.parsers.cells import gc_paused
from relance.ledger.models import Customer
from relance.reports.forecast_history import LedgerAsOf, ledger_as_of


@dataclass(frozen=True)
class Forecast:
    as_of: date
    items: list[ItemForecast]
    weeks: dict[str, CurrencyWeeks]  # by currency
    numbers: dict[Hashable, str]  # invoice id -> number
    model: DelayModel

    @cached_property
    def invoices(self) -> list[InvoiceForecast]:
        """In the order of their predicted dates; made when first read (the morning run
        records the weeks only)."""
        return sorted(
            by_invoice(self.items), key=lambda line: (line.predicted, self.numbers[line.invoice])
        )


def forecast_from(ledger: LedgerAsOf) -> Forecast:
    model = DelayModel(ledger.history)
    items = forecast_items(
        ledger.items, as_of=ledger.as_of, model=model, commitments=ledger.commitments,
        dispute_days=ledger.dispute_days,
    )  # fmt: skip
    return Forecast(ledger.as_of, items, weekly(items, as_of=ledger.as_of), ledger.numbers, model)


def cash_forecast(organisation: Organisation, as_of: date) -> Forecast:
    """The forecast as of ``as_of``, from what was known that day only."""
    # Millions of small objects in no reference cycle: the cyclic collector would rescan them
    # again and again while they are made (a quarter of the time at a million invoices).
    with gc_paused():
        return forecast_from(ledger_as_of(organisation, as_of))


def customer_names(organisation: Organisation, ids: Iterable[int]) -> dict[int, str]:
    """The names of these customers (one query, in chunks of a few thousand ids)."""
    wanted = sorted(set(ids))
    names: dict[int, str] = {}
    for start in range(0, len(wanted), 5_000):
        names.update(
            Customer.objects.filter(
                organisation=organisation, pk__in=wanted[start : start + 5_000]
            ).values_list("pk", "name")
        )
    return names
