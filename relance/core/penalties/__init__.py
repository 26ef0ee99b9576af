"""Statutory late-payment penalties: pure, explainable, with the rate tables as arguments.

    from relance.core.penalties import compute_penalties
    from relance.core.rates import load_rate_tables

    result = compute_penalties(regime="FR-B2B", amount=Decimal("1000.00"),
                               due_date=date(2026, 1, 31), until=date(2026, 3, 2),
                               tables=load_rate_tables())
    result.interest, result.indemnity, result.total  # 9.99, 40.00, 49.99

``regime_for(country, kind)`` gives a customer's regime; ``invoice_penalties`` computes the
late instalments of an invoice or an account; ``debtor_lines`` words them for the debtor,
``explain`` for staff. See docs/penalties.md for what each regime computes and why.
"""

from relance.core.penalties.account import (
    DueItem,
    InvoicePenalties,
    ItemPenalties,
    invoice_penalties,
    regime_for,
)
from relance.core.penalties.accrual import ACTUAL_365, ACTUAL_ACTUAL, simple_interest
from relance.core.penalties.belgium import be_consumer_damages, waiting_period
from relance.core.penalties.model import PenaltyError, PenaltyResult, Period, round_cents
from relance.core.penalties.regimes import (
    HALF_YEAR_RULES,
    REGIMES,
    compute_penalties,
    invoice_indemnity,
)
from relance.core.penalties.text import explain, money_text, rate_text
from relance.core.penalties.wording import debtor_lines

__all__ = [
    "ACTUAL_365",
    "ACTUAL_ACTUAL",
    "HALF_YEAR_RULES",
    "REGIMES",
    "DueItem",
    "InvoicePenalties",
    "ItemPenalties",
    "PenaltyError",
    "PenaltyResult",
    "Period",
    "be_consumer_damages",
    "compute_penalties",
    "debtor_lines",
    "explain",
    "invoice_indemnity",
    "invoice_penalties",
    "money_text",
    "rate_text",
    "regime_for",
    "round_cents",
    "simple_interest",
    "waiting_period",
]
