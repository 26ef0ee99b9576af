"""The forecast and its backtest as the command line prints them: JSON or a short table."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from relance.core.forecast_summary import CurrencyWeeks
from relance.reports.forecast import Forecast
from relance.reports.forecast_backtest import Backtest
from relance.reports.forecast_text import why

CENT = Decimal("0.01")


def _money(amount: Decimal) -> str:
    return str(amount.quantize(CENT))


def forecast_json(forecast: Forecast, *, currency: str, names: dict[int, str]) -> dict[str, Any]:
    """The invoices and weeks of one currency (the ``relance forecast --json`` document)."""
    weeks = forecast.weeks.get(currency) or CurrencyWeeks(currency, [])
    return {
        "as_of": forecast.as_of.isoformat(),
        "currency": currency,
        "invoices": [
            {
                "number": forecast.numbers[line.invoice],
                "customer": names.get(line.customer, ""),  # type: ignore[call-overload]
                "open_amount": _money(line.open_amount),
                "predicted_payment_date": line.predicted.isoformat(),
                "low": line.low.isoformat(),
                "high": line.high.isoformat(),
                "why": why(line.reasons),
                "disputed": line.disputed,
            }
            for line in forecast.invoices
            if line.currency == currency
        ],
        "weeks": [
            {
                "week_start": week.start.isoformat(),
                "expected": _money(week.expected),
                "statistical": _money(week.model),
                "promises": _money(week.promises),
                "plans": _money(week.plans),
            }
            for week in weeks.weeks
        ],
        "later": _money(weeks.later),
        "disputed": _money(weeks.disputed),
        "other_currencies": sorted(set(forecast.weeks) - {currency}),
    }


def backtest_json(backtest: Backtest) -> dict[str, Any]:
    return {
        "data_end": backtest.data_end.isoformat() if backtest.data_end else None,
        "month_ends": [
            {"as_of": month.as_of.isoformat(), "open_invoices": month.open_invoices,
             "paid_later": month.score.cases, "mae_days": month.score.mae_days}
            for month in backtest.months
        ],
        "cases": backtest.total.cases,
        "mae_days": backtest.total.mae_days,
    }  # fmt: skip
