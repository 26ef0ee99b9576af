"""The statutory penalties of one invoice, explained line by line for staff.

The same computation as the e-mails, letters and formal notices: the customer's regime
(``regime_for``) and ``relance.core.penalties.invoice_penalties`` on the invoice's
instalments, every allocation (payment or credit note) counting as a part-payment, up to
today, with the rate tables (shipped, and those added with ``relance rates``). Staff read the
full calculation with its sources, in their own language (``staff_lines``; the pure
``relance.core.penalties.explain`` writes it in French); debtors read ``debtor_lines``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from relance.core.penalties import (
    DueItem,
    PenaltyResult,
    invoice_penalties,
    regime_for,
)
from relance.core.penalties.regimes import REGIMES
from relance.core.rates import RateNotFoundError
from relance.ledger.models import Customer, Instalment
from relance.lib.text import translated
from relance.rates.tables import rate_tables

ZERO = Decimal("0.00")
# The regimes in the reader's language (the same words as relance.core.penalties.REGIMES).
REGIME_TEXTS = {
    "FR-B2B": gettext_lazy("France, entre professionnels (C. com. L441-10) : taux BCE + 10 "
                           "points, semestre par semestre ; 40 € par facture"),
    "FR-B2C": gettext_lazy("France, professionnel envers un consommateur : taux de l'intérêt "
                           "légal « autres cas » à partir de la mise en demeure ; ni indemnité "
                           "ni frais"),
    "FR-PUBLIC": gettext_lazy("France, acheteur public (CCP R2192-31) : taux BCE du semestre où "
                              "le retard commence + 8 points, figé ; 40 €"),
    "BE-B2B": gettext_lazy("Belgique, entre entreprises (loi du 2 août 2002) : taux semestriel "
                           "publié ; 40 €"),
    "BE-B2C": gettext_lazy("Belgique, consommateur (CDE livre XIX) : seulement si le contrat le "
                           "prévoit, après un premier rappel gratuit et 14 jours"),
    "EU": gettext_lazy("Directive 2011/7/UE : taux de référence BCE + 8 points, semestre par "
                       "semestre ; 40 €"),
    "DE-B2B": gettext_lazy("Allemagne (§ 288 (2) BGB) : taux de base + 9 points ; 40 €"),
    "DE-B2C": gettext_lazy("Allemagne, consommateur (§ 288 (1) BGB) : taux de base + 5 points ; "
                           "sans indemnité"),
}  # fmt: skip


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
            staff_lines(entry.result) if entry.result else [],
            _message(entry.error) if entry.error else "",
        )
        for entry in computed.items
    ]  # fmt: skip
    return InvoicePenalties(
        regime=regime, regime_text=str(REGIME_TEXTS.get(regime) or REGIMES.get(regime, "")),
        currency=currency, today=today,
        items=items, interest=computed.interest, indemnity=computed.indemnity,
        message="" if items else _("Aucune échéance en retard : pas de pénalités."),
    )  # fmt: skip


def _message(exc: Exception) -> str:
    text = translated(exc)
    if isinstance(exc, RateNotFoundError):
        return _("Calcul impossible : %(reason)s") % {"reason": text}
    return text


def _amount(value: Decimal, currency: str) -> str:
    text = number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{text}\u00a0{'€' if currency == 'EUR' else currency}"


def _rate(value: Decimal) -> str:
    return _("%(rate)s %%") % {"rate": number_format(value, decimal_pos=2, use_l10n=True)}


def staff_lines(result: PenaltyResult) -> list[str]:
    """The calculation line by line in the reader's language: one line per period, then the
    totals and the notes of the computation."""
    currency = result.currency
    lines = [_("Régime : %(regime)s") % {"regime": result.regime}]
    for period in result.periods:
        words = {
            "start": date_format(period.start, "SHORT_DATE_FORMAT"),
            "end": date_format(period.end, "SHORT_DATE_FORMAT"),
            "days": period.days,
            "rate": _rate(period.annual_rate),
            "base": _amount(period.base_amount, currency),
            "interest": _amount(period.interest, currency),
        }
        line = (
            ngettext(
                "Du %(start)s au %(end)s : %(days)d jour à %(rate)s sur %(base)s = %(interest)s",
                "Du %(start)s au %(end)s : %(days)d jours à %(rate)s sur %(base)s = %(interest)s",
                period.days,
            )
            % words
        )
        if period.year_days != 365:
            line += " " + _("(base %(days)d jours)") % {"days": period.year_days}
        lines.append(line)
    lines.append(
        _("Intérêts de retard : %(amount)s") % {"amount": _amount(result.interest, currency)}
    )
    lines.append(
        _("Indemnité forfaitaire : %(amount)s") % {"amount": _amount(result.indemnity, currency)}
    )
    lines.append(_("Total : %(amount)s") % {"amount": _amount(result.total, currency)})
    lines.extend(_("Note : %(note)s") % {"note": translated(note)} for note in result.notes)
    return lines
