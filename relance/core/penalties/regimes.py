"""Statutory late-payment penalties per legal regime (facts and sources: docs/legal-rules.md).

Each regime is a small function that says from when interest runs, at which rate on which
day, and which fixed indemnity applies; ``compute_penalties`` does the rest the same way for
all of them. Rates and amounts come from ``RateTables`` (CSV data with sources), never from
constants here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from relance.core.penalties.accrual import (
    DAY_COUNTS,
    ONE_DAY,
    RateChoice,
    accrue,
    balance_on,
    exact_total,
)
from relance.core.penalties.belgium import be_consumer_plan
from relance.core.penalties.model import ZERO, PenaltyError, PenaltyResult, Period, round_cents
from relance.core.penalties.plan import Case, Plan, constant, fixed, table_changes, table_rate
from relance.core.penalties.text import rate_param, rate_text
from relance.core.rates import RateTables
from relance.core.text import Text, gettext_noop, joined, sentence

REGIMES: dict[str, str] = {
    "FR-B2B": "France, entre professionnels (C. com. L441-10) : taux BCE + 10 points, "
    "semestre par semestre ; 40 € par facture",
    "FR-B2C": "France, professionnel envers un consommateur : taux de l'intérêt légal "
    "« autres cas » à partir de la mise en demeure ; ni indemnité ni frais",
    "FR-PUBLIC": "France, acheteur public (CCP R2192-31) : taux BCE du semestre où le retard "
    "commence + 8 points, figé ; 40 €",
    "BE-B2B": "Belgique, entre entreprises (loi du 2 août 2002) : taux semestriel publié ; 40 €",
    "BE-B2C": "Belgique, consommateur (CDE livre XIX) : seulement si le contrat le prévoit, "
    "après un premier rappel gratuit et 14 jours",
    "EU": "Directive 2011/7/UE : taux de référence BCE + 8 points, semestre par semestre ; 40 €",
    "DE-B2B": "Allemagne (§ 288 (2) BGB) : taux de base + 9 points ; 40 €",
    "DE-B2C": "Allemagne, consommateur (§ 288 (1) BGB) : taux de base + 5 points ; sans indemnité",
}
HALF_YEAR_RULES = ("split", "frozen")
REMINDER_KINDS = ("email", "paper")
CONTRACT_RATE_REGIMES = ("FR-B2B", "FR-B2C", "BE-B2C")


def _fr_b2b(case: Case) -> Plan:
    tables = case.tables
    indemnity = tables.parameter("FR-B2B", "indemnity")
    if case.contract_rate is None:
        margin = tables.parameter("FR-B2B", "margin_points")
        rate_for, change_days = table_rate(tables.ecb_reference, margin.value, "taux BCE")
        note = sentence(
            gettext_noop(
                "Taux légal par défaut : taux BCE en vigueur le 1er janvier ou le 1er juillet "
                "+ %(margin)s points, semestre par semestre (C. com. L441-10 II)."
            ),
            margin=margin.value,
        )
        return Plan(
            case.due_date,
            rate_for,
            change_days,
            fixed(indemnity.value),
            indemnity.source,
            indemnity.verified,
            [note],
        )
    contract = case.contract_rate
    multiplier = tables.parameter("FR-B2B", "contract_floor_multiplier")
    legal = tables.fr_legal_autres_cas

    def rate_for_contract(day: date) -> RateChoice:
        row = legal.row_on(day)
        floor = row.rate * multiplier.value
        if contract >= floor:
            return RateChoice(contract, "taux contractuel")
        return RateChoice(
            floor,
            f"plancher {multiplier.value:f} × taux de l'intérêt légal « autres cas » "
            f"{rate_text(row.rate)} ({legal.name}.csv, {row.start.isoformat()}) : {row.source}",
            row.verified,
        )

    def explain(periods: list[Period]) -> list[Text]:
        spans: list[list[Period]] = []
        for period in periods:
            if period.annual_rate == contract:
                continue
            if (
                spans
                and spans[-1][-1].annual_rate == period.annual_rate
                and (spans[-1][-1].end + ONE_DAY == period.start)
            ):
                spans[-1].append(period)
            else:
                spans.append([period])
        if not spans:
            return []
        listed = [
            sentence(gettext_noop("du %(start)s au %(end)s : %(rate)s"), start=span[0].start,
                 end=span[-1].end, rate=rate_param(span[0].annual_rate))
            for span in spans
        ]  # fmt: skip
        return [
            sentence(
                gettext_noop(
                    "Le taux contractuel de %(rate)s est inférieur au plancher légal "
                    "(%(multiplier)s × le taux de l'intérêt légal « autres cas », C. com. "
                    "L441-10 II) ; le plancher est appliqué %(spans)s. Ce qu'un juge "
                    "appliquerait à la place (clause nulle, taux BCE + 10 points) n'est pas "
                    "vérifié."
                ),
                rate=rate_param(contract),
                multiplier=multiplier.value,
                spans=joined(listed),
            )
        ]

    return Plan(
        case.due_date,
        rate_for_contract,
        lambda first, last: table_changes(legal, first, last),
        fixed(indemnity.value),
        indemnity.source,
        indemnity.verified,
        [
            sentence(
                gettext_noop("Taux contractuel de %(rate)s, contrôlé contre le plancher légal."),
                rate=rate_param(contract),
            )
        ],
        explain,
    )


def _fr_b2c(case: Case) -> Plan:
    legal = case.tables.fr_legal_autres_cas
    notes = [
        sentence(
            gettext_noop(
                "Pas d'indemnité forfaitaire de 40 € ni de frais de relance envers un "
                "consommateur : les frais de recouvrement sans titre exécutoire restent à la "
                "charge du créancier (CPCE L111-8)."
            )
        )
    ]
    rate_for, change_days = table_rate(legal, ZERO, "taux de l'intérêt légal")
    if case.contract_rate is not None:
        rate_for, change_days = constant(case.contract_rate, "taux contractuel")
        notes.append(
            sentence(
                gettext_noop(
                    "Taux contractuel de %(rate)s : à faire vérifier (clauses abusives, C. conso "
                    "R212-2 ; une clause pénale peut être réduite par le juge, C. civ. 1231-5)."
                ),
                rate=rate_param(case.contract_rate),
            )
        )
    if case.formal_notice is None:
        notes.insert(
            0,
            sentence(
                gettext_noop(
                    "Aucune mise en demeure : envers un consommateur, les intérêts au taux légal "
                    "ne courent qu'à partir de la mise en demeure (C. civ. 1231-6, 1344-1). "
                    "Aucun intérêt n'est calculé."
                )
            ),
        )
        return Plan(None, rate_for, change_days, notes=notes)
    start = max(case.due_date, case.formal_notice)
    notes.insert(
        0,
        sentence(
            gettext_noop(
                "Intérêts au taux de l'intérêt légal, colonne « autres cas » (le créancier est "
                "un professionnel), à partir du lendemain de la mise en demeure du %(day)s "
                "(C. civ. 1231-6, 1344-1 ; C. mon. fin. L313-2)."
            ),
            day=start,
        ),
    )
    return Plan(start, rate_for, change_days, notes=notes)


def _fr_public(case: Case) -> Plan:
    tables = case.tables
    margin = tables.parameter("FR-PUBLIC", "margin_points")
    indemnity = tables.parameter("FR-PUBLIC", "indemnity")
    by_half_year, _ = table_rate(tables.ecb_reference, margin.value, "taux BCE")
    first_day = case.due_date + ONE_DAY

    def rate_for(_day: date) -> RateChoice:
        return by_half_year(first_day)  # read lazily: no table lookup when nothing is late

    return Plan(
        case.due_date,
        rate_for,
        lambda _a, _b: (),
        fixed(indemnity.value),
        indemnity.source,
        indemnity.verified,
        [
            sentence(
                gettext_noop(
                    "Taux figé pour tout le retard : taux BCE du semestre où le retard commence "
                    "+ %(margin)s points (CCP R2192-31)."
                ),
                margin=margin.value,
            ),
            sentence(
                gettext_noop(
                    "Intérêts et indemnité sont à payer dans les 45 jours suivant le paiement "
                    "du principal ; au-delà ils portent intérêt au taux légal (CCP R2192-36) : "
                    "non calculé."
                )
            ),
        ],
        frozen_allowed=False,
    )


def _be_b2b(case: Case) -> Plan:
    indemnity = case.tables.parameter("BE-B2B", "indemnity")
    rate_for, change_days = table_rate(
        case.tables.be_late_payment, ZERO, "taux belge de la loi du 2 août 2002"
    )
    return Plan(
        case.due_date,
        rate_for,
        change_days,
        fixed(indemnity.value),
        indemnity.source,
        indemnity.verified,
        [
            sentence(
                gettext_noop(
                    "Intérêts dus de plein droit, sans mise en demeure, au taux semestriel "
                    "publié (taux BCE + 8 points arrondi au demi-point supérieur)."
                )
            ),
            sentence(
                gettext_noop(
                    "Une indemnisation raisonnable des frais de recouvrement au-delà de 40 € "
                    "peut être réclamée sur justificatifs : non calculée."
                )
            ),
            sentence(
                gettext_noop(
                    "Contrats conclus avant le 16/03/2013 : marge de 7 points, non prise en charge."
                )
            ),
        ],
    )


def _eu(case: Case) -> Plan:
    margin = case.tables.parameter("EU", "margin_points")
    indemnity = case.tables.parameter("EU", "indemnity")
    rate_for, change_days = table_rate(case.tables.ecb_reference, margin.value, "taux BCE")
    return Plan(
        case.due_date,
        rate_for,
        change_days,
        fixed(indemnity.value),
        indemnity.source,
        indemnity.verified,
        [
            sentence(
                gettext_noop(
                    "Socle européen : taux de référence BCE (1er janvier / 1er juillet) "
                    "+ %(margin)s points (directive 2011/7/UE). Le droit national peut être "
                    "plus strict."
                ),
                margin=margin.value,
            )
        ],
    )


def _de(case: Case, regime: str) -> Plan:
    tables = case.tables
    margin = tables.parameter(regime, "margin_points")
    rate_for, change_days = table_rate(tables.de_base, margin.value, "Basiszinssatz")
    notes: list[Text] = []
    starts: list[tuple[date, Text]] = []
    if case.formal_notice is not None:
        notice = max(case.due_date, case.formal_notice)
        starts.append((notice, sentence(gettext_noop("relance (Mahnung) du %(day)s"), day=notice)))
    if regime == "DE-B2B":
        after = tables.parameter(regime, "default_after_days")
        automatic = case.due_date + timedelta(days=int(after.value))
        late = sentence(
            gettext_noop("%(days)s jours après l'échéance (§ 286 (3) BGB)"), days=after.value
        )
        starts.append((automatic, late))
    if not starts:
        notes.append(
            sentence(
                gettext_noop(
                    "Aucune relance (Mahnung) : envers un consommateur, le retard (Verzug) "
                    "automatique après 30 jours suppose que la facture l'ait mentionné (non "
                    "vérifié). Aucun intérêt n'est calculé ; donnez la date de relance, ou "
                    "l'échéance + 30 jours si la facture le mentionnait."
                )
            )
        )
        return Plan(None, rate_for, change_days, notes=notes)
    start, why = min(starts, key=lambda found: (found[0], str(found[1])))
    notes.append(
        sentence(
            gettext_noop(
                "Retard (Verzug) à compter du %(start)s : %(why)s ; intérêts à partir du "
                "lendemain, %(next)s."
            ),
            start=start,
            why=why,
            next=start + ONE_DAY,
        )
    )
    if regime == "DE-B2C":
        return Plan(start, rate_for, change_days, notes=notes)
    indemnity = tables.parameter(regime, "indemnity")
    notes.append(
        sentence(
            gettext_noop("L'indemnité de 40 € s'impute sur les frais de justice (§ 288 (5) BGB).")
        )
    )
    return Plan(
        start,
        rate_for,
        change_days,
        fixed(indemnity.value),
        indemnity.source,
        indemnity.verified,
        notes,
    )


PLANS: dict[str, Callable[[Case], Plan]] = {
    "FR-B2B": _fr_b2b,
    "FR-B2C": _fr_b2c,
    "FR-PUBLIC": _fr_public,
    "BE-B2B": _be_b2b,
    "BE-B2C": be_consumer_plan,
    "EU": _eu,
    "DE-B2B": lambda case: _de(case, "DE-B2B"),
    "DE-B2C": lambda case: _de(case, "DE-B2C"),
}


def _check(
    regime: str,
    amount: Decimal,
    payments: Sequence[tuple[date, Decimal]],
    contract_rate: Decimal | None,
    first_reminder_kind: str,
    day_count: str,
    half_years: str,
) -> None:
    if regime not in REGIMES:
        raise PenaltyError(
            gettext_noop("régime inconnu « %(regime)s » : choisissez parmi %(known)s."),
            regime=regime, known=", ".join(REGIMES),
        )  # fmt: skip
    # Programming errors (a float, a string): never typed by a person, left in French.
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise PenaltyError(f"montant invalide : {amount!r} (un Decimal est attendu).")
    if amount < 0:
        raise PenaltyError(
            gettext_noop("le montant ne peut pas être négatif (%(amount)s)."), amount=amount
        )
    for when, part in payments:
        if not isinstance(when, date) or not isinstance(part, Decimal) or not part.is_finite():
            raise PenaltyError(f"paiement invalide : {when!r} {part!r}.")
        if part < 0:
            raise PenaltyError(
                gettext_noop("un paiement ne peut pas être négatif (%(amount)s le %(day)s)."),
                amount=part, day=when,
            )  # fmt: skip
    if contract_rate is not None:
        if not isinstance(contract_rate, Decimal) or not contract_rate.is_finite():
            raise PenaltyError(f"taux contractuel invalide : {contract_rate!r}.")
        if contract_rate < 0:
            raise PenaltyError(
                gettext_noop("le taux contractuel ne peut pas être négatif (%(rate)s)."),
                rate=contract_rate,
            )
        if regime not in CONTRACT_RATE_REGIMES:
            raise PenaltyError(
                gettext_noop(
                    "un taux contractuel n'est pas pris en charge pour le régime %(regime)s "
                    "(seulement %(known)s)."
                ),
                regime=regime, known=", ".join(CONTRACT_RATE_REGIMES),
            )  # fmt: skip
    if first_reminder_kind not in REMINDER_KINDS:
        raise PenaltyError(
            gettext_noop("type de premier rappel inconnu « %(kind)s » : email ou paper."),
            kind=first_reminder_kind,
        )
    if day_count not in DAY_COUNTS:
        raise PenaltyError(
            gettext_noop("base de calcul inconnue « %(basis)s » : %(known)s."),
            basis=day_count, known=", ".join(DAY_COUNTS),
        )  # fmt: skip
    if half_years not in HALF_YEAR_RULES:
        raise PenaltyError(
            gettext_noop("règle semestrielle inconnue « %(rule)s » : split ou frozen."),
            rule=half_years,
        )


def compute_penalties(
    *,
    regime: str,
    amount: Decimal,
    due_date: date,
    until: date,
    tables: RateTables,
    payments: Sequence[tuple[date, Decimal]] = (),
    contract_rate: Decimal | None = None,
    formal_notice: date | None = None,
    contract_allows: bool = False,
    first_reminder: date | None = None,
    first_reminder_kind: str = "email",
    is_working_day: Callable[[date], bool] | None = None,
    day_count: str = "actual/365",
    half_years: str = "split",
    currency: str = "EUR",
) -> PenaltyResult:
    """Late interest and fixed indemnity owed on one invoice of ``amount`` (tax included).

    Interest is simple, day by day from the day after the regime's start (the due date for
    the B2B regimes) to ``until`` included, on the balance left after each payment (a payment
    counts from the day after it). Payments after ``until`` are ignored. Rates are percent a
    year. ``half_years="frozen"`` keeps the rate of the first day of delay for the whole delay
    (an alternative reading; French public buyers are always frozen). Raises ``PenaltyError``
    on bad input and ``RateNotFoundError`` when a needed day is not in a rate table.
    """
    _check(regime, amount, payments, contract_rate, first_reminder_kind, day_count, half_years)
    kept = tuple(sorted((when, part) for when, part in payments if when <= until and part > 0))
    case = Case(
        regime=regime,
        amount=amount,
        due_date=due_date,
        until=until,
        payments=kept,
        tables=tables,
        contract_rate=contract_rate,
        formal_notice=formal_notice,
        contract_allows=contract_allows,
        first_reminder=first_reminder,
        first_reminder_kind=first_reminder_kind,
        is_working_day=is_working_day,
    )
    plan = PLANS[regime](case)
    notes = list(plan.notes)
    periods: list[Period] = []
    indemnity = ZERO
    start = plan.start_after
    if start is not None and until > start:
        rate_for, change_days = plan.rate_for, plan.change_days
        if half_years == "frozen" and plan.frozen_allowed:
            frozen = plan.rate_for(start + ONE_DAY)
            rate_for, change_days = constant(frozen.rate, frozen.source, frozen.verified)
            notes.append(
                sentence(
                    gettext_noop(
                        "Taux figé au premier jour de retard pour toute la durée (option)."
                    )
                )
            )
        periods = accrue(
            amount=amount,
            payments=kept,
            start_after=start,
            until=until,
            rate_for=rate_for,
            change_days=change_days,
            day_count=day_count,
        )
        if plan.explain is not None:
            notes.extend(plan.explain(periods))
        late_balance = balance_on(amount, kept, start + ONE_DAY)
        if plan.indemnity is not None and late_balance > ZERO:
            indemnity = round_cents(plan.indemnity(late_balance))
    elif start is not None:
        notes.append(
            sentence(
                gettext_noop(
                    "Rien n'est dû au %(until)s : les pénalités ne courent qu'à partir du "
                    "%(start)s."
                ),
                until=until,
                start=start + ONE_DAY,
            )
        )
    if periods and periods[-1].end != until:
        notes.append(
            sentence(
                gettext_noop("Solde réglé le %(day)s : les intérêts s'arrêtent là."),
                day=periods[-1].end,
            )
        )
    if indemnity > ZERO and currency != "EUR":
        notes.append(
            sentence(
                gettext_noop(
                    "L'indemnité forfaitaire de %(amount)s EUR est fixée en euros : elle n'est "
                    "pas ajoutée à ce calcul en %(currency)s (aucune conversion)."
                ),
                amount=indemnity,
                currency=currency,
            )
        )
        indemnity = ZERO
    if indemnity > ZERO and not plan.indemnity_verified:
        notes.append(
            sentence(
                gettext_noop("Indemnité : source non vérifiée au texte officiel (%(source)s)."),
                source=plan.indemnity_source,
            )
        )
    notes.extend(_unverified_notes(periods))
    # Each period is a line of the explanation, rounded half-up to the cent; the interest is
    # the sum of those lines, so what a debtor reads always adds up. A payment that splits a
    # period can move the total by a cent either way (``exact_interest`` is the unrounded one).
    exact = exact_total(periods)
    interest = sum((period.interest for period in periods), ZERO)
    sources = list(dict.fromkeys(p.source for p in periods))
    if indemnity > ZERO:
        sources.append(plan.indemnity_source)
    return PenaltyResult(
        regime=regime,
        interest=interest,
        indemnity=indemnity,
        total=interest + indemnity,
        periods=periods,
        notes=notes,
        currency=currency,
        exact_interest=exact,
        indemnity_source=plan.indemnity_source if indemnity > ZERO else "",
        sources=sources,
    )


def _unverified_notes(periods: list[Period]) -> list[Text]:
    notes: list[Text] = []
    for source in dict.fromkeys(p.source for p in periods if not p.verified):
        spans = [p for p in periods if p.source == source]
        notes.append(
            sentence(
                gettext_noop(
                    "Taux non vérifié du %(start)s au %(end)s : %(source)s. Vérifiez-le avant "
                    "de le réclamer."
                ),
                start=spans[0].start,
                end=spans[-1].end,
                source=source,
            )
        )
    return notes


# The German lump sum is owed for each claim, instalments (Abschlagszahlungen) included
# (§ 288 (5) BGB); elsewhere the 40 EUR are owed once per invoice paid late, however many
# instalments it has (C. com. D441-5; loi du 2 août 2002, art. 6).
INDEMNITY_PER_INSTALMENT = frozenset({"DE-B2B"})


def invoice_indemnity(regime: str, instalment_indemnities: Sequence[Decimal]) -> Decimal:
    """The fixed indemnity of one invoice, from what each of its late instalments would owe."""
    if not instalment_indemnities:
        return ZERO
    if regime in INDEMNITY_PER_INSTALMENT:
        return sum(instalment_indemnities, ZERO)
    return max(instalment_indemnities)
