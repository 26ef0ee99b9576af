"""Rows of an invoices file that share a number, with an instalment-amount column: the
instalments of one invoice."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from relance.core.text import Text, gettext_noop

from .cells import Cells
from .rows import InvoiceRow
from .values import ZERO

NO_PART = gettext_noop("montant de l'échéance manquant")


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
                gettext_noop(
                    "facture « %(number)s » : l'échéance de %(part)s ne couvre pas le montant "
                    "de %(amount)s"
                ),
                number=first.number,
                part=str(first_part),
                amount=str(first.amount_incl_tax),
            )
            return None
        return first
    ok = True
    for invoice, part in group[1:]:
        for name, label in (
            ("customer_ref", gettext_noop("client")),
            ("issue_date", gettext_noop("date de facture")),
            ("amount_incl_tax", gettext_noop("montant")),
            ("currency", gettext_noop("devise")),
            ("is_credit_note", gettext_noop("type de pièce")),
            ("payment_reference", gettext_noop("référence de paiement")),
            ("order_reference", gettext_noop("référence de commande")),
            ("quote_reference", gettext_noop("référence du devis")),
            ("contract_reference", gettext_noop("référence du contrat")),
        ):
            if getattr(invoice, name) != getattr(first, name):
                ok = False
                cells.error(
                    invoice.line,
                    column,
                    gettext_noop(
                        "échéance de la facture « %(number)s » (ligne %(line)s) avec un autre "
                        "%(label)s"
                    ),
                    number=first.number,
                    line=str(first.line),
                    label=Text(label),
                )
        if part is None:
            ok = False
            cells.error(invoice.line, column, NO_PART)
    if first_part is None:
        ok = False
        cells.error(first.line, column, NO_PART)
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
            gettext_noop(
                "facture « %(number)s » : les échéances totalisent %(total)s au lieu de %(amount)s"
            ),
            number=first.number,
            total=str(total),
            amount=str(first.amount_incl_tax),
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
