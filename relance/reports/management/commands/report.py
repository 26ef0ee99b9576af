"""relance report NAME [--org SLUG] [--from D] [--to D] [--by B] [filters] [--json]"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from relance.accounts.access import OrganisationNotFound, organisation_by_slug
from relance.accounts.clock import local_day
from relance.lib.cli import TranslatedCommand, parse_day
from relance.reports.analytics import REPORTS, report
from relance.reports.analytics_filters import OVERDUE_BUCKETS, AnalyticsFilters, FilterError

FILTERS = {  # message ids, worded when the parser is built
    "segment": gettext_noop("segment (clé)"),
    "scenario": gettext_noop("scénario (clé)"),
    "step": gettext_noop("étape (clé)"),
    "channel": gettext_noop("canal (email, sms, letter, formal_notice, call, legal)"),
    "collector": gettext_noop("chargé de recouvrement (uuid)"),
    "kind": gettext_noop("type de client (B2B, B2C, PUBLIC)"),
    "country": gettext_noop("pays (FR, BE...)"),
    "currency": gettext_noop("devise (EUR...)"),
    "overdue": gettext_noop("retard à la relance (%(buckets)s)"),
}


class Command(TranslatedCommand):
    help = gettext_noop("Analyse des relances : les chiffres de la page « Analyse », en JSON.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", choices=sorted(REPORTS), help=_("famille de chiffres"))
        parser.add_argument("--org", default=None, help=_("organisation (slug)"))
        parser.add_argument("--from", dest="from", default=None, help=_("début (AAAA-MM-JJ)"))
        parser.add_argument(
            "--to", default=None, help=_("fin (AAAA-MM-JJ), aujourd'hui par défaut")
        )
        parser.add_argument(
            "--date", default=None, help=_("aujourd'hui (AAAA-MM-JJ), pour rejouer")
        )
        parser.add_argument(
            "--by", default="",
            help=_("cohorts : reminder (1re relance) ou due (échéance) ; "
                   "dso : segment, collector ou customer (sinon les 12 mois)"),
        )  # fmt: skip
        buckets = {"buckets": ", ".join(OVERDUE_BUCKETS)}
        for name, text in FILTERS.items():
            words = _(text) % buckets if name == "overdue" else _(text)
            parser.add_argument(f"--{name}", default="", help=words)
        parser.add_argument("--json", action="store_true", help=_("JSON sur une ligne"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = organisation_by_slug(options["org"])
        except OrganisationNotFound as exc:
            raise CommandError(str(exc)) from exc
        today = parse_day(options["date"]) if options["date"] else local_day(organisation)
        try:
            filters = AnalyticsFilters.from_mapping(options, today)
            figures = report(options["name"], organisation, filters, today, options["by"])
        except FilterError as exc:
            raise CommandError(_("Filtre invalide : %(reason)s") % {"reason": exc}) from exc
        indent = None if options["json"] else 2
        self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=indent))
