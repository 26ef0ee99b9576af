"""relance forecast [--org SLUG] [--date D] [--currency C] [--json] [--rows N]
relance forecast backtest [--org SLUG] [--from D] [--to D] [--json]"""

from __future__ import annotations

import json
from argparse import ArgumentParser, RawDescriptionHelpFormatter
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from relance.accounts.access import OrganisationNotFound, organisation_by_slug
from relance.accounts.models import Organisation
from relance.lib.cli import parse_day
from relance.reports.forecast import cash_forecast, customer_names
from relance.reports.forecast_backtest import data_end, default_range, forecast_backtest
from relance.reports.forecast_output import backtest_json, forecast_json

METHOD_LABELS = {
    "model": "prévision",
    "due_date": "échéance",
    "due_date_or_as_of": "échéance ou date de calcul",
    "customer_mean_delay": "échéance + retard moyen du client",
}


class Command(BaseCommand):
    help = (
        "Prévision d'encaissements : date de paiement prévue de chaque facture ouverte et "
        "encaissements attendus par semaine (13 semaines, du lundi). Les montants sont donnés "
        "dans une seule devise : celle de l'organisation par défaut, une autre avec --currency "
        "(les devises ne s'additionnent jamais)."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        kwargs.setdefault("formatter_class", RawDescriptionHelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--org", default=None, help="organisation (slug)")
        parser.add_argument(
            "--date", default=None, help="prévision au (AAAA-MM-JJ), aujourd'hui par défaut"
        )
        parser.add_argument(
            "--currency", default=None,
            help="devise affichée (par défaut celle de l'organisation ; les autres sont listées)",
        )  # fmt: skip
        parser.add_argument("--json", action="store_true", help="sortie JSON")
        parser.add_argument("--rows", type=int, default=20, help="factures affichées (tableau)")
        actions = parser.add_subparsers(dest="action", metavar="ACTION")
        backtest = actions.add_parser(
            "backtest",
            help="rejouer la prévision à chaque fin de mois et mesurer son erreur",
            description="Rejoue la prévision à chaque fin de mois de la période sur l'historique "
            "de l'organisation et donne l'erreur absolue moyenne (jours) sur les factures alors "
            "ouvertes et payées depuis, à côté de trois références calculées sur les mêmes "
            "factures.",
        )
        backtest.add_argument("--org", default=None, help="organisation (slug)")
        backtest.add_argument(
            "--from", dest="first", default=None,
            help="première fin de mois (AAAA-MM-JJ), 12 mois avant --to par défaut",
        )  # fmt: skip
        backtest.add_argument(
            "--to", dest="last", default=None,
            help="dernière fin de mois (AAAA-MM-JJ), celle avant la fin des données par défaut",
        )  # fmt: skip
        backtest.add_argument("--json", action="store_true", help="sortie JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = organisation_by_slug(options["org"])
        except OrganisationNotFound as exc:
            raise CommandError(str(exc)) from exc
        if options.get("action") == "backtest":
            self._backtest(organisation, options)
        else:
            self._forecast(organisation, options)

    def _forecast(self, organisation: Organisation, options: dict[str, Any]) -> None:
        as_of = parse_day(options["date"])
        currency = (options["currency"] or organisation.default_currency).upper()
        forecast = cash_forecast(organisation, as_of)
        names = customer_names(organisation, (line.customer for line in forecast.invoices))  # type: ignore[misc]
        document = forecast_json(forecast, currency=currency, names=names)
        if options["json"]:
            self.stdout.write(json.dumps(document, ensure_ascii=False))
            return
        self._table(document, options["rows"])

    def _table(self, document: dict[str, Any], rows: int) -> None:
        invoices = document["invoices"]
        self.stdout.write(
            f"Prévision au {document['as_of']} en {document['currency']} : "
            f"{len(invoices)} facture(s) ouverte(s)."
        )
        self.stdout.write(f"{'Facture':<18} {'Client':<24} {'Reste dû':>12}  {'Prévue':<10}  "
                          f"{'Fourchette':<23}  Pourquoi")  # fmt: skip
        for line in invoices[:rows]:
            self.stdout.write(
                f"{line['number'][:18]:<18} {line['customer'][:24]:<24} "
                f"{line['open_amount']:>12}  {line['predicted_payment_date']:<10}  "
                f"{line['low']} – {line['high']}  {line['why']}"
            )
        if len(invoices) > rows:
            self.stdout.write(f"… et {len(invoices) - rows} autre(s) (--rows, --json).")
        self.stdout.write("")
        self.stdout.write(f"{'Semaine du':<12} {'Attendu':>14} {'dont promesses':>15} "
                          f"{'dont échéanciers':>17}")  # fmt: skip
        for week in document["weeks"]:
            self.stdout.write(f"{week['week_start']:<12} {week['expected']:>14} "
                              f"{week['promises']:>15} {week['plans']:>17}")  # fmt: skip
        self.stdout.write(f"Au-delà : {document['later']} ; en litige (non compté) : "
                          f"{document['disputed']}.")  # fmt: skip
        if document["other_currencies"]:
            others = ", ".join(document["other_currencies"])
            self.stdout.write(f"Autres devises (--currency) : {others}.")

    def _backtest(self, organisation: Organisation, options: dict[str, Any]) -> None:
        end = data_end(organisation)
        if end is None:
            raise CommandError(_("Aucune donnée : rien à rejouer."))
        first, last = default_range(end)
        last = parse_day(options["last"]) if options["last"] else last
        first = parse_day(options["first"]) if options["first"] else default_range(
            date.fromordinal(last.toordinal() + 1))[0]  # fmt: skip
        if first > last:
            raise CommandError(_("--from doit précéder --to."))
        result = forecast_backtest(organisation, first, last)
        document = backtest_json(result)
        if options["json"]:
            self.stdout.write(json.dumps(document, ensure_ascii=False))
            return
        self.stdout.write(
            f"Données jusqu'au {document['data_end']} ; {len(result.months)} fin(s) de mois, "
            f"{result.total.cases} facture(s) ouvertes puis payées."
        )
        self.stdout.write("Erreur absolue moyenne (jours) :")
        for method, label in METHOD_LABELS.items():
            self.stdout.write(f"  {label:<36} {result.total.mae_days[method]:>8.2f}")
