"""Which rate tables each regime reads (the regime of a customer is ``account.regime_for``).

The mapping follows ``regimes.py`` (a test checks it by running every regime on
tables that lack one table at a time), so that the rate tables an organisation depends on
can be watched before they run out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from relance.core.penalties.account import regime_for

# Regime -> the rate tables (file names) its computation reads, without a contract rate.
REGIME_TABLES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "FR-B2B": ("ecb_reference_rate",),
        "FR-B2C": ("fr_legal_rate_autres_cas",),
        "FR-PUBLIC": ("ecb_reference_rate",),
        "BE-B2B": ("be_late_payment_rate",),
        "BE-B2C": ("be_late_payment_rate",),
        "EU": ("ecb_reference_rate",),
        "DE-B2B": ("de_base_rate",),
        "DE-B2C": ("de_base_rate",),
    }
)


def tables_needed(customers: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The rate tables read for customers of these (country, kind), sorted."""
    names: set[str] = set()
    for country, kind in customers:
        regime = regime_for(country, kind)
        if regime is not None:
            names.update(REGIME_TABLES[regime])
    return tuple(sorted(names))
