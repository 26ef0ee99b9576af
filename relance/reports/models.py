"""Snapshots that keep the dashboard's history cheap to read."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from relance.accounts.models import Organisation
from relance.ledger.models import money_field


class MonthlyFigures(models.Model):
    """An organisation's receivables in one currency at a month's end, and the month's flows.

    Computing a past month-end position means going over every instalment and allocation of
    the ledger; it is done once, set-based (``relance.reports.monthly``), and kept here. A
    closed month's ``as_of`` is its last day; the current month's row is provisional
    (``closed`` False, ``as_of`` the day it was recorded) and is rewritten every morning,
    then computed for good once the month is over.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    currency = models.CharField(max_length=3)
    month = models.DateField("mois")  # its first day
    as_of = models.DateField("position au")
    closed = models.BooleanField("mois clos", default=False)
    outstanding = money_field("encours")
    overdue = money_field("échu")
    invoiced = money_field("facturé TTC")
    collected = money_field("encaissé")
    computed_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organisation", "month", "currency"], name="monthly_figures_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.currency} {self.outstanding}"
