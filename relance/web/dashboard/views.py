"""The morning view: what is owed and how late, what waits on the to-do, how the last twelve
months went. Every figure comes from ``relance.reports.selectors``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.functional import Promise as LazyText
from django.utils.translation import gettext_lazy as _

from relance.accounts.clock import local_day
from relance.accounts.models import Organisation
from relance.core.dso import Dso
from relance.dunning.labels import channel_label
from relance.imports.freshness import bank_freshness
from relance.imports.models import ImportBatch
from relance.rates.selectors import rate_warnings
from relance.reports.forecast_record import RecordedForecast, recorded_forecasts
from relance.reports.monthly import month_range
from relance.reports.selectors import (
    BUCKETS,
    AgedBalance,
    AmountCount,
    MonthFigures,
    aged_balances,
    disputed_by_currency,
    failed_deliveries,
    latest_figures,
    monthly_trend,
    promised_by_currency,
    promises_broken,
    promises_due,
    promises_due_count,
    todo_counts,
)
from relance.web.access import Workspace, org_view

ZERO = Decimal("0.00")
BUCKET_LABELS: dict[str, LazyText] = {
    "not_due": _("Non échu"),
    "days_1_30": _("1 à 30 jours"),
    "days_31_60": _("31 à 60 jours"),
    "days_61_90": _("61 à 90 jours"),
    "days_over_90": _("Plus de 90 jours"),
}
# The to-do counts by channel (plural: "3 calls"); one channel's name is channel_label.
TODO_CHANNELS: dict[str, LazyText] = {
    "email": _("E-mails"),
    "sms": _("SMS"),
    "letter": _("Courriers"),
    "formal_notice": _("Mises en demeure"),
    "call": _("Appels"),
    "legal": _("Transmissions au contentieux"),
}


@dataclass(frozen=True)
class Bucket:
    key: str
    label: LazyText
    amount: Decimal
    share: Decimal  # percent of what is owed


@dataclass(frozen=True)
class CurrencyPanel:
    currency: str
    balance: AgedBalance | None
    buckets: list[Bucket]
    disputed: AmountCount
    promised: AmountCount
    latest: MonthFigures | None
    trend: list[tuple[date, MonthFigures | None]]

    @property
    def dso(self) -> Dso | None:
        return self.latest.dso if self.latest else None

    @property
    def overdue_share(self) -> Decimal:
        if self.balance is None or not self.balance.outstanding:
            return ZERO
        return _percent(self.balance.overdue, self.balance.outstanding)


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(Decimal("0.1")) if whole else ZERO


def _buckets(balance: AgedBalance | None) -> list[Bucket]:
    if balance is None:
        return []
    return [
        Bucket(key, BUCKET_LABELS[key], balance.bucket(key),
               _percent(balance.bucket(key), balance.outstanding))
        for key in BUCKETS
    ]  # fmt: skip


def _panels(organisation: Organisation, today: date) -> list[CurrencyPanel]:
    balances = {balance.currency: balance for balance in aged_balances(organisation)}
    disputed = disputed_by_currency(organisation)
    promised = promised_by_currency(organisation, today)
    trend = monthly_trend(organisation, today)
    latest = latest_figures(trend)
    months = month_range(today, 12)
    currencies = sorted(set(balances) | set(disputed) | set(promised) | set(trend))
    return [
        CurrencyPanel(
            currency=currency,
            balance=balances.get(currency),
            buckets=_buckets(balances.get(currency)),
            disputed=disputed.get(currency, AmountCount()),
            promised=promised.get(currency, AmountCount()),
            latest=latest.get(currency),
            trend=list(zip(months, trend.get(currency, [None] * len(months)), strict=True)),
        )
        for currency in currencies
    ]


def _chart_data(panels: list[CurrencyPanel]) -> dict[str, Any]:
    """What the charts draw, as plain numbers; the tables beside them carry the same."""
    charts: dict[str, Any] = {}
    for panel in panels:
        if panel.buckets:
            charts[f"aged-{panel.currency}"] = {
                "kind": "aged",
                "currency": panel.currency,
                "labels": [str(bucket.label) for bucket in panel.buckets],
                "values": [float(bucket.amount) for bucket in panel.buckets],
                "label": str(_("Montant dû")),
            }
        if any(figures for _month, figures in panel.trend):
            charts[f"trend-{panel.currency}"] = {
                "kind": "trend",
                "currency": panel.currency,
                "labels": [date_format(month, "M Y") for month, _figures in panel.trend],
                "series": [
                    {"label": str(label), "values": [
                        float(getattr(figures, key)) if figures else None
                        for _month, figures in panel.trend
                    ]}
                    for key, label in (
                        ("outstanding", _("Encours fin de mois")),
                        ("overdue", _("dont échu")),
                        ("collected", _("Encaissé dans le mois")),
                    )
                ],
            }  # fmt: skip
    return charts


def _forecast_charts(forecasts: dict[str, RecordedForecast]) -> dict[str, Any]:
    """The expected receipts per week, stacked by source (the table beside them has them)."""
    return {
        f"forecast-{currency}": {
            "kind": "forecast",
            "currency": currency,
            "labels": [date_format(week.week_start, "d/m") for week in recorded.weeks],
            "series": [
                {"label": str(label),
                 "values": [float(getattr(week, key)) for week in recorded.weeks]}
                for key, label in (
                    ("statistical", _("D'après les habitudes de paiement")),
                    ("promised", _("Promesses")),
                    ("planned", _("Échéanciers")),
                )
            ],
        }
        for currency, recorded in forecasts.items()
        if recorded.weeks
    }  # fmt: skip


@org_view
def dashboard(request: HttpRequest, ws: Workspace) -> HttpResponse:
    organisation = ws.organisation
    today = local_day(organisation)
    panels = _panels(organisation, today)
    todo = todo_counts(organisation, today)
    forecasts = recorded_forecasts(organisation)
    context = {
        "today": today,
        "panels": panels,
        "as_of": max((p.balance.as_of for p in panels if p.balance), default=None),
        "charts": _chart_data(panels) | _forecast_charts(forecasts),
        "forecasts": forecasts,
        "todo": todo,
        "todo_rows": [
            (channel, label, todo.by_channel.get(channel, 0))
            for channel, label in TODO_CHANNELS.items()
            if channel != "legal" or todo.by_channel.get(channel)
        ],
        "failed": [
            (delivery, channel_label(delivery.reminder.channel))
            for delivery in failed_deliveries(organisation, today)
        ],
        "rate_warnings": rate_warnings(organisation=organisation, day=today),
        "bank_freshness": bank_freshness(organisation, day=today),
        "promises_due": promises_due(organisation, today),
        "promises_due_count": promises_due_count(organisation, today),
        "promises_broken": promises_broken(organisation, today),
        "last_import": ImportBatch.objects.filter(organisation=organisation)
        .only("kind", "started_at", "organisation_id")
        .order_by("-started_at")
        .first(),
    }
    return render(request, "web/dashboard/dashboard.html", context)
