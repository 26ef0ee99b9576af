"""relance report NAME [--org SLUG] [--from D] [--to D] [--by B] [filters] [--json]"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from relance.accounts.access import OrganisationNotFound, organisation_by_slug
from relance.accounts.clock import local_day
from relance.lib.cli import parse_day
from relance.reports.analytics import REPORTS, report
from relance.reports.analytics_filters import OVERDUE_BUCKETS, AnalyticsFilters, FilterError

FILTERS = {
    "segment": "segment (clé)",
    "scenario": "scénario (clé)",
    "step": "étape (clé)",
    "channel": "canal (email, sms, letter, formal_notice, call, legal)",
    "collector": "chargé de recouvrement (uuid)",
    "kind": "type de client (B2B, B2C, PUBLIC)",
    "country": "pays (FR, BE...)",
    "currency": "devise (EUR...)",
    "overdue": f"retard à la relance ({', '.join(OVERDUE_BUCKETS)})",
}


class Command(BaseCommand):
    help = "Analyse des relances : les chiffres de la page « Analyse », en JSON."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", choices=sorted(REPORTS), help="famille de chiffres")
        parser.add_argument("--org", default=None, help="organisation (slug)")
        parser.add_argument("--from", dest="from", default=None, help="début (AAAA-MM-JJ)")
        parser.add_argument("--to", default=None, help="fin (AAAA-MM-JJ), aujourd'hui par défaut")
        parser.add_argument("--date", default=None, help="aujourd'hui (AAAA-MM-JJ), pour rejouer")
        parser.add_argument(
            "--by", default="",
            help="cohorts : reminder (1re relance) ou due (échéance) ; "
            "dso : segment, collector ou customer (sinon les 12 mois)",
        )  # fmt: skip
        for name, text in FILTERS.items():
            parser.add_argument(f"--{name}", default="", help=text)
        parser.add_argument("--json", action="store_true", help="JSON sur une ligne")

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
            raise CommandError(f"Filtre invalide : {exc}") from exc
        indent = None if options["json"] else 2
        self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=indent))
