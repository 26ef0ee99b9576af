"""Penalties when a rate table does not cover the whole delay.

The engine never guesses a rate. A message that claims penalties then states the fixed
indemnity (which needs no rate) and says that the interest is not computed in it, and the
reminder's notes tell staff which table lacks which days; nothing disappears silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from relance.channels.templating import context as tpl
from relance.core.penalties import (
    PenaltyError,
    PenaltyResult,
    compute_penalties,
    invoice_indemnity,
    money_text,
)
from relance.core.penalties.applicable import regime_for
from relance.core.rates import RateNotFoundError, RateRow, RateTables, overlay
from relance.dunning.models import Reminder
from relance.ledger.models import Allocation
from relance.ledger.selectors import open_instalments
from relance.rates.tables import rate_tables

ZERO = Decimal("0.00")
ONE_DAY = timedelta(days=1)
INDEMNITY_LINE = "Indemnité forfaitaire"
# Stands in for the missing days so that the rest of the computation (from when interest
# runs, the indemnity) can be done; the interest it gives is never used.
PLACEHOLDER = "aucun taux publié"


@dataclass(frozen=True)
class RateGap:
    table: str
    first: date
    last: date
    covered_until: date

    def note(self) -> str:
        """For staff (reminder notes): which table, which days, what to do."""
        return (
            f"Intérêts de retard non chiffrés dans ce message : la table « {self.table} » n'a "
            f"pas de taux du {self.first:%d/%m/%Y} au {self.last:%d/%m/%Y} (elle s'arrête le "
            f"{self.covered_until:%d/%m/%Y}). Ajoutez le taux publié avec « relance rates add "
            f"{self.table} », puis recomposez le message."
        )


def _fill(tables: RateTables, exc: RateNotFoundError, today: date) -> tuple[RateTables, RateGap]:
    table = tables.table(exc.table)
    if exc.day > table.last_day:
        first, last = table.last_day + ONE_DAY, max(today, exc.day)
    else:
        first, last = exc.day, table.first_day - ONE_DAY
    row = RateRow(first, last, ZERO, PLACEHOLDER, verified=False)
    gap = RateGap(exc.table, first, last, table.last_day)
    return tables.with_table(overlay(table, [row])), gap


def _without_interest(
    tables: RateTables, gaps: list[RateGap], today: date, **arguments: Any
) -> PenaltyResult:
    """The computation with every missing day filled by a placeholder, noting each gap."""
    for _ in range(8):  # at most one gap per table, each filled once
        try:
            return compute_penalties(tables=tables, until=today, **arguments)
        except RateNotFoundError as exc:
            tables, gap = _fill(tables, exc, today)
            gaps.append(gap)
    raise PenaltyError("rate tables still incomplete")  # pragma: no cover


def rate_gaps_and_indemnity(
    *,
    regime: str,
    overdue: Sequence[tuple[Any, ...]],
    paid: dict[int, list[tuple[date, Decimal]]],
    today: date,
    currency: str,
    tables: RateTables,
) -> tuple[tpl.Penalties, list[RateGap]]:
    """The penalties of a message whose interest cannot be computed: the indemnity only,
    ``interest_missing`` set; and the gaps found, for the staff notes."""
    gaps: list[RateGap] = []
    indemnities: dict[str, list[Decimal]] = {}
    for pk, number, _, due, amount, _ in overdue:
        result = _without_interest(
            tables, gaps, today, regime=regime, amount=Decimal(amount), due_date=due,
            payments=paid.get(pk, ()), currency=currency,
        )  # fmt: skip
        indemnities.setdefault(number, []).append(result.indemnity)
    per_invoice = {
        number: invoice_indemnity(regime, parts) for number, parts in indemnities.items()
    }
    lines = tuple(
        f"{number} — {INDEMNITY_LINE} : {money_text(amount, currency)}"
        for number, amount in per_invoice.items()
        if amount
    )
    indemnity = sum(per_invoice.values(), ZERO)
    unique = list({(gap.table, gap.first, gap.last): gap for gap in gaps}.values())
    penalties = tpl.Penalties(interest=ZERO, indemnity=indemnity, total=indemnity, lines=lines,
                              interest_missing=True)  # fmt: skip
    return penalties, unique


def rate_gap_notes(reminder: Reminder, *, today: date) -> list[str]:
    """Why a reminder's message does not state the interest, for its notes (empty when every
    rate is there). Read again from the ledger: it runs only for the rare message concerned."""
    customer = reminder.customer
    regime = regime_for(customer.country, customer.kind)
    if regime is None:
        return []
    overdue = list(
        open_instalments(reminder.organisation)
        .filter(customer=customer, invoice__currency=reminder.currency, due_date__lt=today)
        .values_list("id", "invoice__number", "invoice__issue_date", "due_date", "amount",
                     "outstanding")  # type: ignore[misc]
    )  # fmt: skip
    paid: dict[int, list[tuple[date, Decimal]]] = {}
    for instalment_id, when, amount in Allocation.objects.filter(
        instalment_id__in=[row[0] for row in overdue]
    ).values_list("instalment_id", "date", "amount"):
        paid.setdefault(instalment_id, []).append((when, amount))
    _, gaps = rate_gaps_and_indemnity(regime=regime, overdue=overdue, paid=paid, today=today,
                                      currency=reminder.currency, tables=rate_tables())  # fmt: skip
    return [gap.note() for gap in gaps]
