"""Each figure family of the analytics as plain data: what the page shows and what
``relance report NAME --json`` prints, from the same selectors, amounts as "x.xx" strings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from relance.accounts.models import Organisation
from relance.reports.analytics_filters import AnalyticsFilters
from relance.reports.cohorts import BASES, cells_of, cohorts
from relance.reports.collection import DIMENSIONS, collection_rates
from relance.reports.dso_history import GROUPS, dso_by, dso_trend
from relance.reports.engagement import engagement
from relance.reports.timing import paid_by_due_month, send_times

Report = Callable[[Organisation, AnalyticsFilters, date, str], dict[str, Any]]


def _collection(organisation: Organisation, filters: AnalyticsFilters, _today: date,
                _by: str) -> dict[str, Any]:  # fmt: skip
    tables = collection_rates(organisation, filters)
    return {d: [row.as_dict() for row in tables.table(d)] for d in DIMENSIONS}


def _paid_by(organisation: Organisation, filters: AnalyticsFilters, _today: date,
             _by: str) -> dict[str, Any]:  # fmt: skip
    return {"months": [row.as_dict() for row in paid_by_due_month(organisation, filters)]}


def _engagement(organisation: Organisation, filters: AnalyticsFilters, today: date,
                _by: str) -> dict[str, Any]:  # fmt: skip
    return engagement(organisation, filters, today).as_dict()


def _cohorts(organisation: Organisation, filters: AnalyticsFilters, _today: date,
             by: str) -> dict[str, Any]:  # fmt: skip
    basis = by if by in BASES else BASES[0]
    cells = cells_of(basis)
    return {
        "basis": basis,
        "cells": list(cells),
        "cohorts": [row.as_dict(cells) for row in cohorts(organisation, filters, basis)],
    }


def _dso(organisation: Organisation, filters: AnalyticsFilters, today: date,
         by: str) -> dict[str, Any]:  # fmt: skip
    if by in GROUPS:
        return {"by": by, "lines": [line.as_dict() for line in dso_by(organisation, filters,
                                                                      today, by)]}  # fmt: skip
    trend = dso_trend(organisation, filters, today)
    return {
        "by": "month",
        "trend": {currency: [point.as_dict() if point else None for point in points]
                  for currency, points in trend.items()},
    }  # fmt: skip


def _send_time(organisation: Organisation, filters: AnalyticsFilters, _today: date,
               _by: str) -> dict[str, Any]:  # fmt: skip
    times = send_times(organisation, filters)
    return {
        "weekday": [row.as_dict() for row in times.by_weekday],
        "hour": [row.as_dict() for row in times.by_hour],
        "best_weekday": {c: row.key for c, row in times.best(times.by_weekday).items()},
        "best_hour": {c: row.key for c, row in times.best(times.by_hour).items()},
    }


REPORTS: dict[str, Report] = {
    "collection": _collection,
    "paid-by": _paid_by,
    "engagement": _engagement,
    "cohorts": _cohorts,
    "dso": _dso,
    "send-time": _send_time,
}


def report(
    name: str, organisation: Organisation, filters: AnalyticsFilters, today: date, by: str = ""
) -> dict[str, Any]:
    """The figures of the family ``name`` with the period and filters they were taken with."""
    filters = filters.resolved(organisation)
    return {
        "report": name,
        "organisation": organisation.slug,
        "filters": filters.as_query(),
        **REPORTS[name](organisation, filters, today, by),
    }
