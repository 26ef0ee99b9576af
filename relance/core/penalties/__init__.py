"""Statutory late-payment penalties: pure, explainable, with the rate tables as arguments.

    from relance.core.penalties import compute_penalties
    from relance.core.rates import load_rate_tables

    result = compute_penalties(regime="FR-B2B", amount=Decimal("1000.00"),
                               due_date=date(2026, 1, 31), until=date(2026, 3, 2),
                               tables=load_rate_tables())
    result.interest, result.indemnity, result.total  # 9.99, 40.00, 49.99

See docs/penalties.md for what each regime computes and why.
"""

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

__all__ = [
    "ACTUAL_365",
    "ACTUAL_ACTUAL",
    "HALF_YEAR_RULES",
    "REGIMES",
    "PenaltyError",
    "PenaltyResult",
    "Period",
    "be_consumer_damages",
    "compute_penalties",
    "explain",
    "invoice_indemnity",
    "money_text",
    "rate_text",
    "round_cents",
    "simple_interest",
    "waiting_period",
]
