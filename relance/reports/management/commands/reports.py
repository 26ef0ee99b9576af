"""relance reports backfill [--org SLUG] [--date D] [--months N] [--rebuild]"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from relance.accounts.access import OrganisationNotFound, organisation_by_slug
from relance.lib.cli import TranslatedCommand, parse_day
from relance.reports.services import BACKFILL_MONTHS, monthly_figures_record


class Command(TranslatedCommand):
    help = gettext_noop(
        "Tableaux de bord : chiffres de fin de mois (encours, échu, facturé, encaissé)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        backfill = actions.add_parser(
            "backfill",
            help=_("calculer les fins de mois manquantes et le mois en cours"),
        )
        backfill.add_argument("--org", default=None, help=_("organisation (slug)"))
        backfill.add_argument("--date", default=None, help=_("à la date (AAAA-MM-JJ)"))
        backfill.add_argument(
            "--months", type=int, default=BACKFILL_MONTHS, help=_("nombre de mois passés")
        )
        backfill.add_argument(
            "--rebuild",
            action="store_true",
            help=_(
                "recalculer tous les mois, même déjà clos (après un import de paiements anciens)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = organisation_by_slug(options["org"])
        except OrganisationNotFound as exc:
            raise CommandError(str(exc)) from exc
        if options["months"] < 1:
            raise CommandError(_("--months : au moins 1."))
        day = parse_day(options["date"])
        summary = monthly_figures_record(
            organisation=organisation, day=day, months=options["months"],
            rebuild=options["rebuild"],
        )  # fmt: skip
        if summary.closed_months:
            first, last = summary.closed_months[0], summary.closed_months[-1]
            count = len(summary.closed_months)
            self.stdout.write(
                ngettext(
                    "%(count)s mois calculé(s), de %(first)s à %(last)s.",
                    "%(count)s mois calculé(s), de %(first)s à %(last)s.",
                    count,
                )
                % {"count": count, "first": f"{first:%m/%Y}", "last": f"{last:%m/%Y}"}
            )
        else:
            self.stdout.write(_("Aucun mois passé à calculer : tous sont déjà clos."))
        self.stdout.write(
            ngettext(
                "%(count)s ligne(s) enregistrée(s) (mois en cours compris).",
                "%(count)s ligne(s) enregistrée(s) (mois en cours compris).",
                summary.rows,
            )
            % {"count": summary.rows}
        )
