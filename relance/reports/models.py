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


class WeeklyDigest(models.Model):
    """A collector's weekly digest, sent (or being sent) for the week starting ``week``, a
    Monday: one per person, organisation and week, so that a second run sends nothing.

    A run first claims its rows with its own ``claim`` token (an insert that skips the rows
    another run holds), then sends; a digest that could not leave is deleted, to be sent by
    a later run.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    week = models.DateField("semaine du")
    claim = models.UUIDField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organisation", "week", "user"], name="weekly_digest_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.user_id}"
