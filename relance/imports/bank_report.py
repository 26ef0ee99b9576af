"""What a bank statement import found: its movements sorted into matched, suggested,
unmatched, the reversals that took back an earlier credit, and the reasons a file was
refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from relance.core.matching import Decision, Index
from relance.core.text import Text

CENT = Decimal("0.01")
# Each reason a movement is given, in words (the command's summary, the reconciliation page).
REASONS = {
    "invoice_reference": _("référence de paiement de la facture"),
    "structured_reference": _("référence structurée du client"),
    "invoice_number": _("n° de facture dans le libellé"),
    "iban_amount": _("IBAN connu du client et montant"),
    "name_amount": _("nom du client et montant"),
    "debit": _("débit (argent sorti)"),
    "reversal": _("contre-passation ou retour"),
    "reversal_unknown": _("contre-passation ou retour d'un encaissement inconnu"),
    "reversal_amount": _("contre-passation ou retour d'un autre montant que l'encaissement"),
    "reversal_ambiguous": _("contre-passation ou retour : plusieurs encaissements possibles"),
    "already_reversed": _("contre-passation ou retour d'un encaissement déjà annulé"),
    "reversed": _("encaissement repris par la banque"),
    "currency": _("aucune facture ouverte dans cette devise"),
    "fraction_of_cent": _("montant avec une fraction de centime"),
    "pending": _("opération non comptabilisée (à venir)"),
    "no_match": _("aucune facture reconnue"),
}


@dataclass
class BankImportReport:
    filename: str
    status: str
    statements: int = 0
    entries: int = 0
    already_imported: int = 0
    payments: int = 0
    reversed: int = 0  # payments reversed
    matched: list[dict[str, Any]] = field(default_factory=list)
    suggested: list[dict[str, Any]] = field(default_factory=list)
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    reversals: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[Text] = field(default_factory=list)  # worded where they are read
    batch_uuid: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "statements": self.statements,
            "entries": self.entries,
            "matched": self.matched,
            "suggested": self.suggested,
            "unmatched": self.unmatched,
            "reversals": self.reversals,
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

    def add_take_back(
        self, entry_id: str, amount: Decimal, reason: str, code: str, original: str | None
    ) -> None:
        """A movement that takes back an earlier credit (``original``, the movement id), or
        that the bank says does and waits for a person (in ``unmatched``, with its reason)."""
        undone = reason == "reversal" and original is not None
        line = {"entry": entry_id, "invoice": None, "amount": amount_text(amount),
                "reason": reason, "confidence": "sure" if undone else "none"}  # fmt: skip
        if undone:
            self.reversals.append({**line, "original": original, "return_reason": code})
        else:
            self.unmatched.append(line)


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
