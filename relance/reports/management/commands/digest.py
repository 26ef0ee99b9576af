"""relance digest [--org SLUG] [--date D] [--dry-run]"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from relance.accounts.access import OrganisationNotFound
from relance.accounts.models import Organisation
from relance.lib.cli import TranslatedCommand, parse_day
from relance.reports.digest_send import weekly_digests_send


class Command(TranslatedCommand):
    help = gettext_noop(
        "Résumé hebdomadaire des chargés de recouvrement : l'envoie à ceux qui ne l'ont pas "
        "encore reçu pour la semaine (le cycle du matin l'envoie le lundi)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--org", default=None, help=_("organisation (slug) ; toutes sinon"))
        parser.add_argument("--date", default=None, help=_("un jour de la semaine (AAAA-MM-JJ)"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("dire à qui il partirait, sans rien envoyer")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = parse_day(options["date"])
        organisations = Organisation.objects.order_by("slug")
        if options["org"]:
            organisations = organisations.filter(slug=options["org"])
            if not organisations.exists():
                raise CommandError(str(OrganisationNotFound(
                    _("Organisation « %(slug)s » introuvable.") % {"slug": options["org"]}
                )))  # fmt: skip
        for organisation in organisations:
            run = weekly_digests_send(
                organisation=organisation, day=day, dry_run=options["dry_run"]
            )
            self._report(organisation.slug, run, dry_run=options["dry_run"])

    def _report(self, slug: str, run: Any, *, dry_run: bool) -> None:
        week = run.week.isoformat()
        if dry_run:
            planned = _("%(org)s (semaine du %(week)s) : %(count)s à envoyer %(to)s") % {
                "org": slug, "week": week, "count": len(run.planned), "to": " ".join(run.planned),
            }  # fmt: skip
            self.stdout.write(planned.rstrip())
            return
        self.stdout.write(
            ngettext(
                "%(org)s (semaine du %(week)s) : %(sent)s envoyé(s), %(already)s déjà "
                "envoyé(s), %(failed)s en échec",
                "%(org)s (semaine du %(week)s) : %(sent)s envoyé(s), %(already)s déjà "
                "envoyé(s), %(failed)s en échec",
                len(run.sent),
            )
            % {"org": slug, "week": week, "sent": len(run.sent), "already": len(run.already),
               "failed": len(run.failed)}
        )  # fmt: skip
        if run.failed:
            self.stderr.write(
                _("%(org)s : non envoyés, à relancer : %(to)s")
                % {"org": slug, "to": " ".join(run.failed)}
            )
