"""Keeping the dashboard's copy of the cash-in forecast (``CashForecast``) up to date.

The morning run computes the forecast from the payments known up to the day before (today's
are not in yet) and replaces the organisation's copy; the dashboard reads that copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from relance.accounts.models import Organisation
from relance.core.forecast_summary import CurrencyWeeks
from relance.reports.forecast import cash_forecast
from relance.reports.models import CashForecast, CashForecastWeek


def cash_forecast_record(*, organisation: Organisation, day: date) -> int:
    """Replace the organisation's recorded forecast by the one of the morning of ``day``;
    returns the number of currencies recorded."""
    forecast = cash_forecast(organisation, day - timedelta(days=1))
    now = timezone.now()
    with transaction.atomic():
        CashForecast.objects.filter(organisation=organisation).delete()
        for currency in forecast.weeks.values():
            _save(organisation, forecast.as_of, currency, now)
    return len(forecast.weeks)


def _save(organisation: Organisation, as_of: date, weeks: CurrencyWeeks, now: datetime) -> None:
    saved = CashForecast.objects.create(
        organisation=organisation, currency=weeks.currency, as_of=as_of, later=weeks.later,
        disputed=weeks.disputed, computed_at=now,
    )  # fmt: skip
    CashForecastWeek.objects.bulk_create(
        CashForecastWeek(
            forecast=saved,
            week_start=week.start,
            statistical=week.model,
            promised=week.promises,
            planned=week.plans,
        )
        for week in weeks.weeks
    )


@dataclass(frozen=True)
class RecordedForecast:
    forecast: CashForecast
    weeks: list[CashForecastWeek]


def recorded_forecasts(organisation: Organisation) -> dict[str, RecordedForecast]:
    """The forecast the morning run recorded, per currency (two queries)."""
    forecasts = {f.pk: f for f in CashForecast.objects.filter(organisation=organisation)}
    weeks: dict[int, list[CashForecastWeek]] = {pk: [] for pk in forecasts}
    for week in CashForecastWeek.objects.filter(forecast_id__in=list(forecasts)):
        weeks[week.forecast_id].append(week)
    return {
        f.currency: RecordedForecast(f, weeks[pk])
        for pk, f in sorted(forecasts.items(), key=lambda pair: pair[1].currency)
    }
