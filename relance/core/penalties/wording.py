"""What a debtor reads about penalties: short lines in the debtor's language, with no sources.

The staff explanation (``text.explain``) keeps the full calculation with its sources and
notes, in French, for the staff pages and ``relance penalties``. The debtor explanation here
shows, for each period of delay, ``base × rate × days/365 = interest`` and the fixed
indemnity of each invoice; each line is the rounded amount the total adds up, so the lines
always sum to ``InvoicePenalties.interest`` and ``indemnity``. A legal article may be cited
(a debtor can look it up); research notes, file names and "unverified" flags never are.
"""

from __future__ import annotations

from decimal import Decimal

from relance.core.formatting import format_date, format_money, format_number
from relance.core.penalties.account import InvoicePenalties
from relance.core.penalties.model import Period

CONSUMER_REGIMES = frozenset({"FR-B2C", "BE-B2C", "DE-B2C"})

PHRASES: dict[str, dict[str, str]] = {
    "fr": {
        "invoice": "Facture {number}",
        "instalment": "Facture {number}, échéance {sequence}",
        "interest": "Intérêts de retard du {start} au {end} : "
        "{base} × {rate} × {days}/{year} = {amount}",
        "indemnity": "Indemnité forfaitaire pour frais de recouvrement : {amount}",
        "indemnity_consumer": "Indemnité prévue au contrat : {amount}",
        "FR-B2C": "Aucun intérêt de retard n'est réclamé à ce jour : les intérêts au taux légal "
        "ne courent qu'à compter d'une mise en demeure (article 1231-6 du Code civil).",
        "BE-B2C": "Aucun intérêt ni indemnité n'est réclamé à ce jour (livre XIX du Code de "
        "droit économique).",
        "DE-B2C": "Aucun intérêt de retard n'est réclamé à ce jour : les intérêts ne courent "
        "qu'à compter d'une relance valant mise en demeure (§§ 286 et 288 du Code civil "
        "allemand).",
    },
    "nl": {
        "invoice": "Factuur {number}",
        "instalment": "Factuur {number}, termijn {sequence}",
        "interest": "Verwijlinteresten van {start} tot en met {end}: "
        "{base} × {rate} × {days}/{year} = {amount}",
        "indemnity": "Forfaitaire schadevergoeding voor invorderingskosten: {amount}",
        "indemnity_consumer": "Contractuele schadevergoeding: {amount}",
        "FR-B2C": "Op heden worden geen verwijlinteresten gevorderd: de wettelijke interest "
        "loopt pas vanaf een ingebrekestelling (artikel 1231-6 van het Franse Burgerlijk "
        "Wetboek).",
        "BE-B2C": "Op heden worden geen interesten of schadevergoeding gevorderd (boek XIX van "
        "het Wetboek van economisch recht).",
        "DE-B2C": "Op heden worden geen verwijlinteresten gevorderd: de interest loopt pas "
        "vanaf een aanmaning (§§ 286 en 288 van het Duitse Burgerlijk Wetboek).",
    },
    "en": {
        "invoice": "Invoice {number}",
        "instalment": "Invoice {number}, instalment {sequence}",
        "interest": "Late-payment interest from {start} to {end}: "
        "{base} × {rate} × {days}/{year} = {amount}",
        "indemnity": "Fixed compensation for recovery costs: {amount}",
        "indemnity_consumer": "Compensation under the contract: {amount}",
        "FR-B2C": "No late-payment interest is claimed to date: statutory interest only runs "
        "from a formal notice (article 1231-6 of the French Civil Code).",
        "BE-B2C": "No interest or compensation is claimed to date (Book XIX of the Belgian Code "
        "of Economic Law).",
        "DE-B2C": "No late-payment interest is claimed to date: interest only runs from a "
        "payment reminder (sections 286 and 288 of the German Civil Code).",
    },
    "de": {
        "invoice": "Rechnung {number}",
        "instalment": "Rechnung {number}, Rate {sequence}",
        "interest": "Verzugszinsen vom {start} bis {end}: "
        "{base} × {rate} × {days}/{year} = {amount}",
        "indemnity": "Pauschalentschädigung für Beitreibungskosten: {amount}",
        "indemnity_consumer": "Vertragliche Entschädigung: {amount}",
        "FR-B2C": "Derzeit werden keine Verzugszinsen verlangt: Zinsen zum gesetzlichen "
        "Zinssatz laufen erst ab einer Inverzugsetzung (Artikel 1231-6 des französischen "
        "Code civil).",
        "BE-B2C": "Derzeit werden weder Zinsen noch eine Entschädigung verlangt (Buch XIX des "
        "belgischen Wirtschaftsgesetzbuches).",
        "DE-B2C": "Derzeit werden keine Verzugszinsen verlangt: Zinsen laufen erst ab einer "
        "Mahnung (§§ 286, 288 BGB).",
    },
}
LANGUAGES = tuple(PHRASES)


def rate_words(rate: Decimal, language: str) -> str:
    """12.15 -> fr and de "12,15 %", nl "12,15%", en "12.15%" (two places at least, more
    when the rate has them: 7.865 stays 7,865)."""
    exponent = rate.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    number = format_number(rate, language, places)
    return f"{number}\u00a0%" if language in ("fr", "de") else f"{number}%"


def _interest_line(period: Period, language: str, currency: str) -> str:
    return PHRASES[language]["interest"].format(
        start=format_date(period.start, language),
        end=format_date(period.end, language),
        base=format_money(period.base_amount, language, currency),
        rate=rate_words(period.annual_rate, language),
        days=period.days,
        year=period.year_days,
        amount=format_money(period.interest, language, currency),
    )


def debtor_lines(
    penalties: InvoicePenalties, language: str, *, interest: bool = True
) -> tuple[str, ...]:
    """The lines a debtor reads, in ``language`` (fr, nl, en, de); ``interest=False``: the
    fixed indemnities only (the interest could not be computed and is not shown).

    Items whose computation failed are left out: the caller decides whether to claim the
    rest. A consumer regime with nothing computed gets one sentence saying why, once.
    """
    if language not in PHRASES:
        raise ValueError(f"langue « {language} » non prise en charge (fr, nl, en, de)")
    words = PHRASES[language]
    currency = penalties.currency
    lines: list[str] = []
    for item in penalties.items:
        if item.result is None or not interest:
            continue
        due = item.item
        several = penalties.several_instalments(due.invoice)
        where = (words["instalment"] if several else words["invoice"]).format(
            number=due.invoice, sequence=due.sequence
        )
        lines.extend(
            f"{where} — {_interest_line(period, language, currency)}"
            for period in item.result.periods
        )
    consumer = penalties.regime in CONSUMER_REGIMES
    label = words["indemnity_consumer" if consumer else "indemnity"]
    for number, amount in penalties.indemnities:
        if amount:
            shown = format_money(amount, language, currency)
            lines.append(f"{words['invoice'].format(number=number)} — {label.format(amount=shown)}")
    if consumer and not lines and penalties.results:
        lines.append(words[penalties.regime])
    return tuple(lines)
