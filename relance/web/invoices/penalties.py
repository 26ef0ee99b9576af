"""The statutory penalties of one invoice, explained line by line.

The same computation as the formal notice (``relance.channels.compose``) and the
``relance penalties`` command: per instalment, the customer's legal regime, the instalment's
amount, its due date, every allocation (payment or credit note) as a part-payment, up to
today, with the shipped rate tables; the lines are ``relance.core.penalties.explain``'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from relance.channels.compose import regime_of
from relance.core.penalties import (
    PenaltyError,
    PenaltyResult,
    compute_penalties,
    explain,
    invoice_indemnity,
)
from relance.core.penalties.regimes import REGIMES
from relance.core.rates import RateNotFoundError
from relance.ledger.models import Customer, Instalment
from relance.rates.tables import rate_tables

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ItemPenalties:
    sequence: int
    due_date: date
    amount: Decimal
    result: PenaltyResult | None = None
    lines: list[str] = field(default_factory=list)
    error: str = ""


@dataclass(frozen=True)
class InvoicePenalties:
    regime: str | None
    regime_text: str
    currency: str
    today: date
    items: list[ItemPenalties]
    message: str = ""  # why nothing is computed, when nothing is

    @property
    def interest(self) -> Decimal:
        return sum((i.result.interest for i in self.items if i.result), ZERO)

    @property
    def indemnity(self) -> Decimal:
        """Once per invoice (or per instalment where the law says so), not summed blindly."""
        parts = [i.result.indemnity for i in self.items if i.result]
        return invoice_indemnity(self.regime, parts) if self.regime else ZERO

    @property
    def total(self) -> Decimal:
        return self.interest + self.indemnity

    @property
    def has_error(self) -> bool:
        return any(item.error for item in self.items)


def invoice_penalties(
    customer: Customer,
    currency: str,
    instalments: Iterable[Instalment],
    allocations: dict[int, list[tuple[date, Decimal]]],
    *,
    today: date,
) -> InvoicePenalties:
    """Penalties of the instalments that fell due before ``today`` and were not settled by
    their due date. A missing rate gives the table's message for that instalment, not an
    error page."""
    regime = regime_of(customer)
    if regime is None:
        return InvoicePenalties(
            regime=None, regime_text="", currency=currency, today=today, items=[],
            message=_("relance n'a pas de règle de pénalités pour ce type de client dans ce pays."),
        )  # fmt: skip
    tables = rate_tables()
    items: list[ItemPenalties] = []
    for instalment in instalments:
        paid = sorted(allocations.get(instalment.pk, []))
        settled_on_time = (
            sum((part for when, part in paid if when <= instalment.due_date), ZERO)
            >= instalment.amount
        )
        if instalment.due_date >= today or settled_on_time:
            continue
        base = ItemPenalties(instalment.sequence, instalment.due_date, instalment.amount)
        try:
            result = compute_penalties(
                regime=regime, amount=Decimal(instalment.amount), due_date=instalment.due_date,
                until=today, tables=tables, payments=paid, currency=currency,
            )  # fmt: skip
        except (PenaltyError, RateNotFoundError) as exc:
            items.append(
                ItemPenalties(base.sequence, base.due_date, base.amount, error=_message(exc))
            )
            continue
        items.append(
            ItemPenalties(base.sequence, base.due_date, base.amount, result, explain(result))
        )
    return InvoicePenalties(
        regime=regime, regime_text=REGIMES.get(regime, ""), currency=currency, today=today,
        items=items,
        message="" if items else _("Aucune échéance en retard : pas de pénalités."),
    )  # fmt: skip


def _message(exc: Exception) -> str:
    text = str(exc)
    if isinstance(exc, RateNotFoundError):
        return _("Calcul impossible : %(reason)s") % {"reason": text}
    return text
