"""How fresh the organisation's bank data is: the day of its latest bank statement or
payment file import, against its threshold in business days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from relance.accounts.clock import local_day
from relance.accounts.models import Organisation
from relance.core.calendar import for_customer
from relance.dunning.models import DunningSettings
from relance.imports.models import BatchStatus, ImportBatch, ImportKind

STALE_REASON = "relevés bancaires trop anciens : importez le dernier relevé avant de relancer"


@dataclass(frozen=True)
class BankFreshness:
    latest: date  # the organisation's day of the latest import
    threshold: int  # business days
    age: int  # business days from ``latest`` to today

    @property
    def stale(self) -> bool:
        return self.age > self.threshold


def bank_freshness(organisation: Organisation, *, day: date) -> BankFreshness | None:
    """``None`` when the organisation never imported bank data: there is nothing to be fresh
    (its payments come some other way), and nothing is held."""
    latest = (
        ImportBatch.objects.filter(
            organisation=organisation,
            kind__in=(ImportKind.BANK_STATEMENT, ImportKind.PAYMENTS),
            # A file that brought nothing new still proves the bank data is up to date.
            status__in=(BatchStatus.COMMITTED, BatchStatus.UNCHANGED),
        )
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    if latest is None:
        return None
    threshold = DunningSettings.of(organisation).bank_freshness_days
    latest_day = local_day(organisation, latest)
    age = for_customer(organisation.country).business_days_between(latest_day, day)
    return BankFreshness(latest=latest_day, threshold=threshold, age=age)
