"""What a bank statement import found: its movements sorted into matched, suggested,
unmatched, and the reasons a file was refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from relance.core.matching import Decision, Index

CENT = Decimal("0.01")


@dataclass
class BankImportReport:
    filename: str
    status: str
    statements: int = 0
    entries: int = 0
    already_imported: int = 0
    payments: int = 0
    matched: list[dict[str, Any]] = field(default_factory=list)
    suggested: list[dict[str, Any]] = field(default_factory=list)
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    batch_uuid: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "statements": self.statements,
            "entries": self.entries,
            "matched": self.matched,
            "suggested": self.suggested,
            "unmatched": self.unmatched,
            "rejected": self.rejected,
        }

    def add(self, decision: Decision, amount: Decimal, index: Index) -> None:
        """The decision as report lines: one per invoice it pays, one for what is left."""
        lines = decision_lines(decision, amount, index)
        if decision.confidence == "sure":
            self.matched.extend(lines)
        elif decision.confidence == "likely":
            self.suggested.extend(lines)
        else:
            self.unmatched.extend(lines)


def amount_text(amount: Decimal) -> str:
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def decision_lines(decision: Decision, amount: Decimal, index: Index) -> list[dict[str, Any]]:
    """``invoice`` is the invoice number, ``None`` for an amount that pays no invoice (the
    whole of an unmatched movement, or an overpayment left as customer credit)."""
    per_invoice: dict[str, Decimal] = {}
    for item_id, part in decision.allocations:
        number = index.items[item_id].invoice_number
        per_invoice[number] = per_invoice.get(number, Decimal(0)) + part
    lines: list[tuple[str | None, Decimal]] = list(per_invoice.items())
    left = amount - decision.allocated
    if left > 0 or not lines:
        lines.append((None, left if lines else amount))
    return [
        {
            "entry": decision.entry_id,
            "invoice": number,
            "amount": amount_text(part),
            "reason": decision.reason,
            "confidence": decision.confidence,
        }
        for number, part in lines
    ]
