"""relance reports backfill [--org SLUG] [--date D] [--months N] [--rebuild]
relance reports facts [--org SLUG] [--rebuild]"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from relance.accounts.access import OrganisationNotFound, organisation_by_slug
from relance.accounts.models import Organisation
from relance.dunning.reminder_facts import reminder_facts_check, reminder_facts_rebuild
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

        facts = actions.add_parser(
            "facts",
            help=_(
                "vérifier ce que l'analyse garde par élément relancé (paiements à J+0..J+30, "
                "première relance), ou le recalculer (--rebuild)"
            ),
        )
        facts.add_argument("--org", default=None, help=_("organisation (slug)"))
        facts.add_argument("--rebuild", action="store_true", help=_("recalculer"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = organisation_by_slug(options["org"])
        except OrganisationNotFound as exc:
            raise CommandError(str(exc)) from exc
        if options["action"] == "facts":
            self._facts(organisation, rebuild=options["rebuild"])
            return
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

    def _facts(self, organisation: Organisation, *, rebuild: bool) -> None:
        if rebuild:
            reminder_facts_rebuild(organisation=organisation)
        check = reminder_facts_check(organisation=organisation)
        self.stdout.write(
            _(
                "Éléments relancés à recalculer : %(items)s ; échéances dont la première "
                "relance est à recalculer : %(instalments)s."
            )
            % {"items": check.items, "instalments": check.instalments}
        )
        if check.items or check.instalments:
            raise CommandError("relance reports facts --rebuild")
