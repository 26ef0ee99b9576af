"""What the rate tables cover, and which of an organisation's tables are about to run out."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from relance.accounts.models import Organisation
from relance.core.penalties.applicable import tables_needed
from relance.core.rates import TABLE_FIELDS
from relance.ledger.models import Customer
from relance.rates.models import AddedRate
from relance.rates.tables import rate_tables

WARN_DAYS = 60
logger = logging.getLogger("relance.rates")


@dataclass(frozen=True)
class Coverage:
    table: str
    first_day: date
    last_day: date
    last_rate: Decimal
    last_source: str
    last_verified: bool
    added_here: int  # rows this installation added
    days_left: int  # days covered after ``today`` (negative: ran out that many days ago)

    def as_dict(self) -> dict[str, object]:
        return {
            "table": self.table, "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(), "last_rate": str(self.last_rate),
            "last_source": self.last_source, "last_verified": self.last_verified,
            "added_here": self.added_here, "days_left": self.days_left,
        }  # fmt: skip


@dataclass(frozen=True)
class RateWarning:
    table: str
    last_day: date
    days_left: int

    @property
    def ended(self) -> bool:
        return self.days_left < 0

    def as_dict(self) -> dict[str, object]:
        return {"table": self.table, "last_day": self.last_day.isoformat(),
                "days_left": self.days_left, "text": self.text()}  # fmt: skip

    def text(self) -> str:
        """One line for people (the staff language, French by default)."""
        values = {"table": self.table, "end": self.last_day.strftime("%d/%m/%Y"),
                  "command": f"relance rates add {self.table}"}  # fmt: skip
        if self.ended:
            return (
                _(
                    "La table de taux « %(table)s » s'est arrêtée le %(end)s : les intérêts de "
                    "retard qui en dépendent ne sont plus chiffrés dans les relances. Ajoutez le "
                    "taux publié : %(command)s (ou Réglages, Taux légaux)."
                )
                % values
            )
        return (
            _(
                "La table de taux « %(table)s » s'arrête le %(end)s : ajoutez le taux publié "
                "avant cette date : %(command)s (ou Réglages, Taux légaux)."
            )
            % values
        )


def rate_coverage(*, today: date) -> list[Coverage]:
    """Every table: the days it covers, its last value, and how long before it runs out."""
    tables = rate_tables()
    counts: dict[str, int] = {}
    for name in AddedRate.objects.values_list("table", flat=True):
        counts[name] = counts.get(name, 0) + 1
    found = []
    for name in TABLE_FIELDS:
        table = tables.table(name)
        last = table.rows[-1]
        found.append(
            Coverage(
                table=name, first_day=table.first_day, last_day=table.last_day,
                last_rate=last.rate, last_source=last.source, last_verified=last.verified,
                added_here=counts.get(name, 0), days_left=(table.last_day - today).days,
            )
        )  # fmt: skip
    return found


def rate_warnings(*, organisation: Organisation, day: date) -> list[RateWarning]:
    """The tables this organisation's customers need that end within ``WARN_DAYS`` of ``day``
    (or have already ended), soonest first."""
    kinds = (
        Customer.objects.filter(organisation=organisation)
        .values_list("country", "kind").distinct().order_by()
    )  # fmt: skip
    needed = tables_needed(kinds)
    if not needed:
        return []
    tables = rate_tables()
    horizon = day + timedelta(days=WARN_DAYS)
    warnings = [
        RateWarning(name, tables.table(name).last_day, (tables.table(name).last_day - day).days)
        for name in needed
        if tables.table(name).last_day < horizon
    ]
    return sorted(warnings, key=lambda warning: (warning.last_day, warning.table))


def rate_warnings_log(*, organisation: Organisation, day: date) -> list[RateWarning]:
    """The morning run's check: each warning logged, and returned."""
    warnings = rate_warnings(organisation=organisation, day=day)
    for warning in warnings:
        logger.warning("%s: %s", organisation.slug, warning.text())
    return warnings
