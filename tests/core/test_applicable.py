"""``REGIME_TABLES`` says which tables each regime reads: checked by running every regime on
tables where one table at a time ends before the delay."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from relance.core.penalties import REGIMES, compute_penalties, regime_for
from relance.core.penalties.applicable import REGIME_TABLES, tables_needed
from relance.core.rates import TABLE_FIELDS, RateNotFoundError, RateTable, load_rate_tables

TABLES = load_rate_tables()
DUE, UNTIL = date(2025, 12, 31), date(2026, 3, 1)


def without_2026(name: str):
    table = TABLES.table(name)
    rows = tuple(row for row in table.rows if row.start < date(2026, 1, 1))
    rows = (*rows[:-1], replace(rows[-1], end=min(rows[-1].end, date(2025, 12, 31))))
    return TABLES.with_table(RateTable(name, rows))


@pytest.mark.parametrize("regime", REGIMES)
def test_each_regime_reads_exactly_the_tables_listed(regime):
    read = set()
    for name in TABLE_FIELDS:
        try:
            compute_penalties(regime=regime, amount=Decimal("1000"), due_date=DUE, until=UNTIL,
                              tables=without_2026(name), formal_notice=DUE,
                              contract_allows=True, first_reminder=date(2026, 1, 2),
                              is_working_day=lambda day: day.weekday() < 5)  # fmt: skip
        except RateNotFoundError as exc:
            read.add(exc.table)
    assert read == set(REGIME_TABLES[regime])


def test_customer_regimes():
    assert regime_for("FR", "B2B") == "FR-B2B"
    assert regime_for("BE", "PUBLIC") == "BE-B2B"
    assert regime_for("DE", "B2B") == "DE-B2B"
    assert regime_for("AT", "B2B") == "EU"
    assert regime_for("AT", "B2C") is None
    assert tables_needed([("FR", "B2C"), ("BE", "B2B"), ("AT", "B2C")]) == (
        "be_late_payment_rate", "fr_legal_rate_autres_cas",
    )  # fmt: skip
    assert tables_needed([("DE", "B2B"), ("AT", "B2B")]) == ("de_base_rate", "ecb_reference_rate")
