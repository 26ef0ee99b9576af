"""The DSO read from the morning's positions per group of customers equals the live one."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from relance.cycle.daily import daily_cycle
from relance.dunning.models import CustomerDunning
from relance.reports.analytics_filters import AnalyticsFilters
from relance.reports.dso_history import dso_by, dso_trend
from relance.reports.models import GroupMonthlyFigures
from relance.reports.monthly import closed_positions, current_positions, month_range
from relance.reports.services import GROUPED_BY, group_monthly_figures_record
from tests.reports.analytics_ledger import PERIOD, TODAY, build_history
from tests.reports.conftest import DAY

D = Decimal


@pytest.fixture
def history(organisation, actor):
    return build_history(organisation, actor)


def filters(**more: str) -> AnalyticsFilters:
    return AnalyticsFilters.from_mapping({**PERIOD, **more}, TODAY)


def figures(organisation, chosen: AnalyticsFilters):
    return (
        dso_trend(organisation, chosen, TODAY),
        dso_by(organisation, chosen, TODAY, "segment"),
        dso_by(organisation, chosen, TODAY, "collector"),
    )


def test_recorded_and_live_figures_agree(organisation, history):
    every = [
        filters(segment="standard"), filters(segment="bad_payer"), filters(kind="B2C"),
        filters(country="FR"), filters(scenario="standard"), filters(scenario="bad_payer"),
        filters(collector=str(history.alice.uuid)), filters(currency="CHF"),
        filters(segment="standard", currency="EUR"), filters(),
    ]  # fmt: skip
    live = [figures(organisation, chosen) for chosen in every]
    assert not GroupMonthlyFigures.objects.exists()
    assert group_monthly_figures_record(organisation=organisation, day=TODAY) > 0
    recorded = [figures(organisation, chosen) for chosen in every]
    assert recorded == live
    # The hand-worked figures of test_cohorts, now read from the snapshot.
    lines = {(line.key, line.point.currency): line.point
             for line in dso_by(organisation, filters(), TODAY, "segment")}  # fmt: skip
    assert lines["standard", "EUR"].count_back.days == D("149.3")
    june = dso_trend(organisation, filters(segment="standard"), TODAY)["EUR"][-1]
    assert june is not None and june.outstanding == D("1100.00")


def test_the_snapshot_is_what_is_read_until_the_next_morning(organisation, history):
    group_monthly_figures_record(organisation=organisation, day=TODAY)
    CustomerDunning.objects.filter(customer=history.beta).update(segment="standard")
    segments = {line.key for line in dso_by(organisation, filters(), TODAY, "segment")}
    assert segments == {"standard", "bad_payer"}  # as recorded this morning
    group_monthly_figures_record(organisation=organisation, day=TODAY)
    lines = {(line.key, line.point.currency): line.point
             for line in dso_by(organisation, filters(), TODAY, "segment")}  # fmt: skip
    assert set(lines) == {("standard", "EUR")}  # Gamma owes no francs any more
    assert lines["standard", "EUR"].outstanding == D("1400.00")  # Alpha 1,100.00, Beta 300.00
    # Beta's past month-ends moved with her: end of May, FA1 500.00 and FB2 300.00.
    may = dso_trend(organisation, filters(segment="standard"), TODAY)["EUR"][-2]
    assert may is not None and may.outstanding == D("800.00")


def test_grouped_positions_add_up_to_the_whole(organisation, small_ledger):
    months = month_range(DAY, 8)
    by = list(GROUPED_BY.values())
    whole = {(row.currency, row.month): row for row in closed_positions(organisation, months)}
    summed: dict[tuple[str, date], list[Decimal]] = defaultdict(lambda: [D(0)] * 4)
    for row in closed_positions(organisation, months, by=by):
        total = summed[row.currency, row.month]
        for index, value in enumerate((row.outstanding, row.overdue, row.invoiced,
                                       row.collected)):  # fmt: skip
            total[index] += value
    assert set(summed) == set(whole)
    for key, row in whole.items():
        assert summed[key] == [row.outstanding, row.overdue, row.invoiced, row.collected]
    assert any(row.overdue for row in whole.values())  # the ledger has late items to count
    current = current_positions(organisation, DAY, by=by)
    assert {row.group[-1] for row in current} == {"FR"}  # grouped by the customers' country


def test_the_daily_cycle_records_every_month_per_group(organisation, small_ledger, actor):
    daily_cycle(organisation=organisation, day=DAY, actor=actor)
    months = set(
        GroupMonthlyFigures.objects.filter(organisation=organisation).values_list(
            "month", flat=True
        )
    )
    assert len(months) == 37 and date(2026, 6, 1) in months
    current = GroupMonthlyFigures.objects.filter(closed=False)
    assert set(current.values_list("month", "as_of")) == {(date(2026, 6, 1), DAY)}
