"""The statutory penalties of one invoice, explained line by line for staff.

The same computation as the e-mails, letters and formal notices: the customer's regime
(``regime_for``) and ``relance.core.penalties.invoice_penalties`` on the invoice's
instalments, every allocation (payment or credit note) counting as a part-payment, up to
today, with the rate tables (shipped, and those added with ``relance rates``). Staff read the
full calculation with its sources (``explain``); debtors read ``debtor_lines``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from relance.core.penalties import (
    DueItem,
    PenaltyResult,
    explain,
    invoice_penalties,
    regime_for,
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
    interest: Decimal = ZERO
    indemnity: Decimal = ZERO  # once per invoice (or per instalment where the law says so)

    @property
    def total(self) -> Decimal:
        return self.interest + self.indemnity

    @property
    def has_error(self) -> bool:
        return any(item.error for item in self.items)


def invoice_penalties_view(
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
    regime = regime_for(customer.country, customer.kind)
    if regime is None:
        return InvoicePenalties(
            regime=None, regime_text="", currency=currency, today=today, items=[],
            message=_("relance n'a pas de règle de pénalités pour ce type de client dans ce pays."),
        )  # fmt: skip
    due = [
        DueItem(invoice=str(instalment.invoice_id), sequence=instalment.sequence,
                amount=Decimal(instalment.amount), due_date=instalment.due_date,
                payments=tuple(allocations.get(instalment.pk, [])))
        for instalment in instalments
    ]  # fmt: skip
    computed = invoice_penalties(
        due, regime=regime, until=today, tables=rate_tables(), currency=currency
    )
    items = [
        ItemPenalties(
            entry.item.sequence, entry.item.due_date, entry.item.amount, entry.result,
            explain(entry.result) if entry.result else [],
            _message(entry.error) if entry.error else "",
        )
        for entry in computed.items
    ]  # fmt: skip
    return InvoicePenalties(
        regime=regime, regime_text=REGIMES.get(regime, ""), currency=currency, today=today,
        items=items, interest=computed.interest, indemnity=computed.indemnity,
        message="" if items else _("Aucune échéance en retard : pas de pénalités."),
    )  # fmt: skip


def _message(exc: Exception) -> str:
    text = str(exc)
    if isinstance(exc, RateNotFoundError):
        return _("Calcul impossible : %(reason)s") % {"reason": text}
    return text
