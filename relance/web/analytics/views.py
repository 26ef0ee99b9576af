"""The analysis page: what works in collection, for a period and filters taken from the URL.

Every table is one selector call of ``relance.reports`` (an export can reuse it as is).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.functional import Promise as LazyText
from django.utils.translation import gettext_lazy as _

from relance.accounts.clock import local_day
from relance.reports.analytics_filters import AnalyticsFilters, FilterError
from relance.reports.cohorts import BASES, cells_of, cohorts
from relance.reports.collection import WINDOWS, collection_rates
from relance.reports.dso_history import DsoPoint, dso_by, dso_trend
from relance.reports.engagement import engagement
from relance.reports.monthly import month_range
from relance.reports.timing import PAID_BY, SEND_TIME_DAYS, paid_by_due_month, send_times
from relance.web.access import Workspace, org_view
from relance.web.analytics.forms import AnalyticsForm

COLLECTION_TABLES: dict[str, LazyText] = {
    "step": _("Par étape"),
    "scenario": _("Par scénario"),
    "channel": _("Par canal"),
    "collector": _("Par chargé de recouvrement"),
}
CELL_LABELS: dict[str, LazyText] = {
    "before": _("Avant l'échéance"),
    "0_7": _("0 à 7 j"),
    "8_15": _("8 à 15 j"),
    "16_30": _("16 à 30 j"),
    "31_60": _("31 à 60 j"),
    "61_90": _("61 à 90 j"),
    "over_90": _("Plus de 90 j"),
}
WEEKDAYS: dict[str, LazyText] = {
    "1": _("Lundi"), "2": _("Mardi"), "3": _("Mercredi"), "4": _("Jeudi"),
    "5": _("Vendredi"), "6": _("Samedi"), "7": _("Dimanche"),
}  # fmt: skip
DSO_TABLES: dict[str, LazyText] = {
    "segment": _("Par segment"),
    "collector": _("Par chargé de recouvrement"),
    "customer": _("Les clients qui doivent le plus"),
}


DSO_SERIES: dict[str, LazyText] = {
    "count_back": _("DSO (épuisement)"),
    "standard": _("DSO standard"),
    "best_possible": _("Meilleur DSO possible"),
}


def _dso_value(point: DsoPoint | None, name: str) -> float | None:
    """A DSO figure of a month for a chart, None where the month or the figure is missing."""
    if point is None:
        return None
    value = point.count_back.days if name == "count_back" else getattr(point, name)
    return None if value is None else float(value)


def heat(share: Decimal | None) -> int:
    """The shade of a heat-map cell, 0 (nothing) to 5 (80 % and more)."""
    return 0 if not share else min(5, int(share // 20) + 1)


def _filters(form: AnalyticsForm, today: date) -> AnalyticsFilters:
    try:
        return AnalyticsFilters.from_mapping(form.query(), today)
    except FilterError:
        form.add_error(None, _("Période ou filtre invalide : les 90 derniers jours sont montrés."))
        return AnalyticsFilters.default(today)


def _cohort_rows(rows: list[Any], cells: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        {"cohort": row, "cells": [(cell, row.share(cell), heat(row.share(cell))) for cell in cells]}
        for row in rows
    ]


def _charts(collection: Any, trend: dict[str, list[Any]], today: date) -> dict[str, Any]:
    """What the charts draw; the tables next to them carry the same figures."""
    charts: dict[str, Any] = {}
    currencies = sorted({row.currency for row in collection.by_step})
    for currency in currencies:
        rows = [row for row in collection.by_step if row.currency == currency]
        charts[f"steps-{currency}"] = {
            "kind": "percent",
            "labels": [row.label for row in rows],
            "series": [
                {"label": str(_("À %(days)s jours") % {"days": days}),
                 "values": [float(row.rate(days) or 0) for row in rows]}
                for days in WINDOWS
            ],
        }  # fmt: skip
    labels = [date_format(month, "M Y") for month in month_range(today, 12)]
    for currency, points in trend.items():
        charts[f"dso-{currency}"] = {
            "kind": "days",
            "labels": labels,
            "series": [
                {"label": str(label), "values": [_dso_value(point, name) for point in points]}
                for name, label in DSO_SERIES.items()
            ],
        }  # fmt: skip
    return charts


@org_view
def analytics(request: HttpRequest, ws: Workspace) -> HttpResponse:
    organisation = ws.organisation
    today = local_day(organisation)
    form = AnalyticsForm(request.GET, organisation=organisation)
    filters = _filters(form, today).resolved(organisation)  # read once for every table
    basis = form.cleaned_data.get("basis") or BASES[0]
    collection = collection_rates(organisation, filters)
    trend = dso_trend(organisation, filters, today)
    times = send_times(organisation, filters)
    cells = cells_of(basis)
    context = {
        "form": form,
        "filters": filters,
        "windows": WINDOWS,
        "collection": [(label, collection.table(key)) for key, label in COLLECTION_TABLES.items()],
        "paid_by": paid_by_due_month(organisation, filters),
        "paid_by_days": PAID_BY,
        "engagement": engagement(organisation, filters, today),
        "basis": basis,
        "cells": [(cell, CELL_LABELS[cell]) for cell in cells],
        "cohorts": _cohort_rows(cohorts(organisation, filters, basis), cells),
        "dso_trend": [
            (currency, list(zip(month_range(today, 12), points, strict=True)))
            for currency, points in trend.items()
        ],
        "dso_by": [
            (label, dso_by(organisation, filters, today, key)) for key, label in DSO_TABLES.items()
        ],
        "send_days": SEND_TIME_DAYS,
        "by_weekday": [(WEEKDAYS[row.key], row) for row in times.by_weekday],
        "by_hour": times.by_hour,
        "best_weekday": {c: WEEKDAYS[row.key] for c, row in times.best(times.by_weekday).items()},
        "best_hour": {c: row.key for c, row in times.best(times.by_hour).items()},
        "charts": _charts(collection, trend, today),
    }
    return render(request, "web/analytics/analytics.html", context)
