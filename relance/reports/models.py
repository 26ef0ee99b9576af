"""Snapshots that keep the dashboard's history cheap to read."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models

from relance.accounts.models import Organisation, User
from relance.dunning.models import Scenario
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


class GroupMonthlyFigures(models.Model):
    """``MonthlyFigures`` per group of alike customers: those sharing the values the analysis
    filters and the DSO tables read (segment, own scenario, collector, kind, country).

    The DSO per segment or collector, and the twelve-month DSO of filtered customers, would
    otherwise read the whole ledger at each request. Groups are taken as the customers stand
    when the morning run records them, so every month is rewritten each morning: a customer
    moved to another segment carries their history along, as a live computation would.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    currency = models.CharField(max_length=3)
    month = models.DateField("mois")  # its first day
    as_of = models.DateField("position au")
    closed = models.BooleanField("mois clos", default=False)
    # None for customers never segmented (no dunning row), apart from a blank segment, as
    # the live figures keep them.
    segment = models.CharField(max_length=50, null=True, blank=True)  # noqa: DJ001
    scenario = models.ForeignKey(
        Scenario, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False,
    )  # fmt: skip
    collector = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=6)
    country = models.CharField("pays", max_length=2)
    outstanding = money_field("encours")
    overdue = money_field("échu")
    invoiced = money_field("facturé TTC")
    collected = money_field("encaissé")
    computed_at = models.DateTimeField()

    class Meta:
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["organisation", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.currency} {self.segment} {self.outstanding}"


class CashForecast(models.Model):
    """An organisation's cash-in forecast in one currency, as the morning run computed it.

    Computing it reads every open item and every past payment (``relance.reports.forecast``):
    the dashboard reads this copy instead, rewritten each morning. ``as_of`` is the last day
    whose payments the forecast knew; ``later`` is expected after the last week, ``disputed``
    is owed on invoices under dispute and left out of the weeks.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, db_index=False)
    currency = models.CharField(max_length=3)
    as_of = models.DateField("prévision au")
    later = money_field("au-delà")
    disputed = money_field("en litige")
    computed_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["organisation", "currency"], name="cash_forecast_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} au {self.as_of}"


class CashForecastWeek(models.Model):
    """What a forecast expects in one week (from a Monday), apart by source."""

    forecast = models.ForeignKey(
        CashForecast, on_delete=models.CASCADE, related_name="weeks", db_index=False
    )
    week_start = models.DateField("semaine du")
    statistical = money_field("d'après les habitudes de paiement")
    promised = money_field("promesses")
    planned = money_field("échéanciers")

    class Meta:
        ordering: ClassVar[list[str]] = ["forecast_id", "week_start"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["forecast", "week_start"], name="forecast_week_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.week_start} {self.expected}"

    @property
    def expected(self) -> Decimal:
        return self.statistical + self.promised + self.planned


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
