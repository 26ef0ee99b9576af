"""Cohorts and DSO figures against the history of tests/reports/analytics_ledger.py."""

from __future__ import annotations

from decimal import Decimal

import pytest

from relance.reports.analytics_filters import AnalyticsFilters
from relance.reports.cohorts import cohorts
from relance.reports.dso_history import dso_by, dso_trend
from relance.reports.services import monthly_figures_record
from tests.reports.analytics_ledger import PERIOD, TODAY, build_history

D = Decimal


@pytest.fixture
def history(organisation, actor):
    return build_history(organisation, actor)


def filters(**more: str) -> AnalyticsFilters:
    return AnalyticsFilters.from_mapping({**PERIOD, **more}, TODAY)


def by_month(rows):
    return {(row.currency, f"{row.month:%Y-%m}"): row for row in rows}


def test_cohorts_by_first_reminder(organisation, history):
    rows = by_month(cohorts(organisation, filters(), "reminder"))
    march = rows["EUR", "2026-03"]  # FA1 (1,000.00 on 10 March) and FB1 (500.00 on 12 March)
    assert (march.items, march.base) == (2, D("1500.00"))
    # 400.00 after 5 days, 500.00 after 12, 100.00 after 20.
    assert [march.share(cell) for cell in ("0_7", "8_15", "16_30", "31_60")] == [
        D("26.7"), D("33.3"), D("6.7"), D("0.0")
    ]  # fmt: skip
    assert march.collected == D("1000.00")
    assert rows["EUR", "2026-04"].base == D("300.00")  # FB2, formal notice, never paid
    assert rows["EUR", "2026-04"].collected == D("0.00")
    assert rows["CHF", "2026-03"].share("31_60") == D("100.0")  # 41 days after
    assert set(rows) == {("EUR", "2026-03"), ("EUR", "2026-04"), ("CHF", "2026-03")}


def test_cohorts_by_due_date(organisation, history):
    rows = by_month(cohorts(organisation, filters(), "due"))
    march = rows["EUR", "2026-03"]
    assert march.base == D("1500.00")
    # FA1: J+14 and J+29; FB1: J+19.
    assert (march.share("8_15"), march.share("16_30")) == (D("26.7"), D("40.0"))
    assert rows["EUR", "2026-04"].share("before") == D("100.0")  # FA2 paid early
    assert rows["CHF", "2026-03"].share("31_60") == D("100.0")


def test_cohort_filters(organisation, history):
    only_beta = by_month(cohorts(organisation, filters(country="BE"), "reminder"))
    assert {key: row.base for key, row in only_beta.items()} == {
        ("EUR", "2026-03"): D("500.00"), ("EUR", "2026-04"): D("300.00")
    }  # fmt: skip
    assert only_beta["EUR", "2026-03"].share("8_15") == D("100.0")
    francs = cohorts(organisation, filters(currency="CHF"), "due")
    assert [(row.currency, row.base) for row in francs] == [("CHF", D("800.00"))]


def test_dso_by_segment_and_customer(organisation, history):
    lines = {(line.key, line.point.currency): line
             for line in dso_by(organisation, filters(), TODAY, "segment")}  # fmt: skip
    standard = lines["standard", "EUR"].point
    # Alpha owes 500.00 overdue (FA1) and 600.00 not due (FA3, issued 10 June).
    assert (standard.outstanding, standard.overdue) == (D("1100.00"), D("500.00"))
    # Count-back: June so far (20 days) uses up 600.00, May and April have no sales
    # (61 days), March 200.00 (31 days), February none (28), January 31 × 300 / 1,000.
    assert standard.count_back.days == D("149.3") and standard.count_back.complete
    # 1,100.00 × 81 days / 600.00 of sales since April; best possible with 600.00 not due.
    assert (standard.standard, standard.best_possible) == (D("148.5"), D("81.0"))
    assert lines["standard", "EUR"].label == "Standard"
    beta = lines["bad_payer", "EUR"].point
    assert (beta.outstanding, beta.standard) == (D("300.00"), None)  # no recent sales
    customers = dso_by(organisation, filters(), TODAY, "customer")
    assert [(line.label, line.point.outstanding) for line in customers] == [
        ("Alpha", D("1100.00")), ("Beta", D("300.00"))
    ]  # fmt: skip
    only_b2c = dso_by(organisation, filters(kind="B2C"), TODAY, "customer")
    assert [line.label for line in only_b2c] == ["Beta"]


def test_dso_trend_with_and_without_customer_filters(organisation, history):
    trend = dso_trend(organisation, filters(segment="standard"), TODAY)
    june, may = trend["EUR"][-1], trend["EUR"][-2]
    assert june is not None and may is not None
    assert (june.outstanding, june.count_back.days) == (D("1100.00"), D("149.3"))
    # End of May: FA1's 500.00, all overdue; sales March 200.00 over May, April, March.
    assert (may.outstanding, may.overdue) == (D("500.00"), D("500.00"))
    assert may.count_back.days == D("129.3")
    assert (may.standard, may.best_possible) == (D("230.0"), D("0.0"))
    assert "CHF" in trend  # Gamma is in the standard segment
    # Unfiltered, the organisation's months come from the snapshot of the morning run.
    assert dso_trend(organisation, filters(), TODAY) == {}
    monthly_figures_record(organisation=organisation, day=TODAY)
    whole = dso_trend(organisation, filters(currency="EUR"), TODAY)
    assert set(whole) == {"EUR"}
    end_of_may = whole["EUR"][-2]
    assert end_of_may is not None
    assert end_of_may.outstanding == D("800.00")  # FA1 500.00 and FB2 300.00
