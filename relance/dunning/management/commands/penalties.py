"""``relance penalties``: statutory late-payment penalties of one invoice, explained.

A thin interface over ``relance.core.penalties.compute_penalties``. The only thing it reads
from the database is the rates added to this installation (``relance rates add``); on a
database not migrated yet it uses the shipped tables and says so.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import holidays
from django.core.management.base import CommandError
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from relance.core.penalties import REGIMES, PenaltyError, compute_penalties
from relance.core.penalties.text import explanation
from relance.core.rates import RateNotFoundError, RateTables, load_rate_tables
from relance.lib.cli import TranslatedCommand
from relance.lib.text import active_language, translated

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def parse_day(value: str, what: str) -> date:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise CommandError(
        _("%(what)s : date invalide « %(value)s » (format AAAA-MM-JJ ou JJ/MM/AAAA).")
        % {"what": what, "value": value}
    )


def parse_decimal(value: str, what: str) -> Decimal:
    """``1000``, ``1000.50``, ``1000,50`` or ``1 000,50``."""
    cleaned = value.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or not cleaned:
        raise CommandError(
            _("%(what)s : nombre invalide « %(value)s ».") % {"what": what, "value": value}
        )
    return number


def parse_payment(value: str) -> tuple[date, Decimal]:
    when, sep, amount = value.partition(":")
    if not sep:
        raise CommandError(
            _("--payment : « %(value)s » attendu sous la forme DATE:MONTANT.") % {"value": value}
        )
    part = parse_decimal(amount, "--payment")
    if part < 0:
        raise CommandError(
            _("--payment : un paiement ne peut pas être négatif (« %(value)s »).")
            % {"value": value}
        )
    return parse_day(when, "--payment"), part


def belgian_working_day() -> Any:
    calendar = holidays.country_holidays("BE")

    def is_working_day(day: date) -> bool:
        return day.weekday() < 5 and day not in calendar

    return is_working_day


def installation_tables() -> tuple[RateTables, str]:
    """The tables with this installation's added rates, or the shipped ones and why."""
    from relance.cli import database_problem

    problem = database_problem()
    if problem:
        return load_rate_tables(), _("Taux livrés seulement (%(problem)s)") % {"problem": problem}
    from relance.rates.tables import rate_tables

    return rate_tables(), ""


class Command(TranslatedCommand):
    help = gettext_noop(
        "Calculer les pénalités de retard légales d'une facture (intérêts et indemnité "
        "forfaitaire), période par période, avec leurs sources."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--amount", help=_("montant TTC de la facture, ex. 1000.00"))
        parser.add_argument("--due", help=_("date d'échéance (AAAA-MM-JJ ou JJ/MM/AAAA)"))
        parser.add_argument("--until", help=_("calculer jusqu'à cette date incluse"))
        parser.add_argument(
            "--regime",
            default="FR-B2B",
            # The regimes' words are in the catalogue: the invoice page shows them too.
            help=_("régime : %(regimes)s")
            % {"regimes": "; ".join(f"{key} = {gettext(text)}" for key, text in REGIMES.items())},
        )
        parser.add_argument("--contract-rate", help=_("taux contractuel annuel en %%, ex. 12.5"))
        parser.add_argument("--formal-notice", help=_("date de la mise en demeure (FR-B2C, DE)"))
        parser.add_argument(
            "--payment",
            action="append",
            default=[],
            metavar=_("DATE:MONTANT"),
            help=_("paiement partiel, répétable : 2026-03-01:250.00"),
        )
        parser.add_argument(
            "--contract-allows",
            action="store_true",
            help=_("BE-B2C : le contrat prévoit expressément intérêts et indemnité"),
        )
        parser.add_argument("--first-reminder", help=_("BE-B2C : date d'envoi du premier rappel"))
        parser.add_argument(
            "--first-reminder-kind",
            default="email",
            help=_("BE-B2C : email (délai dès le lendemain) ou paper (dès le 3e jour ouvrable)"),
        )
        parser.add_argument("--currency", default="EUR", help=_("devise de la facture"))
        parser.add_argument(
            "--day-count", default="actual/365", help=_("actual/365 ou actual/actual")
        )
        parser.add_argument(
            "--half-years",
            default="split",
            help=_("split (taux de chaque semestre, par défaut) ou frozen (taux du 1er jour)"),
        )
        parser.add_argument("--json", action="store_true", help=_("sortie JSON"))

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("amount", "due", "until"):
            if not options[name]:
                raise CommandError(_("--%(name)s est obligatoire.") % {"name": name})
        amount = parse_decimal(options["amount"], "--amount")
        if amount < 0:
            raise CommandError(
                _("--amount : le montant ne peut pas être négatif (%(amount)s).")
                % {"amount": amount}
            )
        due = parse_day(options["due"], "--due")
        until = parse_day(options["until"], "--until")
        if until < due:
            raise CommandError(
                _("--until (%(until)s) est antérieure à l'échéance (%(due)s).")
                % {"until": f"{until:%d/%m/%Y}", "due": f"{due:%d/%m/%Y}"}
            )
        contract_rate = (
            parse_decimal(options["contract_rate"], "--contract-rate")
            if options["contract_rate"]
            else None
        )
        formal_notice = (
            parse_day(options["formal_notice"], "--formal-notice")
            if options["formal_notice"]
            else None
        )
        first_reminder = (
            parse_day(options["first_reminder"], "--first-reminder")
            if options["first_reminder"]
            else None
        )
        payments = [parse_payment(value) for value in options["payment"]]
        regime = options["regime"].strip().upper()
        tables, warning = installation_tables()
        if warning:
            self.stderr.write(warning)
        try:
            result = compute_penalties(
                regime=regime,
                amount=amount,
                due_date=due,
                until=until,
                payments=payments,
                contract_rate=contract_rate,
                formal_notice=formal_notice,
                contract_allows=options["contract_allows"],
                first_reminder=first_reminder,
                first_reminder_kind=options["first_reminder_kind"],
                is_working_day=belgian_working_day() if regime == "BE-B2C" else None,
                day_count=options["day_count"],
                half_years=options["half_years"],
                currency=options["currency"].strip().upper(),
                tables=tables,
            )
        except (PenaltyError, RateNotFoundError) as exc:
            raise CommandError(translated(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
            return
        for line in explanation(result, active_language()):
            self.stdout.write(translated(line))
