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
    DueItem,
    InvoicePenalties,
    debtor_lines,
    invoice_penalties,
    regime_for,
)
from relance.core.rates import RateNotFoundError, RateRow, RateTables, overlay
from relance.dunning.models import Reminder
from relance.ledger.models import Allocation, Instalment
from relance.ledger.selectors import open_instalments
from relance.rates.tables import rate_tables

ZERO = Decimal("0.00")
ONE_DAY = timedelta(days=1)
# Stands in for the missing days so that the rest of the computation (from when interest
# runs, the indemnity) can be done; the interest it gives is never used.
PLACEHOLDER = "aucun taux publié"


# Per instalment id: its payments (date, amount), and its sequence within its invoice.
Payments = tuple[dict[int, list[tuple[date, Decimal]]], dict[int, int]]


def instalment_payments(ids: Sequence[int]) -> Payments:
    """What ``due_items`` needs of these instalments besides their rows: two queries per 500
    ids, so that a day's batch reads them once rather than once per message."""
    paid: dict[int, list[tuple[date, Decimal]]] = {}
    sequences: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        for instalment_id, when, amount in Allocation.objects.filter(
            instalment_id__in=chunk
        ).values_list("instalment_id", "date", "amount"):
            paid.setdefault(instalment_id, []).append((when, amount))
        sequences.update(Instalment.objects.filter(pk__in=chunk).values_list("pk", "sequence"))
    return paid, sequences


def due_items(
    overdue: Sequence[tuple[Any, ...]], payments: Payments | None = None
) -> list[DueItem]:
    """The overdue rows (id, number, issued, due, amount, outstanding, ...) with their payments, as
    the core's invoice penalties take them; ``payments`` when read beforehand for a batch."""
    paid, sequences = payments or instalment_payments([row[0] for row in overdue])
    return [
        DueItem(invoice=number, sequence=sequences.get(pk, 1), amount=Decimal(amount),
                due_date=due, payments=tuple(paid.get(pk, ())))
        for pk, number, _, due, amount, _, *_references in overdue
    ]  # fmt: skip


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


def with_gaps_filled(
    items: Sequence[DueItem], *, regime: str, today: date, currency: str, tables: RateTables
) -> tuple[InvoicePenalties, list[RateGap]]:
    """The invoice penalties with every missing day filled by a placeholder (its interest is
    never shown), and the gaps found, for the staff notes."""
    gaps: dict[tuple[str, date, date], RateGap] = {}
    for _ in range(8):  # at most a gap or two per table, each filled once
        computed = invoice_penalties(items, regime=regime, until=today, tables=tables,
                                     currency=currency)  # fmt: skip
        missing = {e.table: e for e in computed.errors if isinstance(e, RateNotFoundError)}
        if not missing:
            break
        for exc in missing.values():
            tables, gap = _fill(tables, exc, today)
            gaps[(gap.table, gap.first, gap.last)] = gap
    return computed, list(gaps.values())


def rate_gaps_and_indemnity(
    items: Sequence[DueItem],
    *,
    regime: str,
    today: date,
    currency: str,
    tables: RateTables,
    language: str,
) -> tuple[tpl.Penalties, list[RateGap]]:
    """The penalties of a message whose interest cannot be computed: the indemnity only, in
    the debtor's language, ``interest_missing`` set; and the gaps, for the staff notes."""
    computed, gaps = with_gaps_filled(items, regime=regime, today=today, currency=currency,
                                      tables=tables)  # fmt: skip
    indemnity = computed.indemnity
    penalties = tpl.Penalties(
        interest=ZERO, indemnity=indemnity, total=indemnity, interest_missing=True,
        lines=debtor_lines(computed, language, interest=False),
    )  # fmt: skip
    return penalties, gaps


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
    _, gaps = with_gaps_filled(due_items(overdue), regime=regime, today=today,
                               currency=reminder.currency, tables=rate_tables())  # fmt: skip
    return [gap.note() for gap in gaps]
