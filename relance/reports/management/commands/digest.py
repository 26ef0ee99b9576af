"""relance digest [--org SLUG] [--date D] [--dry-run]"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from relance.accounts.access import OrganisationNotFound
from relance.accounts.models import Organisation
from relance.lib.cli import parse_day
from relance.reports.digest_send import weekly_digests_send


class Command(BaseCommand):
    help = (
        "Résumé hebdomadaire des chargés de recouvrement : l'envoie à ceux qui ne l'ont pas "
        "encore reçu pour la semaine (le cycle du matin l'envoie le lundi)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--org", default=None, help="organisation (slug) ; toutes sinon")
        parser.add_argument("--date", default=None, help="un jour de la semaine (AAAA-MM-JJ)")
        parser.add_argument(
            "--dry-run", action="store_true", help="dire à qui il partirait, sans rien envoyer"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = parse_day(options["date"])
        organisations = Organisation.objects.order_by("slug")
        if options["org"]:
            organisations = organisations.filter(slug=options["org"])
            if not organisations.exists():
                raise CommandError(str(OrganisationNotFound(
                    f"Organisation « {options['org']} » introuvable."
                )))  # fmt: skip
        for organisation in organisations:
            run = weekly_digests_send(
                organisation=organisation, day=day, dry_run=options["dry_run"]
            )
            self._report(organisation.slug, run, dry_run=options["dry_run"])

    def _report(self, slug: str, run: Any, *, dry_run: bool) -> None:
        week = run.week.isoformat()
        if dry_run:
            self.stdout.write(f"{slug} (semaine du {week}) : {len(run.planned)} à envoyer "
                              f"{' '.join(run.planned)}".rstrip())  # fmt: skip
            return
        self.stdout.write(f"{slug} (semaine du {week}) : {len(run.sent)} envoyé(s), "
                          f"{len(run.already)} déjà envoyé(s), "
                          f"{len(run.failed)} en échec")  # fmt: skip
        if run.failed:
            self.stderr.write(f"{slug} : non envoyés, à relancer : {' '.join(run.failed)}")
