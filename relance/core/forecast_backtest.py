"""Scoring a forecast against what happened: the mean absolute error in days.

Each case is an invoice open at a forecast date (``as_of``) and fully paid later, on
``paid_on``. The model's predicted date is scored beside three baselines computed on the same
cases: "paid on the due date" (literally, even when that date is already past), the fairer
"paid on the due date, or the forecast date if later", and "due date plus the customer's mean
delay so far" (the organisation's when the customer has no payment yet).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

METHODS = ("model", "due_date", "due_date_or_as_of", "customer_mean_delay")


@dataclass(frozen=True, slots=True)
class Case:
    as_of: date
    due_date: date
    predicted: date
    mean_delay: float | None  # the customer's (else the organisation's) mean delay so far
    paid_on: date


def baseline_dates(case: Case) -> dict[str, date]:
    mean = round(case.mean_delay) if case.mean_delay is not None else 0
    return {
        "model": case.predicted,
        "due_date": case.due_date,
        "due_date_or_as_of": max(case.due_date, case.as_of),
        "customer_mean_delay": case.due_date + timedelta(days=mean),
    }


@dataclass(frozen=True, slots=True)
class Score:
    cases: int
    mae_days: dict[str, float]  # by method, rounded to 0.01 day


def score(cases: Iterable[Case]) -> Score:
    errors = dict.fromkeys(METHODS, 0)
    count = 0
    for case in cases:
        count += 1
        for method, day in baseline_dates(case).items():
            errors[method] += abs((day - case.paid_on).days)
    return Score(
        count,
        {method: round(total / count, 2) if count else 0.0 for method, total in errors.items()},
    )
