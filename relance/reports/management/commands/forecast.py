"""relance forecast [--org SLUG] [--date D] [--currency C] [--json] [--rows N]
relance forecast backtest [--org SLUG] [--from D] [--to D] [--json]"""

from __future__ import annotations

import json
from argparse import ArgumentParser, RawDescriptionHelpFormatter
from datetime import date
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from relance.accounts.access import OrganisationNotFound, organisation_by_slug
from relance.accounts.models import Organisation
from relance.lib.cli import TranslatedCommand, parse_day
from relance.reports.forecast import cash_forecast, customer_names
from relance.reports.forecast_backtest import data_end, default_range, forecast_backtest
from relance.reports.forecast_output import backtest_json, forecast_json

METHOD_LABELS = {  # message ids, worded when printed
    "model": gettext_noop("prévision"),
    "due_date": gettext_noop("échéance"),
    "due_date_or_as_of": gettext_noop("échéance ou date de calcul"),
    "customer_mean_delay": gettext_noop("échéance + retard moyen du client"),
}


class Command(TranslatedCommand):
    help = gettext_noop(
        "Prévision d'encaissements : date de paiement prévue de chaque facture ouverte et "
        "encaissements attendus par semaine (13 semaines, du lundi). Les montants sont donnés "
        "dans une seule devise : celle de l'organisation par défaut, une autre avec --currency "
        "(les devises ne s'additionnent jamais)."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        kwargs.setdefault("formatter_class", RawDescriptionHelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--org", default=None, help=_("organisation (slug)"))
        parser.add_argument(
            "--date", default=None, help=_("prévision au (AAAA-MM-JJ), aujourd'hui par défaut")
        )
        parser.add_argument(
            "--currency", default=None,
            help=_("devise affichée (par défaut celle de l'organisation ; les autres sont "
                   "listées)"),
        )  # fmt: skip
        parser.add_argument("--json", action="store_true", help=_("sortie JSON"))
        parser.add_argument("--rows", type=int, default=20, help=_("factures affichées (tableau)"))
        actions = parser.add_subparsers(dest="action", metavar="ACTION")
        backtest = actions.add_parser(
            "backtest",
            help=_("rejouer la prévision à chaque fin de mois et mesurer son erreur"),
            description=_(
                "Rejoue la prévision à chaque fin de mois de la période sur l'historique "
                "de l'organisation et donne l'erreur absolue moyenne (jours) sur les factures "
                "alors ouvertes et payées depuis, à côté de trois références calculées sur les "
                "mêmes factures."
            ),
        )
        backtest.add_argument("--org", default=None, help=_("organisation (slug)"))
        backtest.add_argument(
            "--from", dest="first", default=None,
            help=_("première fin de mois (AAAA-MM-JJ), 12 mois avant --to par défaut"),
        )  # fmt: skip
        backtest.add_argument(
            "--to", dest="last", default=None,
            help=_("dernière fin de mois (AAAA-MM-JJ), celle avant la fin des données par défaut"),
        )  # fmt: skip
        backtest.add_argument("--json", action="store_true", help=_("sortie JSON"))

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
            ngettext(
                "Prévision au %(day)s en %(currency)s : %(count)s facture(s) ouverte(s).",
                "Prévision au %(day)s en %(currency)s : %(count)s facture(s) ouverte(s).",
                len(invoices),
            )
            % {"day": document["as_of"], "currency": document["currency"], "count": len(invoices)}
        )
        invoice, customer, due = _("Facture"), _("Client"), _("Reste dû")
        planned, span, why = _("Prévue"), _("Fourchette"), _("Pourquoi")
        self.stdout.write(f"{invoice:<18} {customer:<24} {due:>12}  {planned:<10}  {span:<23}  "
                          f"{why}")  # fmt: skip
        for line in invoices[:rows]:
            self.stdout.write(
                f"{line['number'][:18]:<18} {line['customer'][:24]:<24} "
                f"{line['open_amount']:>12}  {line['predicted_payment_date']:<10}  "
                f"{line['low']} – {line['high']}  {line['why']}"
            )
        if len(invoices) > rows:
            more = len(invoices) - rows
            self.stdout.write(
                ngettext(
                    "… et %(count)s autre(s) (--rows, --json).",
                    "… et %(count)s autre(s) (--rows, --json).",
                    more,
                )
                % {"count": more}
            )
        self.stdout.write("")
        week, expected = _("Semaine du"), _("Attendu")
        promises, plans = _("dont promesses"), _("dont échéanciers")
        self.stdout.write(f"{week:<12} {expected:>14} {promises:>15} {plans:>17}")
        for week in document["weeks"]:
            self.stdout.write(f"{week['week_start']:<12} {week['expected']:>14} "
                              f"{week['promises']:>15} {week['plans']:>17}")  # fmt: skip
        self.stdout.write(
            _("Au-delà : %(later)s ; en litige (non compté) : %(disputed)s.")
            % {"later": document["later"], "disputed": document["disputed"]}
        )
        if document["other_currencies"]:
            others = ", ".join(document["other_currencies"])
            self.stdout.write(_("Autres devises (--currency) : %(others)s.") % {"others": others})

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
            ngettext(
                "Données jusqu'au %(day)s ; %(months)s fin(s) de mois, %(cases)s facture(s) "
                "ouvertes puis payées.",
                "Données jusqu'au %(day)s ; %(months)s fin(s) de mois, %(cases)s facture(s) "
                "ouvertes puis payées.",
                result.total.cases,
            )
            % {"day": document["data_end"], "months": len(result.months),
               "cases": result.total.cases}
        )  # fmt: skip
        self.stdout.write(_("Erreur absolue moyenne (jours) :"))
        for method, label in METHOD_LABELS.items():
            self.stdout.write(f"  {_(label):<36} {result.total.mae_days[method]:>8.2f}")
