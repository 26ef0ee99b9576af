"""Rows of an invoices file that share a number, with an instalment-amount column: the
instalments of one invoice."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from .cells import Cells
from .rows import InvoiceRow
from .values import ZERO


def merge_instalments(
    group: list[tuple[InvoiceRow, Decimal | None]], cells: Cells, column: str
) -> InvoiceRow | None:
    """Rows sharing an invoice number, with an instalment-amount column: one invoice."""
    first, first_part = group[0]
    if len(group) == 1:
        if first_part is not None and first_part != first.amount_incl_tax:
            cells.error(
                first.line,
                column,
                f"facture « {first.number} » : l'échéance de {first_part} ne couvre pas le "
                f"montant de {first.amount_incl_tax}",
            )
            return None
        return first
    ok = True
    for invoice, part in group[1:]:
        for name, label in (
            ("customer_ref", "client"),
            ("issue_date", "date de facture"),
            ("amount_incl_tax", "montant"),
            ("currency", "devise"),
            ("is_credit_note", "type de pièce"),
            ("payment_reference", "référence de paiement"),
            ("order_reference", "référence de commande"),
            ("quote_reference", "référence du devis"),
            ("contract_reference", "référence du contrat"),
        ):
            if getattr(invoice, name) != getattr(first, name):
                ok = False
                cells.error(
                    invoice.line,
                    column,
                    f"échéance de la facture « {first.number} » (ligne {first.line}) avec un "
                    f"autre {label}",
                )
        if part is None:
            ok = False
            cells.error(invoice.line, column, "montant de l'échéance manquant")
    if first_part is None:
        ok = False
        cells.error(first.line, column, "montant de l'échéance manquant")
    if not ok:
        return None
    instalments = tuple(
        sorted((i for invoice, _ in group for i in invoice.instalments), key=lambda i: i.due_date)
    )
    total = sum((i.amount for i in instalments), ZERO)
    if total != first.amount_incl_tax:
        cells.error(
            group[-1][0].line,
            column,
            f"facture « {first.number} » : les échéances totalisent {total} au lieu de "
            f"{first.amount_incl_tax}",
        )
        return None
    paid = sum((invoice.paid_amount for invoice, _ in group), ZERO)
    paid_dates = [invoice.paid_date for invoice, _ in group if invoice.paid_date is not None]
    return replace(
        first,
        instalments=instalments,
        paid_amount=paid,
        paid_date=max(paid_dates) if paid_dates else None,
    )
