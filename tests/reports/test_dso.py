"""DSO by the count-back method (méthode par épuisement), on the worked example of the docs."""

from __future__ import annotations

from decimal import Decimal

from relance.core.dso import Dso, SalesPeriod, dso_count_back

D = Decimal


def test_worked_example_of_the_documentation():
    # 20 June: 250,000 owed; June so far 80,000 of sales, May 120,000, April 100,000.
    periods = [
        SalesPeriod(20, D("80000")),
        SalesPeriod(31, D("120000")),
        SalesPeriod(30, D("100000")),
    ]
    # 80,000 -> 20 days, 120,000 -> 31 days, the remaining 50,000 is half of April: 15 days.
    assert dso_count_back(D("250000"), periods) == Dso(days=D("66.0"), complete=True)


def test_receivables_within_the_current_month():
    assert dso_count_back(D("40000"), [SalesPeriod(20, D("80000"))]) == Dso(D("10.0"), True)


def test_nothing_owed_is_zero_days():
    assert dso_count_back(D("0"), [SalesPeriod(30, D("1000"))]) == Dso(D("0.0"), True)


def test_a_month_without_sales_counts_whole():
    periods = [SalesPeriod(31, D("0")), SalesPeriod(30, D("300"))]
    assert dso_count_back(D("100"), periods) == Dso(D("41.0"), True)


def test_more_owed_than_all_the_sales_known_is_a_lower_bound():
    periods = [SalesPeriod(31, D("100")), SalesPeriod(30, D("100"))]
    assert dso_count_back(D("500"), periods) == Dso(D("61.0"), False)
    assert dso_count_back(D("500"), []) == Dso(D("0.0"), False)


def test_rounded_half_up_to_a_tenth():
    # 1/3 of a 31-day month: 10.333... days
    assert dso_count_back(D("1"), [SalesPeriod(31, D("3"))]).days == D("10.3")
    assert dso_count_back(D("1"), [SalesPeriod(3, D("4"))]).days == D("0.8")  # 0.75 -> 0.8
