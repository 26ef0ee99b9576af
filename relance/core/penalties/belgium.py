"""Belgian consumer debts (Code de droit économique, Book XIX, in force 1 Sept 2023).

Nothing is owed unless the contract expressly provides for it and a free first reminder was
sent and its 14-day period has run (docs/legal-rules.md §5.3). Then interest at most at the law-2002
rate, on the remaining principal, and capped flat damages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from relance.core.penalties.accrual import RateChoice
from relance.core.penalties.model import ZERO, round_cents
from relance.core.penalties.plan import Case, Plan, table_rate
from relance.core.penalties.text import rate_param
from relance.core.rates import DamagesBand
from relance.core.text import gettext_noop, sentence

BOOK_XIX_ALL_CONTRACTS = date(2023, 12, 1)  # earlier contracts: late payments after this day


def be_consumer_damages(balance: Decimal, bands: Sequence[DamagesBand]) -> Decimal:
    """The maximum flat damages on an outstanding ``balance`` (art. XIX.4 bands)."""
    if balance <= ZERO:
        return ZERO
    for band in bands:
        if band.up_to is None or balance <= band.up_to:
            value = band.fixed + band.percent * (balance - band.above) / Decimal(100)
            if band.cap is not None:
                value = min(value, band.cap)
            return round_cents(value)
    raise AssertionError("the last band has no upper bound")  # checked when loading


def weekday_only(day: date) -> bool:
    return day.weekday() < 5


def waiting_period(
    *,
    sent: date,
    kind: str,
    days: int,
    paper_working_day: int,
    email_day: int,
    is_working_day: Callable[[date], bool],
) -> tuple[date, date]:
    """First and last day of the 14-day period that follows a free first reminder.

    Paper: it starts on the 3rd working day after sending; e-mail: the day after sending.
    """
    if kind == "paper":
        start, counted = sent, 0
        while counted < paper_working_day:
            start += timedelta(days=1)
            counted += is_working_day(start)
    else:
        start = sent + timedelta(days=email_day)
    return start, start + timedelta(days=days - 1)


def _nothing(day: date) -> RateChoice:
    return RateChoice(ZERO, "")


def _no_change(_first: date, _last: date) -> Iterable[date]:
    return ()


def be_consumer_plan(case: Case) -> Plan:
    tables = case.tables
    notes = [
        sentence(
            gettext_noop(
                "Les rappels suivants peuvent coûter au plus 7,50 € plus l'affranchissement : "
                "non calculé ici."
            )
        )
    ]
    if not case.contract_allows:
        notes.insert(
            0,
            sentence(
                gettext_noop(
                    "Livre XIX CDE : intérêts et indemnité ne sont dus que si le contrat les "
                    "prévoit expressément. Rien n'est calculé."
                )
            ),
        )
        return Plan(None, _nothing, _no_change, notes=notes)
    if case.first_reminder is None or case.first_reminder <= case.due_date:
        why = (
            sentence(gettext_noop("Aucun premier rappel gratuit"))
            if case.first_reminder is None
            else sentence(
                gettext_noop(
                    "Le premier rappel du %(day)s précède ou égale l'échéance : ce n'est pas un "
                    "rappel de retard"
                ),
                day=case.first_reminder,
            )
        )
        notes.insert(
            0,
            sentence(
                gettext_noop(
                    "%(why)s. Livre XIX CDE : rien ne peut être réclamé avant un premier rappel "
                    "gratuit et l'écoulement d'un délai de 14 jours. Rien n'est calculé."
                ),
                why=why,
            ),
        )
        return Plan(None, _nothing, _no_change, notes=notes)
    days = tables.parameter("BE-B2C", "waiting_days")
    working_day = case.is_working_day or weekday_only
    start, end = waiting_period(
        sent=case.first_reminder,
        kind=case.first_reminder_kind,
        days=int(days.value),
        paper_working_day=int(tables.parameter("BE-B2C", "paper_start_working_day").value),
        email_day=int(tables.parameter("BE-B2C", "email_start_day").value),
        is_working_day=working_day,
    )
    paper = case.first_reminder_kind == "paper"
    channel = sentence(gettext_noop("papier") if paper else gettext_noop("courriel"))
    notes.insert(
        0,
        sentence(
            gettext_noop(
                "Premier rappel gratuit (%(channel)s) du %(sent)s : délai de %(days)s jours du "
                "%(start)s au %(end)s ; intérêts et indemnité à partir du %(after)s (CDE livre "
                "XIX)."
            ),
            channel=channel,
            sent=case.first_reminder,
            days=days.value,
            start=start,
            end=end,
            after=end + timedelta(days=1),
        ),
    )
    if case.first_reminder_kind == "paper" and case.is_working_day is None:
        notes.append(
            sentence(
                gettext_noop(
                    "Jours ouvrables comptés du lundi au vendredi sans jours fériés (aucun "
                    "calendrier fourni) : vérifiez s'il y avait un jour férié."
                )
            )
        )
    cap_for, change_days = table_rate(
        tables.be_late_payment, ZERO, "plafond : taux de la loi du 2 août 2002"
    )
    contract = case.contract_rate

    def rate_for(day: date) -> RateChoice:
        cap = cap_for(day)
        if contract is None or contract >= cap.rate:
            return cap
        return RateChoice(contract, "taux contractuel")

    if contract is None:
        notes.append(
            sentence(
                gettext_noop(
                    "Aucun taux contractuel donné : le taux maximal (loi du 2 août 2002) est "
                    "appliqué ; si le contrat prévoit moins, c'est le taux du contrat qui "
                    "s'applique."
                )
            )
        )
    else:
        notes.append(
            sentence(
                gettext_noop(
                    "Taux contractuel de %(rate)s, plafonné au taux de la loi du 2 août 2002 "
                    "(art. XIX.4 CDE)."
                ),
                rate=rate_param(contract),
            )
        )
    notes.append(
        sentence(
            gettext_noop(
                "Indemnité : montant maximal du barème (20 € ; 30 € + 10 %% ; 65 € + 5 %%, au "
                "plus 2 000 €) sur le solde restant à l'issue du délai. Le cumul intérêts et "
                "indemnité (« et/ou ») reste à vérifier au texte officiel."
            )
        )
    )
    if end + timedelta(days=1) < BOOK_XIX_ALL_CONTRACTS:
        notes.append(
            sentence(
                gettext_noop(
                    "Avant le 01/12/2023, le livre XIX ne vise que les contrats conclus depuis "
                    "le 01/09/2023 : vérifiez la date du contrat."
                )
            )
        )

    def damages(balance: Decimal) -> Decimal:
        return be_consumer_damages(balance, tables.be_consumer_damages)

    return Plan(
        end,
        rate_for,
        change_days,
        damages,
        tables.be_consumer_damages[0].source,
        all(band.verified for band in tables.be_consumer_damages),
        notes,
    )
